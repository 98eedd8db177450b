package postgis

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// neighbourPadDegrees narrows the neighbour pairs to those whose planar
// distance in degrees is within reach, so that the GiST index on geom
// finds them and only those take the spheroid: one degree of longitude is
// more than 55 km up to 60° of latitude.
const neighbourPadDegrees = store.NeighbourToleranceMeters / 55_000

// neighbourPairs is every ordered pair of neighbours (a, b), by a then b.
// ST_DWithin on geography measures on the spheroid, as the memory store's
// geodesy.PolygonsWithin does; the embedded data has no pair near the
// tolerance (see store.NeighbourToleranceMeters), so both agree exactly.
var neighbourPairs = fmt.Sprintf(`SELECT a.code AS code, b.code AS neighbour
	FROM kelurahan a JOIN kelurahan b ON b.code <> a.code
	 AND ST_DWithin(a.geom, b.geom, %g)
	 AND ST_DWithin(a.geom::geography, b.geom::geography, $2)
	WHERE a.code = ANY($1)
	ORDER BY a.code, b.code`, neighbourPadDegrees)

// KelurahanNeighbours returns the codes of each asked kelurahan's
// neighbours, ordered by code.
func (s *Store) KelurahanNeighbours(ctx context.Context, codes []string) ([][]string, error) {
	var rows []struct {
		Code      string `db:"code"`
		Neighbour string `db:"neighbour"`
	}
	if err := s.db.SelectContext(ctx, &rows, neighbourPairs,
		textArray(codes), store.NeighbourToleranceMeters); err != nil {
		return nil, fmt.Errorf("postgis: kelurahan neighbours: %w", err)
	}
	by := map[string][]string{}
	for _, r := range rows {
		by[r.Code] = append(by[r.Code], r.Neighbour)
	}
	out := make([][]string, len(codes))
	for i, c := range codes {
		out[i] = append([]string{}, by[c]...)
	}
	return out, nil
}

// CoverageGaps returns the conflict-prone kelurahan without an ACTIVE
// forum, with the nearest active secretariat (spheroid distance from the
// stored centroid; ties by id) and the served neighbours.
func (s *Store) CoverageGaps(ctx context.Context) ([]domain.CoverageGap, error) {
	var rows []struct {
		Code     string          `db:"code"`
		ForumID  sql.NullString  `db:"forum_id"`
		Distance sql.NullFloat64 `db:"dist"`
	}
	const served = `EXISTS (SELECT 1 FROM forum_kelurahan fk JOIN forum fo ON fo.id = fk.forum_id
		WHERE fk.kelurahan_code = %s AND fo.status = 'ACTIVE')`
	err := s.db.SelectContext(ctx, &rows, `SELECT k.code, n.id AS forum_id, n.dist
		FROM kelurahan k
		LEFT JOIN LATERAL (
			SELECT f.id, ST_Distance(k.centroid::geography, f.secretariat::geography) AS dist
			FROM forum f WHERE f.status = 'ACTIVE'
			ORDER BY dist, f.id LIMIT 1) n ON true
		WHERE k.conflict_prone AND NOT `+fmt.Sprintf(served, "k.code")+`
		ORDER BY k.code`)
	if err != nil {
		return nil, fmt.Errorf("postgis: coverage gaps: %w", err)
	}
	codes := make([]string, len(rows))
	for i, r := range rows {
		codes[i] = r.Code
	}
	var servedRows []struct {
		Code      string `db:"code"`
		Neighbour string `db:"neighbour"`
	}
	if len(codes) > 0 {
		err = s.db.SelectContext(ctx, &servedRows, `SELECT n.code, n.neighbour
			FROM (`+neighbourPairs+`) n
			WHERE `+fmt.Sprintf(served, "n.neighbour")+`
			ORDER BY n.code, n.neighbour`, textArray(codes), store.NeighbourToleranceMeters)
		if err != nil {
			return nil, fmt.Errorf("postgis: coverage gaps: neighbours: %w", err)
		}
	}
	servedBy := map[string][]string{}
	for _, r := range servedRows {
		servedBy[r.Code] = append(servedBy[r.Code], r.Neighbour)
	}
	out := make([]domain.CoverageGap, len(rows))
	for i, r := range rows {
		out[i] = domain.CoverageGap{KelurahanCode: r.Code, NearestForumID: r.ForumID.String,
			DistanceMeters: r.Distance.Float64, ServedNeighbourCodes: append([]string{}, servedBy[r.Code]...)}
	}
	return out, nil
}

