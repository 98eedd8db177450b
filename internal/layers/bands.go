package layers

import (
	"context"

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
// than copies, for callers that only read them (Query.Shared).
type SharedAreas interface {
	SharedProvinsis(ctx context.Context) ([]domain.Provinsi, error)
	SharedKabupatenKotas(ctx context.Context, f domain.KabupatenKotaFilter) ([]domain.KabupatenKota, error)
	SharedKecamatans(ctx context.Context, f domain.KecamatanFilter) ([]domain.Kecamatan, error)
	SharedKelurahans(ctx context.Context, f domain.KelurahanFilter) ([]domain.Kelurahan, error)
}

// areaReads are the store's area reads for a query: the shared ones when
// the query allows and the store has them.
type areaReads struct {
	provinsis      func(ctx context.Context) ([]domain.Provinsi, error)
	kabupatenKotas func(ctx context.Context, f domain.KabupatenKotaFilter) ([]domain.KabupatenKota, error)
	kecamatans     func(ctx context.Context, f domain.KecamatanFilter) ([]domain.Kecamatan, error)
	kelurahans     func(ctx context.Context, f domain.KelurahanFilter) ([]domain.Kelurahan, error)
}

func reads(s store.Store, q Query) areaReads {
	if sh, ok := s.(SharedAreas); ok && q.Shared {
		return areaReads{sh.SharedProvinsis, sh.SharedKabupatenKotas, sh.SharedKecamatans, sh.SharedKelurahans}
	}
	return areaReads{s.Provinsis, s.KabupatenKotas, s.Kecamatans, s.Kelurahans}
}
