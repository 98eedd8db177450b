package tiles_test

import (
	"context"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/boundaries"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/generalise"
	"github.com/serasi/serasi/internal/layers"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/memory"
	"github.com/serasi/serasi/internal/tiles"
)

// bandStore draws every kelurahan but Wale from its band: a square; it
// gives the kelurahan of minZoom their min zoom (the others 0).
type bandStore struct {
	store.Store
	square  orb.Polygon
	asked   []int
	minZoom map[string]int
}

func (b *bandStore) MinZoom(layer, code string) (int, bool) {
	return b.minZoom[code], layer == "kelurahan"
}

func (b *bandStore) BandGeometry(layer, code string, z int) (orb.Geometry, bool) {
	b.asked = append(b.asked, z)
	if layer != "kelurahan" || code == "74.72.02.1001" {
		return nil, false
	}
	return b.square, true
}

// TestEncodeDrawsBands: a store's band geometry replaces the drawn one,
// features stay those of the store's bbox rule, and the band geometry is
// not changed by the encoder.
func TestEncodeDrawsBands(t *testing.T) {
	tile := maptile.At(baubau, 10)
	c := tile.Center()
	square := orb.Polygon{{{c[0] - 0.01, c[1] - 0.01}, {c[0] + 0.01, c[1] - 0.01}, {c[0] + 0.01, c[1] + 0.01}, {c[0] - 0.01, c[1] + 0.01}, {c[0] - 0.01, c[1] - 0.01}}}
	bs := &bandStore{Store: newStore(t), square: square.Clone()}
	l, _ := layers.New().Lookup("kelurahan")
	plain, err := encodeLayer(t, bs.Store, l, tile)
	if err != nil {
		t.Fatal(err)
	}
	banded, err := encodeLayer(t, bs, l, tile)
	if err != nil {
		t.Fatal(err)
	}
	if len(plain.Features) != len(banded.Features) || len(plain.Features) < 10 {
		t.Fatalf("%d features with bands, %d without; want the same, at least 10", len(banded.Features), len(plain.Features))
	}
	squares, wale := 0, false
	for _, f := range banded.Features {
		p, ok := f.Geometry.(orb.Polygon)
		if f.Properties["kode"] == "74.72.02.1001" {
			wale = true
			if ok && len(p[0]) == 5 {
				t.Error("Wale, which has no band, is drawn as a square")
			}
			continue
		}
		if ok && len(p) == 1 && len(p[0]) == 5 {
			squares++
		}
	}
	if !wale || squares != len(banded.Features)-1 {
		t.Errorf("%d of %d features drawn from the band (Wale there: %v)", squares, len(banded.Features), wale)
	}
	if !orb.Equal(bs.square, square) {
		t.Error("the encoder changed the store's band geometry")
	}
	if len(bs.asked) == 0 || bs.asked[0] != 10 {
		t.Errorf("asked for zooms %v, want 10", bs.asked)
	}
}

// TestEncodeMinZoom: a tile leaves out the areas whose min zoom is deeper
// than its zoom, by the store's min zoom; without one, by
// generalise.MinZoom of the geometry, the same rule.
func TestEncodeMinZoom(t *testing.T) {
	tile := maptile.At(baubau, 10)
	l, _ := layers.New().Lookup("kelurahan")
	base := newStore(t)
	plain, err := encodeLayer(t, base, l, tile)
	if err != nil {
		t.Fatal(err)
	}
	if len(plain.Features) < 10 {
		t.Fatalf("%d features; want at least 10", len(plain.Features))
	}
	hidden := plain.Features[0].Properties["kode"].(string)
	c := tile.Center()
	square := orb.Polygon{{{c[0] - 0.01, c[1] - 0.01}, {c[0] + 0.01, c[1] - 0.01}, {c[0] + 0.01, c[1] + 0.01}, {c[0] - 0.01, c[1] + 0.01}, {c[0] - 0.01, c[1] - 0.01}}}
	bs := &bandStore{Store: base, square: square, minZoom: map[string]int{hidden: 11, "74.72.02.1001": 10}}
	got, err := encodeLayer(t, bs, l, tile)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Features) != len(plain.Features)-1 {
		t.Errorf("%d features, want %d", len(got.Features), len(plain.Features)-1)
	}
	for _, f := range got.Features {
		if f.Properties["kode"] == hidden {
			t.Errorf("%s, min zoom 11, is drawn at z10", hidden)
		}
	}
	// Baubau's smallest kelurahan are under a pixel at z4: not drawn.
	low := maptile.At(baubau, 4)
	all, err := base.Kelurahans(context.Background(), domain.KelurahanFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, k := range all {
		if generalise.MinZoom(k.Geometry.Bound()) <= 4 {
			want++
		}
	}
	got, err = encodeLayer(t, base, l, low)
	if err != nil {
		t.Fatal(err)
	}
	if want == len(all) || len(got.Features) != want {
		t.Errorf("z4: %d features, want %d (of %d)", len(got.Features), want, len(all))
	}
}

