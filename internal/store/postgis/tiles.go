package postgis

import (
	"context"
	"fmt"

	"github.com/lib/pq"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/generalise"
	"github.com/serasi/serasi/internal/tiles"
)

var _ tiles.MVTStore = (*Store)(nil)

// TileMVT renders one layer of one vector tile in the database with
// ST_AsMVT, carrying what tiles.Encode carries for the same layer (the
// layers package's properties; tiles/postgis_test.go decodes both and
// compares them): features that meet req.Bound by the store's own bbox
// rules, clipped to the tile grown by req.Buffer, simplified by
// req.Tolerance tile units, snapped to the req.Extent grid. tiles.ErrNoMVT
// for a layer it does not know. Every value is a bind parameter; the
// layer's SELECT is one of the fixed texts below.
func (s *Store) TileMVT(ctx context.Context, req tiles.MVTRequest) ([]byte, error) {
	layer, ok := tileLayers[req.Layer]
	if !ok {
		return nil, tiles.ErrNoMVT
	}
	query := `WITH t AS (
	SELECT env, clip, box, $10::float8 * (ST_XMax(env) - ST_XMin(env)) / $8::integer AS tol
	FROM (SELECT ST_TileEnvelope($1, $2, $3) AS env,
	             ST_TileEnvelope($1, $2, $3, margin => $9::integer::float8 / $8::integer) AS clip,
	             ST_MakeEnvelope($4, $5, $6, $7, 4326) AS box) e)
SELECT ST_AsMVT(q, $11, $8::integer, 'geom') FROM (` + layer.sql + `) q`
	b := req.Bound
	args := append([]any{
		int(req.Z), int64(req.X), int64(req.Y), // $1..$3
		b.Min[0], b.Min[1], b.Max[0], b.Max[1], // $4..$7
		int(req.Extent), int(req.Buffer), req.Tolerance, // $8..$10
		req.Layer, // $11
	}, layer.labels...) // $12...
	if layer.banded {
		// $12: the zoom band whose geometry the areas draw (area_band).
		args = append(args, generalise.BandIndex(int(req.Z)))
	}
	var data []byte
	if err := s.db.QueryRowxContext(ctx, query, args...).Scan(&data); err != nil {
		return nil, fmt.Errorf("postgis: tile %s/%d/%d/%d: %w", req.Layer, req.Z, req.X, req.Y, err)
	}
	return data, nil
}

// tileLayer is the SELECT of one layer's features and the label
// parameters it reads from $12 on.
type tileLayer struct {
	sql    string
	labels []any
	// banded layers draw from area_band at the band bound at $12 (they
	// have no labels).
	banded bool
}

// labels binds a closed set of enum values and their Indonesian labels as
// two arrays, so that the labels come from the domain package rather than
// a second copy in SQL.
func labels[T interface {
	~string
	LabelID() string
}](vs []T) []any {
	values, names := make(pq.StringArray, len(vs)), make(pq.StringArray, len(vs))
	for i, v := range vs {
		values[i], names[i] = string(v), v.LabelID()
	}
	return []any{values, names}
}

// label looks column up in the value and label arrays bound at $n and
// $n+1; "" for an unknown value, as the domain's LabelID answers. An array
// lookup per row rather than a subquery over unnest per row.
func label(n int, column string) string {
	return fmt.Sprintf(`coalesce(($%d::text[])[array_position($%d::text[], %s)], '')`, n+1, n, column)
}

// areaGeom is an area's geometry in tile units, as tiles.Encode makes it:
// cut to the buffered tile, simplified (keeping rings that would collapse,
// as Encode keeps small kelurahan), then snapped and made valid for MVT.
func areaGeom(column string) string {
	return `ST_AsMVTGeom(ST_Simplify(ST_ClipByBox2D(ST_Transform(` + column + `, 3857), t.clip), t.tol, true),
		t.env, $8::integer, $9::integer, true) AS geom`
}

// bandAreaGeom is areaGeom for the area layers, which never lose an area
// the rule selects (min zoom and the bbox of the original, see
// tiles.Encode): where ST_AsMVTGeom clips or collapses the drawn geometry
// to nothing, the area is drawn as the Go encoder's dot, a square of one
// tile unit at the centre of its bound, moved into the buffered tile.
func bandAreaGeom(column string) string {
	g := `ST_Transform(` + column + `, 3857)`
	return `coalesce(ST_AsMVTGeom(ST_Simplify(ST_ClipByBox2D(` + g + `, t.clip), t.tol, true),
		t.env, $8::integer, $9::integer, true),
		(SELECT ST_MakePolygon(ST_MakeLine(ARRAY[ST_MakePoint(d.x, d.y), ST_MakePoint(d.x + 1, d.y),
			ST_MakePoint(d.x + 1, d.y + 1), ST_MakePoint(d.x, d.y + 1), ST_MakePoint(d.x, d.y)]))
		 FROM (SELECT floor(least(((ST_XMin(m.b) + ST_XMax(m.b)) / 2 - ST_XMin(t.env)) / (ST_XMax(t.env) - ST_XMin(t.env)) * $8::integer,
		                    $8::integer + $9::integer - 1)) AS x0,
		              floor(least((ST_YMax(t.env) - (ST_YMin(m.b) + ST_YMax(m.b)) / 2) / (ST_YMax(t.env) - ST_YMin(t.env)) * $8::integer,
		                    $8::integer + $9::integer - 1)) AS y0
		       FROM (SELECT ` + g + `::box2d AS b) m) c,
		      LATERAL (SELECT greatest(c.x0, -$9::integer) AS x, greatest(c.y0, -$9::integer) AS y) d)) AS geom`
}

