// Package tiles serves the map layers as Mapbox Vector Tiles 2.1
// (/tiles/{layer}/{z}/{x}/{y}.mvt) with a TileJSON 3.0.0 document per layer
// (/tiles/{layer}.json), cached in process and revalidated by ETag.
package tiles

import (
	"bytes"
	"context"
	"encoding/binary"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/encoding/mvt/vectortile"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/simplify"

	"github.com/serasi/serasi/internal/layers"
	"github.com/serasi/serasi/internal/store"
)

const (
	// Extent is the size of a tile in tile units.
	Extent = 4096
	// Buffer is how far, in tile units, geometry reaches past the tile edge
	// so that strokes and labels do not break at the seams. 256 is
	// PostGIS ST_AsMVT's default; it lies well inside
	// mvt.MapboxGLDefaultExtentBound (a whole tile), which would make every
	// polygon tile carry nine tiles' worth of geometry.
	Buffer = 256
	// MaxZoom is the deepest zoom a tile address may name at all.
	MaxZoom = 24
)

var clipBound = orb.Bound{Min: orb.Point{-Buffer, -Buffer}, Max: orb.Point{Extent + Buffer, Extent + Buffer}}

// Encode renders one tile of a layer in Go, from any store's records, as an
// uncompressed MVT with the one layer named after it. Features are those
// the layer fetches for the tile box grown by Buffer, projected to tile
// units, clipped, simplified by about one screen pixel and wound as the MVT
// spec asks. Render uses the store's own encoder when it has one.
func Encode(ctx context.Context, s store.Store, l *layers.Layer, t maptile.Tile) ([]byte, error) {
	box := bufferedBound(t)
	if c, ok := s.(layers.Copy); ok {
		if feats, tags, ok := c.TileFeatures(l, t, box); ok {
			return encodeTagged(ctx, l, t, feats, tags)
		}
		s = c.Source()
	}
	shared := bandsDrawn(s, l, t)
	z := int(t.Z)
	res, err := l.Fetch(ctx, s, layers.Query{BBox: &box, Shared: shared, Zoom: &z})
	if err != nil {
		return nil, err
	}
	feats := drawn(s, l, t, tileFeatures(l, res.Features), shared)
	return encodeFeatures(ctx, l, t, feats)
}

// encodeFeatures encodes the features of tile t (lon/lat geometry the
// encoder may change, tile properties) as Encode describes.
func encodeFeatures(ctx context.Context, l *layers.Layer, t maptile.Tile, feats []*geojson.Feature) ([]byte, error) {
	kept, err := shape(ctx, l, t, feats)
	if err != nil {
		return nil, err
	}
	return mvt.Marshal(mvt.Layers{{Name: l.Name, Version: 2, Extent: Extent, Features: kept}})
}

// shape projects, clips and simplifies the features of tile t, dropping
// those with nothing left in it; it keeps their IDs. An area of a
// generalised layer is never dropped: which areas a tile has is the rule's
// (min zoom and the bbox of the original), not the encoder's, so one whose
// drawn geometry clips or collapses to nothing is drawn as a dot (see
// dot), as PostGIS's tile query does.
func shape(ctx context.Context, l *layers.Layer, t maptile.Tile, feats []*geojson.Feature) ([]*geojson.Feature, error) {
	dp := simplify.DouglasPeucker(tolerance(l, t))
	kept := feats[:0]
	// In chunks, so that a render whose clients have all gone stops soon
	// (a z12 projects tile is seconds of CPU) rather than at the end.
	for start := 0; start < len(feats); start += encodeChunk {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		chunk := &mvt.Layer{Extent: Extent, Features: feats[start:min(start+encodeChunk, len(feats))]}
		chunk.ProjectToTile(t)
		for _, f := range chunk.Features {
			if f.Geometry == nil {
				continue
			}
			var b orb.Bound
			if l.Generalised {
				b = f.Geometry.Bound()
			}
			g := clipped(f.Geometry)
			if g != nil {
				g = tidy(dp, g)
			}
			if g == nil && l.Generalised {
				g = dot(b)
			}
			if g != nil {
				f.Geometry = g
				kept = append(kept, f)
			}
		}
	}
	return kept, ctx.Err()
}

// dot is what an area draws whose geometry clips or collapses to nothing
// in the tile: a square of one tile unit (an eighth of a pixel) at the
// centre of its bound b (tile units, before clipping), moved into the
// buffered tile. PostGIS's tile query draws the same (internal/store/
// postgis, tiles.go).
func dot(b orb.Bound) orb.Polygon {
	c := b.Center()
	x := math.Floor(min(max(c[0], -Buffer), Extent+Buffer-1))
	y := math.Floor(min(max(c[1], -Buffer), Extent+Buffer-1))
	return orb.Polygon{{{x, y}, {x + 1, y}, {x + 1, y + 1}, {x, y + 1}, {x, y}}}
}

