package tiles

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"github.com/serasi/serasi/internal/generalise"
	"github.com/serasi/serasi/internal/layers"
	"github.com/serasi/serasi/internal/store"
)

// bandsDrawn reports whether tile t of l draws its areas from the bands
// that s keeps (layers.Bands) rather than from the original geometries:
// the fetch may then share the store's originals (layers.Query.Shared),
// which drawn replaces.
func bandsDrawn(s store.Store, l *layers.Layer, t maptile.Tile) bool {
	_, ok := s.(layers.Bands)
	return ok && l.Generalised && generalise.Bands[generalise.BandIndex(int(t.Z))].Tolerance > 0
}

// drawn keeps the area features that tile t draws, those whose min zoom
// (layers.Bands.MinZoom, else generalise.MinZoom of the geometry's bound:
// the same rule) is at most t.Z, and gives each the geometry its store
// keeps for the zoom band, when it keeps one. Which features a tile has
// otherwise follows the store's bbox rule on the original geometry. With
// shared set the features hold the store's originals, and every feature
// kept gets a geometry of its own.
func drawn(s store.Store, l *layers.Layer, t maptile.Tile, feats []*geojson.Feature, shared bool) []*geojson.Feature {
	if !l.Generalised {
		return feats
	}
	b, banded := s.(layers.Bands)
	z := int(t.Z)
	kept := feats[:0]
	for _, f := range feats {
		code, _ := f.Properties[l.IDProperty].(string)
		minZoom, ok := 0, false
		if banded {
			minZoom, ok = b.MinZoom(l.Name, code)
		}
		if !ok && f.Geometry != nil {
			minZoom = generalise.MinZoom(f.Geometry.Bound())
		}
		if minZoom > z {
			continue
		}
		if banded {
			if g, ok := b.BandGeometry(l.Name, code, z); ok {
				f.Geometry = orb.Clone(g)
			} else if shared {
				f.Geometry = orb.Clone(f.Geometry)
			}
		}
		kept = append(kept, f)
	}
	return kept
}
