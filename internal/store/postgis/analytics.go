package postgis

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// neighbourPairs is every ordered pair of neighbours (a, b) of the asked
// codes, by a then b, from the view migration 00006 computes with
// ST_DWithin on the spheroid within store.NeighbourToleranceMeters.
const neighbourPairs = `SELECT n.code, n.neighbour FROM kelurahan_neighbour n
	WHERE n.code = ANY($1) ORDER BY n.code, n.neighbour`

// KelurahanNeighbours returns the codes of each asked kelurahan's
// neighbours, ordered by code.
func (s *Store) KelurahanNeighbours(ctx context.Context, codes []string) ([][]string, error) {
	var rows []struct {
		Code      string `db:"code"`
		Neighbour string `db:"neighbour"`
	}
	if err := s.reads().SelectContext(ctx, &rows, neighbourPairs, textArray(codes)); err != nil {
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
	err := s.reads().SelectContext(ctx, &rows, `SELECT k.code, n.id AS forum_id, n.dist
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
		err = s.reads().SelectContext(ctx, &servedRows, `SELECT n.code, n.neighbour
			FROM (`+neighbourPairs+`) n
			WHERE `+fmt.Sprintf(served, "n.neighbour")+`
			ORDER BY n.code, n.neighbour`, textArray(codes))
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
// totals, one for activities and forums.
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
	err := s.reads().SelectContext(ctx, &base, `SELECT k.code, k.area_sq_m,
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
	// One hash aggregate by kelurahan, kind and year (at most a few
	// hundred groups); the totals by kind and by year are summed here.
	var groups []struct {
		Code          string `db:"kelurahan_code"`
		Kind          string `db:"kind"`
		Year          int    `db:"year"`
		Count         int    `db:"count"`
		BudgetRupiah  int64  `db:"budget_rupiah"`
		Beneficiaries int64  `db:"beneficiaries"`
	}
	err = s.reads().SelectContext(ctx, &groups, `SELECT p.kelurahan_code, p.kind, p.year, count(*) AS count,
		coalesce(sum(p.budget_rupiah), 0)::bigint AS budget_rupiah,
		coalesce(sum(p.beneficiaries), 0)::bigint AS beneficiaries
		FROM project p`+w.sql()+`
		GROUP BY p.kelurahan_code, p.kind, p.year`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("postgis: kelurahan summaries: projects: %w", err)
	}
	add := func(ts []domain.SummaryTotal, key domain.SummaryTotal, count int, budget int64) []domain.SummaryTotal {
		for i := range ts {
			if ts[i].Kind == key.Kind && ts[i].Year == key.Year {
				ts[i].Count += count
				ts[i].BudgetRupiah += budget
				return ts
			}
		}
		key.Count, key.BudgetRupiah = count, budget
		return append(ts, key)
	}
	for _, g := range groups {
		i, ok := index[g.Code]
		if !ok {
			continue
		}
		sum := &out[i]
		sum.ProjectCount += g.Count
		sum.BudgetRupiah += g.BudgetRupiah
		sum.Beneficiaries += int(g.Beneficiaries)
		sum.ByKind = add(sum.ByKind, domain.SummaryTotal{Kind: domain.ProjectKind(g.Kind)}, g.Count, g.BudgetRupiah)
		sum.ByYear = add(sum.ByYear, domain.SummaryTotal{Year: g.Year}, g.Count, g.BudgetRupiah)
	}
	for i := range out {
		slices.SortFunc(out[i].ByKind, func(a, b domain.SummaryTotal) int { return strings.Compare(string(a.Kind), string(b.Kind)) })
		slices.SortFunc(out[i].ByYear, func(a, b domain.SummaryTotal) int { return cmp.Compare(a.Year, b.Year) })
	}
	return out, nil
}