// KelurahanSummaries returns a summary of every kelurahan, ordered by code,
// over the projects matching f: one query for the per-kind and per-year
// totals (GROUPING SETS), one for activities and forums.
func (s *Store) KelurahanSummaries(ctx context.Context, f domain.ProjectFilter) ([]domain.KelurahanSummary, error) {
	if _, err := store.ValidateProjectFilter(f, domain.ProjectOrder{}); err != nil {
		return nil, err
	}
	var base []struct {
		Code          string       `db:"code"`
		AreaSqM       float64      `db:"area_sq_m"`
		ActivityCount int          `db:"activity_count"`
		LastActivity  sql.NullTime `db:"last_activity"`
		ActiveForums  int          `db:"active_forums"`
	}
	err := s.db.SelectContext(ctx, &base, `SELECT k.code, k.area_sq_m,
		(SELECT count(*) FROM activity a WHERE a.kelurahan_code = k.code) AS activity_count,
		(SELECT max(a.date) FROM activity a WHERE a.kelurahan_code = k.code) AS last_activity,
		(SELECT count(*) FROM forum_kelurahan fk JOIN forum fo ON fo.id = fk.forum_id
		  WHERE fk.kelurahan_code = k.code AND fo.status = 'ACTIVE') AS active_forums
		FROM kelurahan k ORDER BY k.code`)
	if err != nil {
		return nil, fmt.Errorf("postgis: kelurahan summaries: %w", err)
	}
	out := make([]domain.KelurahanSummary, len(base))
	index := make(map[string]int, len(base))
	for i, b := range base {
		index[b.Code] = i
		out[i] = domain.KelurahanSummary{KelurahanCode: b.Code, AreaSqM: b.AreaSqM,
			ByKind: []domain.SummaryTotal{}, ByYear: []domain.SummaryTotal{},
			ActivityCount: b.ActivityCount, ActiveForumCount: b.ActiveForums}
		if b.LastActivity.Valid {
			d := asDate(b.LastActivity.Time)
			out[i].LastActivityDate = &d
		}
	}
	var w where
	projectWhere(&w, f)
	var totals []struct {
		Code          string         `db:"kelurahan_code"`
		Kind          sql.NullString `db:"kind"`
		Year          sql.NullInt64  `db:"year"`
		Count         int            `db:"count"`
		BudgetRupiah  int64          `db:"budget_rupiah"`
		Beneficiaries int64          `db:"beneficiaries"`
	}
	err = s.db.SelectContext(ctx, &totals, `SELECT p.kelurahan_code,
		CASE WHEN GROUPING(p.kind) = 0 THEN p.kind END AS kind,
		CASE WHEN GROUPING(p.year) = 0 THEN p.year END AS year,
		count(*) AS count, coalesce(sum(p.budget_rupiah), 0)::bigint AS budget_rupiah,
		coalesce(sum(p.beneficiaries), 0)::bigint AS beneficiaries
		FROM project p`+w.sql()+`
		GROUP BY GROUPING SETS ((p.kelurahan_code), (p.kelurahan_code, p.kind), (p.kelurahan_code, p.year))
		ORDER BY p.kelurahan_code, p.kind NULLS FIRST, p.year NULLS FIRST`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("postgis: kelurahan summaries: projects: %w", err)
	}
	for _, t := range totals {
		i, ok := index[t.Code]
		if !ok {
			continue
		}
		switch {
		case t.Kind.Valid:
			out[i].ByKind = append(out[i].ByKind, domain.SummaryTotal{Kind: domain.ProjectKind(t.Kind.String), Count: t.Count, BudgetRupiah: t.BudgetRupiah})
		case t.Year.Valid:
			out[i].ByYear = append(out[i].ByYear, domain.SummaryTotal{Year: int(t.Year.Int64), Count: t.Count, BudgetRupiah: t.BudgetRupiah})
		default:
			out[i].ProjectCount, out[i].BudgetRupiah, out[i].Beneficiaries = t.Count, t.BudgetRupiah, int(t.Beneficiaries)
		}
	}
	return out, nil
}
