package memory

import (
	"context"
	"slices"
	"strings"

	"github.com/serasi/serasi/internal/domain"
)

// setUpperLevels sets the provinsi and kabupaten/kota of d, which it keeps.
// They never change after loading, so every later snapshot shares them.
func (d *data) setUpperLevels(provinsis []domain.Provinsi, kabupatens []domain.KabupatenKota) {
	slices.SortFunc(provinsis, func(a, b domain.Provinsi) int { return strings.Compare(a.Code, b.Code) })
	slices.SortFunc(kabupatens, func(a, b domain.KabupatenKota) int { return strings.Compare(a.Code, b.Code) })
	d.provinsis, d.provByCode = provinsis, indexBy(provinsis, func(p domain.Provinsi) string { return p.Code })
	d.kabupatens, d.kabByCode = kabupatens, indexBy(kabupatens, func(k domain.KabupatenKota) string { return k.Code })
}

// Provinsis returns every provinsi ordered by code.
func (s *Store) Provinsis(ctx context.Context) ([]domain.Provinsi, error) {
	return cloneSlice(s.snapshot().provinsis, cloneProvinsi), nil
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
	d := s.snapshot()
	out := []domain.KabupatenKota{}
	for _, k := range d.kabupatens {
		if f.ProvinsiCode != "" && k.ProvinsiCode != f.ProvinsiCode {
			continue
		}
		out = append(out, cloneKabupatenKota(k))
	}
	return out, nil
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