// TestEncodeKeepsStoreGeometry: where a tile draws bands the embedded store
// hands its own geometries to the encoder (layers.Query.Shared), which
// must not change them.
func TestEncodeKeepsStoreGeometry(t *testing.T) {
	set, err := boundaries.Read("../../../shared/data/baubau-kelurahan.geojson", boundaries.Options{Generalise: generalise.Geometries})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := memory.ImportBoundaries(dir, set); err != nil {
		t.Fatal(err)
	}
	s, err := memory.Open(geodata.FS, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	before, err := s.Kelurahans(ctx, domain.KelurahanFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"kelurahan", "kecamatan", "kabupaten_kota", "provinsi"} {
		l, _ := layers.New().Lookup(name)
		for z := maptile.Zoom(4); z <= 12; z++ {
			if _, err := tiles.Encode(ctx, s, l, maptile.At(baubau, z)); err != nil {
				t.Fatal(err)
			}
		}
	}
	after, err := s.Kelurahans(ctx, domain.KelurahanFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range before {
		if !orb.Equal(before[i].Geometry, after[i].Geometry) {
			t.Fatalf("kelurahan %s: the encoder changed the store's geometry", before[i].Code)
		}
	}
}

func encodeLayer(t *testing.T, s store.Store, l *layers.Layer, tile maptile.Tile) (*mvt.Layer, error) {
	t.Helper()
	data, err := tiles.Encode(context.Background(), s, l, tile)
	if err != nil {
		return nil, err
	}
	ls, err := mvt.Unmarshal(data)
	if err != nil {
		return nil, err
	}
	return ls[0], nil
}

// TestEncodeKeepsCollapsedAreas: an area whose drawn geometry collapses
// in the tile is still in it, as a one-unit dot at the centre of its
// bound: which areas a tile has is the rule's, not the encoder's.
func TestEncodeKeepsCollapsedAreas(t *testing.T) {
	tile := maptile.At(baubau, 10)
	c := tile.Center()
	flat := orb.Polygon{{c, {c[0] + 1e-3, c[1]}, {c[0] + 2e-3, c[1]}, c}} // no area
	l, _ := layers.New().Lookup("kelurahan")
	base := newStore(t)
	plain, err := encodeLayer(t, base, l, tile)
	if err != nil {
		t.Fatal(err)
	}
	got, err := encodeLayer(t, &bandStore{Store: base, square: flat}, l, tile)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Features) != len(plain.Features) {
		t.Fatalf("%d features with collapsed bands, %d without; want the same", len(got.Features), len(plain.Features))
	}
	dots := 0
	for _, f := range got.Features {
		if p, ok := f.Geometry.(orb.Polygon); ok && len(p) == 1 && len(p[0]) == 5 {
			if b := p.Bound(); b.Max[0]-b.Min[0] == 1 && b.Max[1]-b.Min[1] == 1 && math.Abs(b.Min[1]-2048) < 64 {
				dots++
			}
		}
	}
	if dots != len(got.Features)-1 { // Wale has no band
		t.Errorf("%d of %d features drawn as the dot", dots, len(got.Features))
	}
}