// encodeTagged is encodeFeatures for features whose properties come
// prepared (layers.TileTag): orb encodes the geometry, and the tags and
// the key and value tables are filled in from the prepared values, in the
// order orb's encoder gives them (per feature by key, tables in order of
// first use), so the tile is the same, byte for byte (TestTilesMatchStore
// in internal/mirror), at a fraction of the cost of hashing every value
// of every feature (BenchmarkCopyTile).
func encodeTagged(ctx context.Context, l *layers.Layer, t maptile.Tile, feats []*geojson.Feature, tags [][]layers.TileTag) ([]byte, error) {
	// Which tags are whose, through clipping: shape keeps the features it
	// keeps in their order.
	orig := slices.Clone(feats)
	kept, err := shape(ctx, l, t, feats)
	if err != nil {
		return nil, err
	}
	own := make([][]layers.TileTag, len(kept))
	j := 0
	for i, f := range kept {
		for orig[j] != f {
			j++
		}
		own[i] = tags[j]
		f.ID = nil // the id is a property (Layer.IDProperty), not the MVT id
		j++
	}
	vt, err := mvt.MarshalToVectorTile(mvt.Layers{{Name: l.Name, Version: 2, Extent: Extent, Features: kept}})
	if err != nil {
		return nil, err
	}
	layer := vt.Layers[0]
	n := 0
	for _, o := range own {
		n += 2 * len(o)
	}
	all := make([]uint32, 0, n) // every feature's tags, one backing array
	keys := map[string]uint32{}
	// last is the previous feature's keys by position: features of a
	// layer mostly carry the same keys, so most need no look-up.
	type keyAt struct {
		key string
		i   uint32
	}
	var last []keyAt
	values := make(map[uint32]uint32, len(kept))
	// The values' fields, copied as they come when every one has its
	// bytes ready (layers.TileTag.Field); else layer.Values.
	var uniq []*layers.TileTag // the values in table order
	fieldsLen := 0
	raw := true
	for i, f := range layer.Features {
		if i%encodeChunk == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		ts := all[len(all) : len(all) : len(all)+2*len(own[i])]
		for k := range own[i] {
			tag := &own[i][k]
			var ki uint32
			if k < len(last) && last[k].key == tag.Key {
				ki = last[k].i
			} else {
				var ok bool
				if ki, ok = keys[tag.Key]; !ok {
					ki = uint32(len(layer.Keys))
					keys[tag.Key] = ki
					layer.Keys = append(layer.Keys, tag.Key)
				}
				if k < len(last) {
					last[k] = keyAt{tag.Key, ki}
				} else {
					last = append(last, keyAt{tag.Key, ki})
				}
			}
			vi, ok := values[tag.ID]
			if !ok {
				vi = uint32(len(values))
				values[tag.ID] = vi
				layer.Values = append(layer.Values, tag.Value)
				raw = raw && tag.Field != nil
				uniq = append(uniq, tag)
				fieldsLen += len(tag.Field)
			}
			ts = append(ts, ki, vi)
		}
		f.Tags = ts
		all = all[:len(all)+len(ts)]
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if raw {
		return marshalWithFields(vt, uniq, fieldsLen)
	}
	return vt.Marshal()
}

// marshalWithFields is vt.Marshal for a tile of one layer whose values
// come as their protobuf fields, already encoded: the layer is marshalled
// without them and they are put where protobuf writes them (by field
// number: name 1, features 2, keys 3, values 4, then extent 5 and version
// 15), so the bytes are those of vt.Marshal (TestTilesMatchStore in
// internal/mirror) without marshalling each value of every tile again
// (BenchmarkCopyTile).
func marshalWithFields(vt *vectortile.Tile, uniq []*layers.TileTag, fieldsLen int) ([]byte, error) {
	if len(vt.Layers) != 1 {
		return vt.Marshal()
	}
	layer := vt.Layers[0]
	// The fields after values, as a layer with an empty name writes them
	// (the name is required) less that name's two bytes.
	none := ""
	tail, err := (&vectortile.Tile_Layer{Name: &none, Version: layer.Version, Extent: layer.Extent}).Marshal()
	if err != nil || len(tail) < 2 {
		return vt.Marshal()
	}
	tail = tail[2:]
	vals := layer.Values
	layer.Values = nil
	defer func() { layer.Values = vals }()
	size := layer.Size()
	n := size + fieldsLen
	out := make([]byte, 0, 1+binary.MaxVarintLen64+n)
	out = append(out, 3<<3|2) // Tile.layers: field 3, length-delimited
	out = binary.AppendUvarint(out, uint64(n))
	start := len(out)
	out = out[:start+size]
	if _, err := layer.MarshalToSizedBuffer(out[start:]); err != nil || !bytes.HasSuffix(out, tail) {
		layer.Values = vals
		return vt.Marshal()
	}
	out = out[:len(out)-len(tail)]
	for _, tag := range uniq {
		out = append(out, tag.Field...)
	}
	return append(out, tail...), nil
}

// encodeChunk is how many features encodeFeatures projects between two
// looks at its context.
const encodeChunk = 256

// tileFeatures keeps the properties a tile can carry: MVT has no null and
// no string ids (the id is a property, see Layer.IDProperty), and detail
// texts are left to GeoJSON.
func tileFeatures(l *layers.Layer, feats []*geojson.Feature) []*geojson.Feature {
	detail := map[string]bool{}
	for _, f := range l.Fields {
		if f.Detail {
			detail[f.Name] = true
		}
	}
	for _, f := range feats {
		f.ID = nil
		for k, v := range f.Properties {
			if v == nil || detail[k] {
				delete(f.Properties, k)
			}
		}
	}
	return feats
}

// clipped is clip.Geometry(clipBound, g), as mvt.Layer.Clip clips, but a
// point kept is the same interface value (no new one per point).
func clipped(g orb.Geometry) orb.Geometry {
	if p, ok := g.(orb.Point); ok {
		if clipBound.Intersects(p.Bound()) {
			return g
		}
		return nil
	}
	return clip.Geometry(clipBound, g)
}

// tidy simplifies g (in tile units) and makes polygons valid for MVT 2:
// exterior rings of positive area in tile coordinates (y down), holes
// negative, no degenerate rings. A polygon that simplification would
// collapse keeps its unsimplified rings, so small kelurahan do not vanish
// at low zoom; one with no area left in tile units is dropped.
func tidy(dp *simplify.DouglasPeuckerSimplifier, g orb.Geometry) orb.Geometry {
	if _, ok := g.(orb.Point); ok {
		return g // as dp.Simplify gives it, without a new interface value
	}
	switch g := g.(type) {
	case orb.Polygon:
		if p := tidyPolygon(dp, g); p != nil {
			return p
		}
		return nil
	case orb.MultiPolygon:
		var mp orb.MultiPolygon
		for _, p := range g {
			if p = tidyPolygon(dp, p); p != nil {
				mp = append(mp, p)
			}
		}
		if len(mp) == 0 {
			return nil
		}
		return mp
	case nil:
		return nil
	}
	if s := dp.Simplify(g); s != nil {
		return s
	}
	return nil
}

func tidyPolygon(dp *simplify.DouglasPeuckerSimplifier, p orb.Polygon) orb.Polygon {
	if len(p) == 0 {
		return nil
	}
	orig := p.Clone()
	if s, ok := dp.Simplify(p).(orb.Polygon); ok {
		if out := orient(s); out != nil {
			return out
		}
	}
	return orient(orig)
}

// orient drops degenerate rings and winds the rest; nil when the exterior
// ring is degenerate.
func orient(p orb.Polygon) orb.Polygon {
	var out orb.Polygon
	for i, r := range p {
		o := r.Orientation()
		if len(r) < 4 || o == 0 {
			if i == 0 {
				return nil
			}
			continue
		}
		// orb.CCW means positive area in the raw (tile) coordinates.
		if (i == 0) != (o == orb.CCW) {
			r.Reverse()
		}
		out = append(out, r)
	}
	return out
}

// bufferedBound is the lon/lat box of t grown by Buffer tile units on every
// side, taken from the tiles four zooms down (1/16 of a tile = 256 units),
// so the margin is exact in Web Mercator.
func bufferedBound(t maptile.Tile) orb.Bound {
	z := t.Z + 4
	last := uint32(1<<z - 1)
	minX, minY := int64(t.X)*16-1, int64(t.Y)*16-1
	maxX, maxY := int64(t.X)*16+16, int64(t.Y)*16+16
	clamp := func(v int64) uint32 { return uint32(min(max(v, 0), int64(last))) }
	nw := maptile.New(clamp(minX), clamp(minY), z).Bound()
	se := maptile.New(clamp(maxX), clamp(maxY), z).Bound()
	return nw.Union(se)
}
