package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/serasi/serasi/internal/boundaries"
	"github.com/serasi/serasi/internal/layers"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/tiles"
)

// NationalTilesPerZoom is how many tiles per zoom RunNationalTileTests
// compares besides the fixed places (nationalTilePlaces), at kelurahan
// drawn at random (seed NationalSeed).
const NationalTilesPerZoom = 12

// nationalTilePlaces are always in the sample: the densest tiles (Jakarta),
// a land border (Skouw, Papua, on the border with Papua New Guinea; Entikong,
// Kalimantan, with Malaysia) and a coast (Baubau).
var nationalTilePlaces = []orb.Point{
	{106.8272, -6.1754},
	{140.98, -2.64},
	{110.35, 1.00},
	{122.61, -5.47},
}

// RunNationalTileTests renders a seeded sample of tiles at every zoom 4-14
// (the fixed places and NationalTilesPerZoom more where kelurahan are) of
// every area layer, from the store s and from reference, both holding
// set (the national boundaries imported with their generalised bands),
// and checks the tiles carry the same features in the same order with the
// same properties: each leaves out the areas under their min zoom and
// draws the same bands. Geometry is each store's own encoding (compared
// on Baubau by internal/tiles' TestPostGISBandsMatchGoEncoder).
func RunNationalTileTests(t *testing.T, set *boundaries.Set, reference, s store.Store) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(NationalSeed, 4))
	reg := layers.New()
	drawn := 0
	for z := maptile.Zoom(4); z <= 14; z++ {
		var sample []maptile.Tile
		add := func(p orb.Point) {
			if tile := maptile.At(p, z); !slices.Contains(sample, tile) {
				sample = append(sample, tile)
			}
		}
		for _, p := range nationalTilePlaces {
			add(p)
		}
		for range NationalTilesPerZoom {
			add(set.Kelurahans[r.IntN(len(set.Kelurahans))].Centroid)
		}
		for _, name := range []string{"kelurahan", "kecamatan", "kabupaten_kota", "provinsi"} {
			l, ok := reg.Lookup(name)
			if !ok {
				t.Fatalf("no layer %s", name)
			}
			if int(z) < l.MinZoom || int(z) > l.MaxZoom {
				continue
			}
			for _, tile := range sample {
				want, err := renderTileFeatures(ctx, reference, l, tile)
				if err != nil {
					t.Fatalf("%s %d/%d/%d, reference: %v", name, tile.Z, tile.X, tile.Y, err)
				}
				got, err := renderTileFeatures(ctx, s, l, tile)
				if err != nil {
					t.Fatalf("%s %d/%d/%d: %v", name, tile.Z, tile.X, tile.Y, err)
				}
				if len(want) == 1 {
					drawn += len(want[0].Features)
				}
				compareTileFeatures(t, fmt.Sprintf("%s %d/%d/%d", name, tile.Z, tile.X, tile.Y), l, want, got)
			}
		}
	}
	if drawn == 0 {
		t.Error("no feature in any tile compared")
	}
	t.Logf("%d features compared", drawn)
}

// renderTileFeatures renders tile t of l as the tile server does and
// decodes its one layer.
func renderTileFeatures(ctx context.Context, s store.Store, l *layers.Layer, t maptile.Tile) ([]*mvt.Layer, error) {
	data, err := tiles.Render(ctx, s, l, t)
	if err != nil {
		return nil, err
	}
	return mvt.Unmarshal(data)
}

func compareTileFeatures(t *testing.T, where string, l *layers.Layer, want, got []*mvt.Layer) {
	t.Helper()
	if len(want) != 1 || len(got) != 1 {
		t.Errorf("%s: %d layers, reference %d; want 1", where, len(got), len(want))
		return
	}
	ids := func(ly *mvt.Layer) []string {
		out := make([]string, len(ly.Features))
		for i, f := range ly.Features {
			out[i], _ = f.Properties[l.IDProperty].(string)
		}
		return out
	}
	w, g := ids(want[0]), ids(got[0])
	if !slices.Equal(w, g) {
		var missing, extra []string
		for _, id := range w {
			if !slices.Contains(g, id) {
				missing = append(missing, id)
			}
		}
		for _, id := range g {
			if !slices.Contains(w, id) {
				extra = append(extra, id)
			}
		}
		t.Errorf("%s: %d features, reference %d; missing %v, extra %v", where, len(g), len(w), missing, extra)
		return
	}
	for i, wf := range want[0].Features {
		if gp := got[0].Features[i].Properties; !reflect.DeepEqual(gp, wf.Properties) {
			t.Errorf("%s: %s: properties %v, reference %v", where, w[i], gp, wf.Properties)
		}
	}
}
