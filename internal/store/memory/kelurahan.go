package memory

import (
	"context"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/spatial"
	"github.com/serasi/serasi/internal/store"
)

// Kecamatans returns the kecamatan matching f ordered by code.
func (s *Store) Kecamatans(ctx context.Context, f domain.KecamatanFilter) ([]domain.Kecamatan, error) {
	return s.kecamatans(f, cloneKecamatan, allZooms)
}

// SharedKecamatans is Kecamatans with the store's own geometries
// (layers.SharedAreas).
func (s *Store) SharedKecamatans(ctx context.Context, f domain.KecamatanFilter, z int) ([]domain.Kecamatan, error) {
	return s.kecamatans(f, shared, z)
}

func (s *Store) kecamatans(f domain.KecamatanFilter, clone func(domain.Kecamatan) domain.Kecamatan, z int) ([]domain.Kecamatan, error) {
	d := s.snapshot()
	if f.Limit < 0 {
		return nil, domain.Invalid("limit", "must not be negative")
	}
	out := []domain.Kecamatan{}
	for _, k := range d.kecamatans {
		if f.Limit > 0 && len(out) == f.Limit {
			break
		}
		if (f.ProvinsiCode != "" && domain.ProvinsiCodeOf(k.Code) != f.ProvinsiCode) ||
			(f.KabupatenKotaCode != "" && k.KabupatenKotaCode != f.KabupatenKotaCode) ||
			(f.AfterCode != "" && k.Code <= f.AfterCode) || !d.drawn("kecamatan", k.Code, z) {
			continue
		}
		out = append(out, clone(k))
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
// kelurahan whose polygon (not just its bound) intersects the box; with
// f.Limit it stops at the Limit-th match.
func (s *Store) Kelurahans(ctx context.Context, f domain.KelurahanFilter) ([]domain.Kelurahan, error) {
	return s.kelurahans(f, cloneKelurahan, allZooms)
}

// SharedKelurahans is Kelurahans with the store's own geometries
// (layers.SharedAreas): a national low-zoom tile meets tens of thousands
// of kelurahan whose originals it does not draw.
func (s *Store) SharedKelurahans(ctx context.Context, f domain.KelurahanFilter, z int) ([]domain.Kelurahan, error) {
	return s.kelurahans(f, shared, z)
}

func (s *Store) kelurahans(f domain.KelurahanFilter, clone func(domain.Kelurahan) domain.Kelurahan, z int) ([]domain.Kelurahan, error) {
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
	for _, i := range d.kelurahanCandidates(f) {
		if f.Limit > 0 && len(out) == f.Limit {
			break
		}
		k := d.kelurahans[i]
		switch {
		case !d.drawn("kelurahan", k.Code, z),
			f.ProvinsiCode != "" && domain.ProvinsiCodeOf(k.Code) != f.ProvinsiCode,
			f.KabupatenKotaCode != "" && domain.KabupatenKotaCodeOf(k.Code) != f.KabupatenKotaCode,
			f.KecamatanCode != "" && k.KecamatanCode != f.KecamatanCode,
			f.Jenis != "" && k.Jenis != f.Jenis,
			name != "" && !strings.Contains(strings.ToLower(k.Name), name),
			f.ConflictProne != nil && k.ConflictProne != *f.ConflictProne,
			f.HasForum != nil && d.servedByActive[k.Code] != *f.HasForum,
			f.BBox != nil && !(f.BBox.Intersects(k.Bound) && (within(k.Bound, *f.BBox) || spatial.Intersects(k.Geometry, box))),
			f.Intersects != nil && !(intersectsBound.Intersects(k.Bound) && spatial.Intersects(k.Geometry, f.Intersects)):
			continue
		}
		out = append(out, clone(k))
	}
	return out, nil
}

// kelurahanCandidates returns, in code order, the indexes of the kelurahan
// that can match f: those under the narrowest code prefix f names (the
// kelurahan are ordered by code, so that is one range), or with a box
// the ones whose bounds the R-tree finds in it when that range is large.
// Kelurahans applies every condition to them; at national size this keeps
// a filtered list from testing all 83,190.
func (d *data) kelurahanCandidates(f domain.KelurahanFilter) []int {
	prefix := f.ProvinsiCode
	for _, p := range []string{f.KabupatenKotaCode, f.KecamatanCode} {
		if len(p) > len(prefix) {
			prefix = p
		}
	}
	lo, hi := 0, len(d.kelurahans)
	if prefix != "" {
		lo, _ = slices.BinarySearchFunc(d.kelurahans, prefix, func(k domain.Kelurahan, p string) int { return strings.Compare(k.Code, p) })
		hi = lo
		for hi < len(d.kelurahans) && strings.HasPrefix(d.kelurahans[hi].Code, prefix) {
			hi++
		}
	}
	if f.AfterCode != "" {
		after, found := slices.BinarySearchFunc(d.kelurahans, f.AfterCode, func(k domain.Kelurahan, c string) int { return strings.Compare(k.Code, c) })
		if found {
			after++
		}
		lo = max(lo, after)
		hi = max(hi, lo)
	}
	if f.BBox != nil && hi-lo > 64 {
		var out []int
		d.kelIndex.Search(f.BBox.Min, f.BBox.Max, func(_, _ [2]float64, i int32) bool {
			if int(i) >= lo && int(i) < hi {
				out = append(out, int(i))
			}
			return true
		})
		slices.Sort(out)
		return out
	}
	out := make([]int, hi-lo)
	for i := range out {
		out[i] = lo + i
	}
	return out
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

// within reports whether bound b lies inside box: a polygon with that
// bound then meets the box, with no look at its vertices (a national
// low-zoom tile meets tens of thousands of kelurahan).
func within(b, box orb.Bound) bool { return box.Contains(b.Min) && box.Contains(b.Max) }