// bandGeom is the geometry an area of layer draws at the band bound at
// $12: its generalised geometry (migration 00008), else the original.
func bandGeom(layer, alias string) string {
	return `coalesce((SELECT ab.geom FROM area_band ab WHERE ab.layer = '` + layer + `' AND ab.code = ` + alias + `.code AND ab.band = $12::smallint), ` + alias + `.geom)`
}

// meets is the store's bbox rule for an area: its polygon intersects the
// box. An area whose bound lies inside the box meets it without a look at
// its polygon, which ST_Intersects would read whole (a national low-zoom
// tile meets tens of thousands of kelurahan; then only their bounds, in
// the index and the geometry header, are read).
func meets(column string) string {
	return column + ` && t.box AND (` + column + ` @ t.box OR ST_Intersects(` + column + `, t.box))`
}

// pointGeom is a point in tile units.
func pointGeom(column string) string {
	return `ST_AsMVTGeom(ST_Transform(` + column + `, 3857), t.env, $8::integer, $9::integer, true) AS geom`
}

// roundArea matches layers.roundArea: square metres to one decimal.
func roundArea(column string) string {
	return `trunc(` + column + ` * 10 + 0.5) / 10`
}

// tileLayers holds the SELECT of each layer. Column names are the feature
// properties of internal/layers (quoted where they have capitals); NULL
// columns are left out of a feature, as tiles.Encode leaves out nulls.
// Rows are in each layer's natural order.
var tileLayers = map[string]tileLayer{
	// A kecamatan meets the box when one of its kelurahan does, as
	// layers.kecamatanLayer decides.
	"kecamatan": {sql: `SELECT c.code AS kode, c.name AS nama, ` + roundArea("c.area_sq_m") + ` AS "areaSqM", ` + bandAreaGeom(bandGeom("kecamatan", "c")) + `
		FROM kecamatan c, t
		WHERE c.min_zoom <= $1 AND EXISTS (SELECT 1 FROM kelurahan k
		              WHERE k.kecamatan_code = c.code AND ` + meets("k.geom") + `)
		ORDER BY c.code`, banded: true},

	"kelurahan": {sql: `SELECT k.code AS kode, k.name AS nama, k.kecamatan_code AS "kecamatanCode",
			` + roundArea("k.area_sq_m") + ` AS "areaSqM", k.conflict_prone AS "conflictProne", ` + bandAreaGeom(bandGeom("kelurahan", "k")) + `
		FROM kelurahan k, t
		WHERE k.min_zoom <= $1 AND ` + meets("k.geom") + `
		ORDER BY k.code`, banded: true},

	"provinsi": {sql: `SELECT p.code AS kode, p.name AS nama, ` + roundArea("p.area_sq_m") + ` AS "areaSqM", p.derived,
			` + bandAreaGeom(bandGeom("provinsi", "p")) + `
		FROM provinsi p, t
		WHERE p.min_zoom <= $1 AND ` + meets("p.geom") + `
		ORDER BY p.code`, banded: true},

	"kabupaten_kota": {sql: `SELECT b.code AS kode, b.name AS nama, b.provinsi_code AS "provinsiCode", b.kind,
			` + roundArea("b.area_sq_m") + ` AS "areaSqM", b.derived, ` + bandAreaGeom(bandGeom("kabupaten_kota", "b")) + `
		FROM kabupaten_kota b, t
		WHERE b.min_zoom <= $1 AND ` + meets("b.geom") + `
		ORDER BY b.code`, banded: true},

	"forums": {sql: `SELECT fo.id, fo.name, fo.status, ` + label(12, "fo.status") + ` AS "statusLabelId",
			fo.year_formed AS "yearFormed", fo.member_count AS "memberCount",
			(SELECT fk.kelurahan_code FROM forum_kelurahan fk WHERE fk.forum_id = fo.id
			 ORDER BY fk.position LIMIT 1) AS "kelurahanCode",
			coalesce((SELECT string_agg(fk.kelurahan_code, ',' ORDER BY fk.position)
			          FROM forum_kelurahan fk WHERE fk.forum_id = fo.id), '') AS "kelurahanCodes",
			` + pointGeom("fo.secretariat") + `
		FROM forum fo, t
		WHERE fo.secretariat && t.box
		ORDER BY fo.id`, labels: labels([]domain.ForumStatus{domain.ForumActive, domain.ForumInactive})},

	"projects": {sql: `SELECT p.id, p.title, p.kind, ` + label(12, "p.kind") + ` AS "kindLabelId",
			p.status, ` + label(14, "p.status") + ` AS "statusLabelId",
			p.year, p.budget_rupiah AS "budgetRupiah", p.beneficiaries, p.forum_id AS "forumId",
			p.kelurahan_code AS "kelurahanCode", p.kecamatan_code AS "kecamatanCode",
			to_char(p.start_date, 'YYYY-MM-DD') AS "startDate", to_char(p.finish_date, 'YYYY-MM-DD') AS "finishDate",
			` + areaGeom("p.geom") + `
		FROM project p, t
		WHERE p.geom && t.box AND ST_Intersects(p.geom, t.box)
		ORDER BY p.id`, labels: append(labels(domain.ProjectKinds), labels(domain.ProjectStatuses)...)},

	"activities": {sql: `SELECT a.id, a.title, a.kind, ` + label(12, "a.kind") + ` AS "kindLabelId",
			to_char(a.date, 'YYYY-MM-DD') AS date, a.participants, a.forum_id AS "forumId",
			a.kelurahan_code AS "kelurahanCode", ` + pointGeom("a.location") + `
		FROM activity a, t
		WHERE a.location && t.box
		ORDER BY a.date, a.id`, labels: labels(domain.ActivityKinds)},
}
