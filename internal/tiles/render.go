package tiles

import (
	"context"
	"errors"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/serasi/serasi/internal/layers"
	"github.com/serasi/serasi/internal/store"
)

// MVTStore is implemented by a store that renders a layer's tiles itself
// (PostGIS with ST_AsMVT), next to the data, instead of handing the
// records to the Go encoder. The tile must carry what Encode would put in
// it: one layer named req.Layer, the same features in the same order with
// the same properties (the layer's Fields less Detail ones, nulls left
// out), geometry clipped to Buffer and simplified by req.Tolerance.
type MVTStore interface {
	TileMVT(ctx context.Context, req MVTRequest) ([]byte, error)
}

// ErrNoMVT is what an MVTStore answers for a layer it does not render; the
// tile is then encoded in Go from the store's records.
var ErrNoMVT = errors.New("tiles: the store does not render this layer")

// MVTRequest asks an MVTStore for one layer of one tile.
type MVTRequest struct {
	// Layer is the layer name (e.g. "kelurahan"), also the MVT layer name.
	Layer   string
	Z, X, Y uint32
	// Bound is the lon/lat box the features must intersect, with the
	// store's usual bbox rule: the tile grown by Buffer, as Encode fetches.
	Bound orb.Bound
	// Extent and Buffer are in tile units (4096 and 256).
	Extent, Buffer uint32
	// Tolerance is the simplification tolerance in tile units.
	Tolerance float64
}

// NewMVTRequest describes tile t of layer l as Encode renders it.
func NewMVTRequest(l *layers.Layer, t maptile.Tile) MVTRequest {
	return MVTRequest{
		Layer: l.Name, Z: uint32(t.Z), X: t.X, Y: t.Y,
		Bound: bufferedBound(t), Extent: Extent, Buffer: Buffer,
		Tolerance: tolerance(l, t),
	}
}

// Render renders tile t of layer l: from the store's in-process copy
// (layers.Copy) when it draws the tile, else by the store when it is an
// MVTStore that renders the layer, else with Encode.
func Render(ctx context.Context, s store.Store, l *layers.Layer, t maptile.Tile) ([]byte, error) {
	if c, ok := s.(layers.Copy); ok {
		if feats, tags, ok := c.TileFeatures(l, t, bufferedBound(t)); ok {
			return encodeTagged(ctx, l, t, feats, tags)
		}
		s = c.Source()
	}
	if ms, ok := s.(MVTStore); ok {
		data, err := ms.TileMVT(ctx, NewMVTRequest(l, t))
		switch {
		case errors.Is(err, ErrNoMVT):
		case err != nil:
			return nil, err
		case len(data) == 0:
			// ST_AsMVT over no rows is an empty tile; Encode writes the
			// layer without features, and both stores should answer alike.
			return emptyTile(l)
		default:
			return data, nil
		}
	}
	return Encode(ctx, s, l, t)
}

func emptyTile(l *layers.Layer) ([]byte, error) {
	return mvt.Marshal(mvt.Layers{{Name: l.Name, Version: 2, Extent: Extent}})
}

// tolerance is the simplification tolerance in tile units: one pixel of a
// 512 px tile; at the layer's deepest zoom clients overzoom, so keep what
// a tile unit can show.
func tolerance(l *layers.Layer, t maptile.Tile) float64 {
	if int(t.Z) >= l.MaxZoom {
		return 1
	}
	return float64(Extent) / 512
}
