package postgis

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// Polygons are read with ST_ForcePolygonCCW so that exterior rings come out
// counter-clockwise (RFC 7946) whatever was written.
const kecamatanColumns = `c.code, c.name, c.kabupaten_kota_code, ST_AsBinary(ST_ForcePolygonCCW(c.geom)) AS geom, c.area_sq_m`

type kecamatanRow struct {
	Code              string              `db:"code"`
	Name              string              `db:"name"`
	KabupatenKotaCode string              `db:"kabupaten_kota_code"`
	Geom              wkb.GeometryScanner `db:"geom"`
	AreaSqM           float64             `db:"area_sq_m"`
}

func (r kecamatanRow) domain() domain.Kecamatan {
	k := domain.Kecamatan{Code: r.Code, Name: r.Name, KabupatenKotaCode: r.KabupatenKotaCode,
		Geometry: r.Geom.Geometry, AreaSqM: r.AreaSqM}
	if k.Geometry != nil {
		k.Bound = k.Geometry.Bound()
	}
	return k
}

// Kecamatans returns the kecamatan matching f ordered by code.
func (s *Store) Kecamatans(ctx context.Context, f domain.KecamatanFilter) ([]domain.Kecamatan, error) {
	var w where
	if f.ProvinsiCode != "" {
		w.under("c.code", f.ProvinsiCode, 2)
	}
	if f.KabupatenKotaCode != "" {
		w.eq("c.kabupaten_kota_code", f.KabupatenKotaCode)
	}
	if f.AfterCode != "" {
		w.and("c.code > %s", w.bind(f.AfterCode))
	}
	if f.Limit < 0 {
		return nil, domain.Invalid("limit", "must not be negative")
	}
	limit := ""
	if f.Limit > 0 {
		limit = fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	var rows []kecamatanRow
	if err := s.reads().SelectContext(ctx, &rows, `SELECT `+kecamatanColumns+` FROM kecamatan c`+w.sql()+` ORDER BY c.code`+limit, w.args...); err != nil {
		return nil, fmt.Errorf("postgis: kecamatans: %w", err)
	}
	out := make([]domain.Kecamatan, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// Kecamatan returns one kecamatan, or ENOTFOUND.
func (s *Store) Kecamatan(ctx context.Context, code string) (domain.Kecamatan, error) {
	if !storable(code) {
		return domain.Kecamatan{}, domain.NotFound("kecamatan", code)
	}
	var r kecamatanRow
	err := s.reads().GetContext(ctx, &r, `SELECT `+kecamatanColumns+` FROM kecamatan c WHERE c.code = $1`, code)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Kecamatan{}, domain.NotFound("kecamatan", code)
	}
	if err != nil {
		return domain.Kecamatan{}, fmt.Errorf("postgis: kecamatan %q: %w", code, err)
	}
	return r.domain(), nil
}

const kelurahanColumns = `k.code, k.name, k.kecamatan_code, k.jenis,
	ST_AsBinary(ST_ForcePolygonCCW(k.geom)) AS geom, ST_AsBinary(k.centroid) AS centroid,
	k.area_sq_m, k.conflict_prone`

type kelurahanRow struct {
	Code          string              `db:"code"`
	Name          string              `db:"name"`
	KecamatanCode string              `db:"kecamatan_code"`
	Jenis         string              `db:"jenis"`
	Geom          wkb.GeometryScanner `db:"geom"`
	Centroid      wkb.GeometryScanner `db:"centroid"`
	AreaSqM       float64             `db:"area_sq_m"`
	ConflictProne bool                `db:"conflict_prone"`
}

func (r kelurahanRow) domain() domain.Kelurahan {
	k := domain.Kelurahan{
		Code: r.Code, Name: r.Name, KecamatanCode: r.KecamatanCode, Jenis: domain.KelurahanJenis(r.Jenis),
		Geometry: r.Geom.Geometry, AreaSqM: r.AreaSqM, ConflictProne: r.ConflictProne,
	}
	if c, ok := r.Centroid.Geometry.(orb.Point); ok {
		k.Centroid = c
	}
	if k.Geometry != nil {
		k.Bound = k.Geometry.Bound()
	}
	return k
}

func (s *Store) selectKelurahans(ctx context.Context, query string, args ...any) ([]domain.Kelurahan, error) {
	var rows []kelurahanRow
	if err := s.reads().SelectContext(ctx, &rows, query, args...); err != nil {
		return nil, err
	}
	out := make([]domain.Kelurahan, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// Kelurahans returns the kelurahan matching f ordered by code.
func (s *Store) Kelurahans(ctx context.Context, f domain.KelurahanFilter) ([]domain.Kelurahan, error) {
	if err := store.ValidateKelurahanFilter(f); err != nil {
		return nil, err
	}
	var w where
	if f.ProvinsiCode != "" {
		w.under("k.code", f.ProvinsiCode, 2)
	}
	if f.KabupatenKotaCode != "" {
		w.under("k.code", f.KabupatenKotaCode, 5)
	}
	if f.KecamatanCode != "" {
		w.eq("k.kecamatan_code", f.KecamatanCode)
	}
	if f.Jenis != "" {
		w.eq("k.jenis", string(f.Jenis))
	}
	if f.ConflictProne != nil {
		w.and("k.conflict_prone = %s", w.bind(*f.ConflictProne))
	}
	if f.HasForum != nil {
		w.and(`EXISTS (SELECT 1 FROM forum_kelurahan fk JOIN forum fo ON fo.id = fk.forum_id
			WHERE fk.kelurahan_code = k.code AND fo.status = 'ACTIVE') = %s`, w.bind(*f.HasForum))
	}
	if f.BBox != nil {
		env := w.envelope(*f.BBox)
		w.and("k.geom && %s AND ST_Intersects(k.geom, %s)", env, env)
	}
	if f.Intersects != nil {
		w.and("ST_Intersects(k.geom, %s)", w.geom(f.Intersects))
	}
	if f.AfterCode != "" {
		w.and("k.code > %s", w.bind(f.AfterCode))
	}
	limit := ""
	if f.Limit > 0 && f.NameContains == "" {
		limit = fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	out, err := s.selectKelurahans(ctx, `SELECT `+kelurahanColumns+` FROM kelurahan k`+w.sql()+` ORDER BY k.code`+limit, w.args...)
	if err != nil {
		return nil, fmt.Errorf("postgis: kelurahans: %w", err)
	}
	if f.NameContains != "" {
		// Matched here rather than with SQL lower(): Go's Unicode case
		// mapping is the memory store's, and PostgreSQL's depends on the
		// column's collation. There are only a few dozen kelurahan.
		name := strings.ToLower(f.NameContains)
		kept := out[:0]
		for _, k := range out {
			if strings.Contains(strings.ToLower(k.Name), name) {
				kept = append(kept, k)
			}
		}
		out = kept
		if f.Limit > 0 && len(out) > f.Limit {
			out = out[:f.Limit]
		}
	}
	return out, nil
}

// Kelurahan returns one kelurahan, or ENOTFOUND.
func (s *Store) Kelurahan(ctx context.Context, code string) (domain.Kelurahan, error) {
	if !storable(code) {
		return domain.Kelurahan{}, domain.NotFound("kelurahan", code)
	}
	out, err := s.selectKelurahans(ctx, `SELECT `+kelurahanColumns+` FROM kelurahan k WHERE k.code = $1`, code)
	if err != nil {
		return domain.Kelurahan{}, fmt.Errorf("postgis: kelurahan %q: %w", code, err)
	}
	if len(out) == 0 {
		return domain.Kelurahan{}, domain.NotFound("kelurahan", code)
	}
	return out[0], nil
}

// KelurahansByCodes returns the kelurahan with the given codes in the order
// asked, skipping unknown codes.
func (s *Store) KelurahansByCodes(ctx context.Context, codes []string) ([]domain.Kelurahan, error) {
	if len(codes) == 0 {
		return []domain.Kelurahan{}, nil
	}
	out, err := s.selectKelurahans(ctx, `SELECT `+kelurahanColumns+`
		FROM unnest($1::text[]) WITH ORDINALITY AS q(code, ord)
		JOIN kelurahan k ON k.code = q.code
		ORDER BY q.ord`, textArray(codes))
	if err != nil {
		return nil, fmt.Errorf("postgis: kelurahans by codes: %w", err)
	}
	return out, nil
}

// kelurahanAtQuery is prepared (see preparedStatements): planning it costs
// more than running it. ST_Covers is index-aware: the GiST index on geom
// finds the candidates, in the generic plan too.
const kelurahanAtQuery = `SELECT ` + kelurahanColumns + ` FROM kelurahan k
	WHERE ST_Covers(k.geom, ST_GeomFromWKB($1, 4326))
	ORDER BY k.code LIMIT 1`

// KelurahanAt returns the kelurahan covering p (boundary included); the
// lowest code wins where the simplified polygons overlap.
func (s *Store) KelurahanAt(ctx context.Context, p orb.Point) (domain.Kelurahan, error) {
	if err := store.ValidatePoint("point", p); err != nil {
		return domain.Kelurahan{}, err
	}
	var rows []kelurahanRow
	if err := s.selectPrepared(ctx, &rows, kelurahanAtQuery, wkb.Value(p)); err != nil {
		return domain.Kelurahan{}, fmt.Errorf("postgis: kelurahan at %v: %w", p, err)
	}
	if len(rows) == 0 {
		return domain.Kelurahan{}, &domain.Error{Code: domain.ENOTFOUND,
			Message: "no kelurahan or desa covers this point", Field: "point"}
	}
	return rows[0].domain(), nil
}
