package postgis

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/paulmach/orb/encoding/wkb"

	"github.com/serasi/serasi/internal/domain"
)

// The provinsi and kabupaten/kota of migration 00007.

const provinsiColumns = `p.code, p.name, ST_AsBinary(ST_ForcePolygonCCW(p.geom)) AS geom, p.area_sq_m, p.derived`

type provinsiRow struct {
	Code    string              `db:"code"`
	Name    string              `db:"name"`
	Geom    wkb.GeometryScanner `db:"geom"`
	AreaSqM float64             `db:"area_sq_m"`
	Derived bool                `db:"derived"`
}

func (r provinsiRow) domain() domain.Provinsi {
	p := domain.Provinsi{Code: r.Code, Name: r.Name, Geometry: r.Geom.Geometry, AreaSqM: r.AreaSqM, Derived: r.Derived}
	if p.Geometry != nil {
		p.Bound = p.Geometry.Bound()
	}
	return p
}

// Provinsis returns every provinsi ordered by code.
func (s *Store) Provinsis(ctx context.Context) ([]domain.Provinsi, error) {
	var rows []provinsiRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT `+provinsiColumns+` FROM provinsi p ORDER BY p.code`); err != nil {
		return nil, fmt.Errorf("postgis: provinsis: %w", err)
	}
	out := make([]domain.Provinsi, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// Provinsi returns one provinsi, or ENOTFOUND.
func (s *Store) Provinsi(ctx context.Context, code string) (domain.Provinsi, error) {
	if !storable(code) {
		return domain.Provinsi{}, domain.NotFound("provinsi", code)
	}
	var r provinsiRow
	err := s.db.GetContext(ctx, &r, `SELECT `+provinsiColumns+` FROM provinsi p WHERE p.code = $1`, code)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Provinsi{}, domain.NotFound("provinsi", code)
	}
	if err != nil {
		return domain.Provinsi{}, fmt.Errorf("postgis: provinsi %q: %w", code, err)
	}
	return r.domain(), nil
}

const kabupatenKotaColumns = `b.code, b.name, b.provinsi_code, b.kind,
	ST_AsBinary(ST_ForcePolygonCCW(b.geom)) AS geom, b.area_sq_m, b.derived`

type kabupatenKotaRow struct {
	Code         string              `db:"code"`
	Name         string              `db:"name"`
	ProvinsiCode string              `db:"provinsi_code"`
	Kind         string              `db:"kind"`
	Geom         wkb.GeometryScanner `db:"geom"`
	AreaSqM      float64             `db:"area_sq_m"`
	Derived      bool                `db:"derived"`
}

func (r kabupatenKotaRow) domain() domain.KabupatenKota {
	k := domain.KabupatenKota{Code: r.Code, Name: r.Name, ProvinsiCode: r.ProvinsiCode,
		Kind: domain.KabupatenKotaKind(r.Kind), Geometry: r.Geom.Geometry, AreaSqM: r.AreaSqM, Derived: r.Derived}
	if k.Geometry != nil {
		k.Bound = k.Geometry.Bound()
	}
	return k
}

// KabupatenKotas returns the kabupaten/kota matching f ordered by code.
func (s *Store) KabupatenKotas(ctx context.Context, f domain.KabupatenKotaFilter) ([]domain.KabupatenKota, error) {
	var w where
	if f.ProvinsiCode != "" {
		w.eq("b.provinsi_code", f.ProvinsiCode)
	}
	var rows []kabupatenKotaRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT `+kabupatenKotaColumns+` FROM kabupaten_kota b`+w.sql()+` ORDER BY b.code`, w.args...); err != nil {
		return nil, fmt.Errorf("postgis: kabupaten/kotas: %w", err)
	}
	out := make([]domain.KabupatenKota, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// KabupatenKota returns one kabupaten/kota, or ENOTFOUND.
func (s *Store) KabupatenKota(ctx context.Context, code string) (domain.KabupatenKota, error) {
	if !storable(code) {
		return domain.KabupatenKota{}, domain.NotFound("kabupaten/kota", code)
	}
	var r kabupatenKotaRow
	err := s.db.GetContext(ctx, &r, `SELECT `+kabupatenKotaColumns+` FROM kabupaten_kota b WHERE b.code = $1`, code)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.KabupatenKota{}, domain.NotFound("kabupaten/kota", code)
	}
	if err != nil {
		return domain.KabupatenKota{}, fmt.Errorf("postgis: kabupaten/kota %q: %w", code, err)
	}
	return r.domain(), nil
}
