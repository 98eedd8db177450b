package mirror

import (
	"encoding/binary"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/encoding/mvt/vectortile"
	"github.com/paulmach/orb/geojson"

	"github.com/serasi/serasi/internal/layers"
)

// values interns tile property values: an id per distinct value (equal as
// Go interface values, as orb's encoder dedupes them) and its encoding,
// made by orb's encoder itself so that it cannot drift from it. Ids are
// never reused; a value no longer used stays (a few bytes each).
type values struct {
	mu    sync.Mutex
	ids   map[any]uint32
	enc   []*vectortile.Tile_Value
	field [][]byte // enc as a layer's values field (layers.TileTag.Field)
}

// tags returns the properties p as tags sorted by key.
func (vs *values) tags(p geojson.Properties) []layers.TileTag {
	out := make([]layers.TileTag, 0, len(p))
	vs.mu.Lock()
	defer vs.mu.Unlock()
	if vs.ids == nil {
		vs.ids = map[any]uint32{}
	}
	for k, v := range p {
		if v == nil || !reflect.TypeOf(v).Comparable() {
			continue // the layers' tile properties are scalars; a map key must be
		}
		id, ok := vs.ids[v]
		if !ok {
			enc, err := encodeValue(v)
			if err != nil {
				continue // as the store path would fail the tile; leave the property out
			}
			var field []byte // nil: the encoder marshals the value itself
			if b, err := enc.Marshal(); err == nil {
				field = append([]byte{4<<3 | 2}, binary.AppendUvarint(nil, uint64(len(b)))...) // Tile.Layer.values: field 4, length-delimited
				field = append(field, b...)
			}
			id = uint32(len(vs.enc))
			vs.ids[v] = id
			vs.enc = append(vs.enc, enc)
			vs.field = append(vs.field, field)
		}
		out = append(out, layers.TileTag{Key: k, ID: id, Value: vs.enc[id], Field: vs.field[id]})
	}
	slices.SortFunc(out, func(a, b layers.TileTag) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// encodeValue has orb encode v as the value of a one-feature tile.
func encodeValue(v any) (*vectortile.Tile_Value, error) {
	vt, err := mvt.MarshalToVectorTile(mvt.Layers{{Name: "v", Version: 2, Extent: 4096,
		Features: []*geojson.Feature{{Geometry: orb.Point{}, Properties: geojson.Properties{"v": v}}}}})
	if err != nil {
		return nil, err
	}
	return vt.Layers[0].Values[0], nil
}
