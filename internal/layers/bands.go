package layers

import (
	"context"
	"math"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

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
	// MinZoom returns the lowest zoom at which the area is drawn in tiles
	// (generalise.MinZoom of its bound); ok false for an area the store
	// does not know.
	MinZoom(layer, code string) (z int, ok bool)
}

// SharedAreas is implemented by a store whose areas never change once
// loaded (the embedded store): it can hand out its own geometries rather
// than copies, for callers that only read them (Query.Shared), and leave
// out, before it makes records of them, the areas that a tile at zoom z
// does not draw (MinZoom above z; pass a z of math.MaxInt for all).
type SharedAreas interface {
	SharedProvinsis(ctx context.Context, z int) ([]domain.Provinsi, error)
	SharedKabupatenKotas(ctx context.Context, f domain.KabupatenKotaFilter, z int) ([]domain.KabupatenKota, error)
	SharedKecamatans(ctx context.Context, f domain.KecamatanFilter, z int) ([]domain.Kecamatan, error)
	SharedKelurahans(ctx context.Context, f domain.KelurahanFilter, z int) ([]domain.Kelurahan, error)
}

// areaReads are the store's area reads for a query: the shared ones when
// the query allows and the store has them. z is the zoom whose undrawn
// areas a shared read may leave out.
type areaReads struct {
	provinsis      func(ctx context.Context, z int) ([]domain.Provinsi, error)
	kabupatenKotas func(ctx context.Context, f domain.KabupatenKotaFilter, z int) ([]domain.KabupatenKota, error)
	kecamatans     func(ctx context.Context, f domain.KecamatanFilter, z int) ([]domain.Kecamatan, error)
	kelurahans     func(ctx context.Context, f domain.KelurahanFilter, z int) ([]domain.Kelurahan, error)
	z              int
}

// allZooms asks a shared read for every area.
const allZooms = math.MaxInt

func reads(s store.Store, q Query) areaReads {
	if sh, ok := s.(SharedAreas); ok && q.Shared {
		z := allZooms
		if q.Zoom != nil {
			z = *q.Zoom
		}
		return areaReads{sh.SharedProvinsis, sh.SharedKabupatenKotas, sh.SharedKecamatans, sh.SharedKelurahans, z}
	}
	return areaReads{
		provinsis: func(ctx context.Context, _ int) ([]domain.Provinsi, error) { return s.Provinsis(ctx) },
		kabupatenKotas: func(ctx context.Context, f domain.KabupatenKotaFilter, _ int) ([]domain.KabupatenKota, error) {
			return s.KabupatenKotas(ctx, f)
		},
		kecamatans: func(ctx context.Context, f domain.KecamatanFilter, _ int) ([]domain.Kecamatan, error) {
			return s.Kecamatans(ctx, f)
		},
		kelurahans: func(ctx context.Context, f domain.KelurahanFilter, _ int) ([]domain.Kelurahan, error) {
			return s.Kelurahans(ctx, f)
		},
		z: allZooms,
	}
}
