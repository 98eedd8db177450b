package memory

import (
	"context"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
)

// setUpperLevels sets the provinsi and kabupaten/kota of d, which it keeps.
// They never change after loading, so every later snapshot shares them.
func (d *data) setUpperLevels(provinsis []domain.Provinsi, kabupatens []domain.KabupatenKota) {
	slices.SortFunc(provinsis, func(a, b domain.Provinsi) int { return strings.Compare(a.Code, b.Code) })
	slices.SortFunc(kabupatens, func(a, b domain.KabupatenKota) int { return strings.Compare(a.Code, b.Code) })
	d.provinsis, d.provByCode = provinsis, indexBy(provinsis, func(p domain.Provinsi) string { return p.Code })
	d.kabupatens, d.kabByCode = kabupatens, indexBy(kabupatens, func(k domain.KabupatenKota) string { return k.Code })
	d.minZoom["provinsi"] = minZooms(provinsis, func(p domain.Provinsi) (string, orb.Bound, orb.Geometry) { return p.Code, p.Bound, p.Geometry })
	d.minZoom["kabupaten_kota"] = minZooms(kabupatens, func(k domain.KabupatenKota) (string, orb.Bound, orb.Geometry) { return k.Code, k.Bound, k.Geometry })
}

// Provinsis returns every provinsi ordered by code.
func (s *Store) Provinsis(ctx context.Context) ([]domain.Provinsi, error) {
	return cloneSlice(s.snapshot().provinsis, cloneProvinsi), nil
}

// SharedProvinsis is Provinsis with the store's own geometries
// (layers.SharedAreas).
func (s *Store) SharedProvinsis(ctx context.Context, z int) ([]domain.Provinsi, error) {
	d := s.snapshot()
	out := []domain.Provinsi{}
	for _, p := range d.provinsis {
		if d.drawn("provinsi", p.Code, z) {
			out = append(out, p)
		}
	}
	return out, nil
}

// Provinsi returns one provinsi, or ENOTFOUND.
func (s *Store) Provinsi(ctx context.Context, code string) (domain.Provinsi, error) {
	d := s.snapshot()
	i, ok := d.provByCode[code]
	if !ok {
		return domain.Provinsi{}, domain.NotFound("provinsi", code)
	}
	return cloneProvinsi(d.provinsis[i]), nil
}

// KabupatenKotas returns the kabupaten/kota matching f ordered by code.
func (s *Store) KabupatenKotas(ctx context.Context, f domain.KabupatenKotaFilter) ([]domain.KabupatenKota, error) {
	return s.kabupatenKotas(f, cloneKabupatenKota, allZooms), nil
}

// SharedKabupatenKotas is KabupatenKotas with the store's own geometries
// (layers.SharedAreas).
func (s *Store) SharedKabupatenKotas(ctx context.Context, f domain.KabupatenKotaFilter, z int) ([]domain.KabupatenKota, error) {
	return s.kabupatenKotas(f, shared, z), nil
}

func (s *Store) kabupatenKotas(f domain.KabupatenKotaFilter, clone func(domain.KabupatenKota) domain.KabupatenKota, z int) []domain.KabupatenKota {
	d := s.snapshot()
	out := []domain.KabupatenKota{}
	for _, k := range d.kabupatens {
		if (f.ProvinsiCode != "" && k.ProvinsiCode != f.ProvinsiCode) || !d.drawn("kabupaten_kota", k.Code, z) {
			continue
		}
		out = append(out, clone(k))
	}
	return out
}

// KabupatenKota returns one kabupaten/kota, or ENOTFOUND.
func (s *Store) KabupatenKota(ctx context.Context, code string) (domain.KabupatenKota, error) {
	d := s.snapshot()
	i, ok := d.kabByCode[code]
	if !ok {
		return domain.KabupatenKota{}, domain.NotFound("kabupaten/kota", code)
	}
	return cloneKabupatenKota(d.kabupatens[i]), nil
}
