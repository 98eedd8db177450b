package layers

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt/vectortile"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"github.com/serasi/serasi/internal/store"
)

// Copy is an in-process copy of the layers' features (internal/mirror)
// that a store handed to the map outputs may also be: Fetch, Feature and
// the tile encoder then answer from memory what the copy can answer, and
// ask the store the rest. A copy answers exactly what the store would,
// within the change feed's latency.
type Copy interface {
	// CopyFetch answers q (already validated) for layer l; ok false when
	// the copy does not hold l or cannot answer q (a filter it does not
	// apply). The features are the caller's to change.
	CopyFetch(l *Layer, q Query) (res Result, ok bool)
	// Source is the store the copy is of: what the copy does not answer,
	// that store answers as it would without a copy.
	Source() store.Store
	// CopyFeature returns one feature by id (ENOTFOUND when it is not in
	// the layer); ok false when the copy does not hold l. The feature is
	// the caller's to change.
	CopyFeature(l *Layer, id string) (f *geojson.Feature, ok bool, err error)
	// TileFeatures returns the features of l that meet box, in the
	// layer's natural order, as the tile t shows them: geometry in lon/lat
	// that the caller may change (the copy may hold a geometry per zoom),
	// no id, no properties; tags[i] holds the tile properties of feats[i]
	// (no nulls, no Detail fields), shared and read-only. ok false when
	// the copy does not hold l.
	TileFeatures(l *Layer, t maptile.Tile, box orb.Bound) (feats []*geojson.Feature, tags [][]TileTag, ok bool)
}

// TileTag is one tile property of a feature as the MVT encoder writes it,
// prepared once rather than per tile: the key, the value already encoded,
// and an id that is the same exactly for equal values (the tile's value
// table holds each once). A feature's tags are sorted by key.
type TileTag struct {
	Key   string
	ID    uint32
	Value *vectortile.Tile_Value
	// Field is Value as a layer's values field (key 4, length, Value's
	// bytes), as protobuf writes it, so that the encoder copies it
	// rather than marshalling Value in every tile; nil: marshal Value.
	Field []byte
}

// TileProperties returns what a vector tile carries of a feature's
// properties: MVT has no null, and Detail texts are left to GeoJSON.
func (l *Layer) TileProperties(p geojson.Properties) geojson.Properties {
	out := make(geojson.Properties, len(p))
	for k, v := range p {
		if v != nil && !l.detail(k) {
			out[k] = v
		}
	}
	return out
}

func (l *Layer) detail(name string) bool {
	for _, f := range l.Fields {
		if f.Name == name {
			return f.Detail
		}
	}
	return false
}
