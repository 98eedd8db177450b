package layers

import (
	"context"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// Extent returns the bounding box of Kota Baubau: the union of its
// kecamatan, read from the store so it follows the data.
func Extent(ctx context.Context, s store.Store) (orb.Bound, error) {
	ks, err := s.Kecamatans(ctx, domain.KecamatanFilter{})
	if err != nil {
		return orb.Bound{}, err
	}
	if len(ks) == 0 {
		return orb.Bound{}, domain.Errorf(domain.EINTERNAL, "no kecamatan in the store")
	}
	b := ks[0].Geometry.Bound()
	for _, k := range ks[1:] {
		b = b.Union(k.Geometry.Bound())
	}
	return b, nil
}
