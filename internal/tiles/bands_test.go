package tiles_test

import (
	"context"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/serasi/serasi/internal/layers"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/tiles"
)

// bandStore draws every kelurahan but Wale from its band: a square.
type bandStore struct {
	store.Store
	square orb.Polygon
	asked  []int
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
