package tiles

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"github.com/serasi/serasi/internal/layers"
	"github.com/serasi/serasi/internal/store"
)

// withBands gives each area feature the geometry its store keeps for the
// tile's zoom band (layers.Bands), when it keeps one: which features a
// tile has still follows the store's bbox rule on the original geometry,
// only what they draw changes.
func withBands(s store.Store, l *layers.Layer, t maptile.Tile, feats []*geojson.Feature) {
	b, ok := s.(layers.Bands)
	if !ok || !l.Generalised {
		return
	}
	for _, f := range feats {
		code, _ := f.Properties[l.IDProperty].(string)
		if g, ok := b.BandGeometry(l.Name, code, int(t.Z)); ok {
			f.Geometry = orb.Clone(g)
		}
	}
}
