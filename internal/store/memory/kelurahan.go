package memory

import (
	"context"
	"strings"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/spatial"
	"github.com/serasi/serasi/internal/store"
)

// Kecamatans returns the kecamatan matching f ordered by code.
func (s *Store) Kecamatans(ctx context.Context, f domain.KecamatanFilter) ([]domain.Kecamatan, error) {
	d := s.snapshot()
	out := []domain.Kecamatan{}
	for _, k := range d.kecamatans {
		if (f.ProvinsiCode != "" && domain.ProvinsiCodeOf(k.Code) != f.ProvinsiCode) ||
			(f.KabupatenKotaCode != "" && k.KabupatenKotaCode != f.KabupatenKotaCode) {
			continue
		}
		out = append(out, cloneKecamatan(k))
	}
	return out, nil
}

// Kecamatan returns one kecamatan, or ENOTFOUND.
func (s *Store) Kecamatan(ctx context.Context, code string) (domain.Kecamatan, error) {
	d := s.snapshot()
	i, ok := d.kecByCode[code]
	if !ok {
		return domain.Kecamatan{}, domain.NotFound("kecamatan", code)
	}
	return cloneKecamatan(d.kecamatans[i]), nil
}

// Kelurahans returns the kelurahan matching f ordered by code. BBox keeps
// kelurahan whose polygon (not just its bound) intersects the box.
func (s *Store) Kelurahans(ctx context.Context, f domain.KelurahanFilter) ([]domain.Kelurahan, error) {
	if err := store.ValidateKelurahanFilter(f); err != nil {
		return nil, err
	}
	d := s.snapshot()
	var box orb.Polygon
	if f.BBox != nil {
		box = boundPolygon(*f.BBox)
	}
	var intersectsBound orb.Bound
	if f.Intersects != nil {
		intersectsBound = f.Intersects.Bound()
	}
	name := strings.ToLower(f.NameContains)
	out := []domain.Kelurahan{}
	for _, k := range d.kelurahans {
		switch {
		case f.ProvinsiCode != "" && domain.ProvinsiCodeOf(k.Code) != f.ProvinsiCode,
			f.KabupatenKotaCode != "" && domain.KabupatenKotaCodeOf(k.Code) != f.KabupatenKotaCode,
			f.KecamatanCode != "" && k.KecamatanCode != f.KecamatanCode,
			f.Jenis != "" && k.Jenis != f.Jenis,
			name != "" && !strings.Contains(strings.ToLower(k.Name), name),
			f.ConflictProne != nil && k.ConflictProne != *f.ConflictProne,
			f.HasForum != nil && d.servedByActive[k.Code] != *f.HasForum,
			f.BBox != nil && !(f.BBox.Intersects(k.Bound) && spatial.Intersects(k.Geometry, box)),
			f.Intersects != nil && !(intersectsBound.Intersects(k.Bound) && spatial.Intersects(k.Geometry, f.Intersects)):
			continue
		}
		out = append(out, cloneKelurahan(k))
	}
	return out, nil
}

// Kelurahan returns one kelurahan, or ENOTFOUND.
func (s *Store) Kelurahan(ctx context.Context, code string) (domain.Kelurahan, error) {
	d := s.snapshot()
	i, ok := d.kelByCode[code]
	if !ok {
		return domain.Kelurahan{}, domain.NotFound("kelurahan", code)
	}
	return cloneKelurahan(d.kelurahans[i]), nil
}

// KelurahansByCodes returns the kelurahan with the given codes in the order
// asked, skipping unknown codes.
func (s *Store) KelurahansByCodes(ctx context.Context, codes []string) ([]domain.Kelurahan, error) {
	d := s.snapshot()
	out := make([]domain.Kelurahan, 0, len(codes))
	for _, c := range codes {
		if i, ok := d.kelByCode[c]; ok {
			out = append(out, cloneKelurahan(d.kelurahans[i]))
		}
	}
	return out, nil
}

// KelurahanAt returns the kelurahan covering p; the lowest code wins where
// the simplified polygons overlap.
func (s *Store) KelurahanAt(ctx context.Context, p orb.Point) (domain.Kelurahan, error) {
	if err := store.ValidatePoint("point", p); err != nil {
		return domain.Kelurahan{}, err
	}
	d := s.snapshot()
	i := d.kelurahanAt(p)
	if i < 0 {
		return domain.Kelurahan{}, &domain.Error{Code: domain.ENOTFOUND,
			Message: "no kelurahan or desa covers this point", Field: "point"}
	}
	return cloneKelurahan(d.kelurahans[i]), nil
}

// kelurahanAt returns the index of the kelurahan covering p, or -1. Because
// kelurahans are ordered by code, the lowest index is the lowest code.
func (d *data) kelurahanAt(p orb.Point) int {
	best := int32(-1)
	d.kelIndex.Search(p, p, func(_, _ [2]float64, i int32) bool {
		if (best < 0 || i < best) && spatial.ContainsPoint(d.kelurahans[i].Geometry, p) {
			best = i
		}
		return true
	})
	return int(best)
}
