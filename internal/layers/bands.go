package layers

import "github.com/paulmach/orb"

// Bands is implemented by a store (or a copy of its layers) that keeps the
// per-zoom-band geometries of its areas, computed once at import by
// internal/generalise, so that low-zoom tiles draw a few vertices per area
// instead of simplifying the originals at every request, and every store
// draws the same geometry.
type Bands interface {
	// BandGeometry returns the geometry that the area with code, of layer
	// ("kelurahan", "kecamatan", ...), draws at zoom z; ok false when the
	// store keeps none for it or the band is the original geometry. The
	// geometry is shared: callers clone it before changing it.
	BandGeometry(layer, code string, z int) (g orb.Geometry, ok bool)
}
