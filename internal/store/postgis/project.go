package postgis

import (
	"context"
	"database/sql"
	"fmt"
	"math/bits"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// ST_ForcePolygonCCW is applied to polygons only: PostGIS 3.3 also reverses
// LineStrings with it, which the documentation says it leaves alone.
const projectColumns = `p.id, p.title, p.kind,
	ST_AsBinary(CASE WHEN ST_Dimension(p.geom) = 2 THEN ST_ForcePolygonCCW(p.geom) ELSE p.geom END) AS geom,
	p.kelurahan_code, coalesce(p.forum_id, '') AS forum_id, p.year, p.budget_rupiah, p.status,
	p.start_date, p.finish_date, p.beneficiaries, p.description, p.version`

type projectRow struct {
	ID            string              `db:"id"`
	Title         string              `db:"title"`
	Kind          string              `db:"kind"`
	Geom          wkb.GeometryScanner `db:"geom"`
	KelurahanCode string              `db:"kelurahan_code"`
	ForumID       string              `db:"forum_id"`
	Year          int                 `db:"year"`
	BudgetRupiah  int64               `db:"budget_rupiah"`
	Status        string              `db:"status"`
	StartDate     sql.NullTime        `db:"start_date"`
	FinishDate    sql.NullTime        `db:"finish_date"`
	Beneficiaries int                 `db:"beneficiaries"`
	Description   string              `db:"description"`
	Version       int                 `db:"version"`
	// Only in lists:
	Distance float64 `db:"dist"`
	Total    int     `db:"total"`
}

func (r projectRow) domain() domain.Project {
	return domain.Project{
		ID: r.ID, Title: r.Title, Kind: domain.ProjectKind(r.Kind), Geometry: r.Geom.Geometry,
		KelurahanCode: r.KelurahanCode, ForumID: r.ForumID, Year: r.Year, BudgetRupiah: r.BudgetRupiah,
		Status: domain.ProjectStatus(r.Status), StartDate: nullDate(r.StartDate), FinishDate: nullDate(r.FinishDate),
		Beneficiaries: r.Beneficiaries, Description: r.Description, Version: r.Version,
	}
}

// projectOrderColumns is the whitelist of ORDER BY expressions; "dist" is the
// select-list alias of the distance to the Near point.
var projectOrderColumns = map[domain.ProjectOrderField]string{
	domain.OrderByID:       "p.id",
	domain.OrderByYear:     "p.year",
	domain.OrderByBudget:   "p.budget_rupiah",
	domain.OrderByTitle:    "p.title",
	domain.OrderByDistance: "dist",
}

// projectWhere turns a validated filter into conditions on project p. With
// Near it returns the SQL expression of the point as geography, else "".
func projectWhere(w *where, f domain.ProjectFilter) (nearPoint string) {
	if len(f.Kinds) > 0 {
		w.and("p.kind = ANY(%s)", w.bind(textArray(f.Kinds)))
	}
	if len(f.Statuses) > 0 {
		w.and("p.status = ANY(%s)", w.bind(textArray(f.Statuses)))
	}
	if f.YearFrom != nil {
		w.and("p.year >= %s", w.bind(*f.YearFrom))
	}
	if f.YearTo != nil {
		w.and("p.year <= %s", w.bind(*f.YearTo))
	}
	if len(f.KelurahanCodes) > 0 {
		w.and("p.kelurahan_code = ANY(%s)", w.bind(textArray(f.KelurahanCodes)))
	}
	if len(f.KecamatanCodes) > 0 {
		w.and("p.kecamatan_code = ANY(%s)", w.bind(textArray(f.KecamatanCodes)))
	}
	if f.ForumID != "" {
		w.eq("p.forum_id", f.ForumID)
	}
	if f.IDAfter != "" {
		w.and("p.id > %s", w.bind(f.IDAfter))
	}
	if f.BBox != nil {
		env := w.envelope(*f.BBox)
		w.and("p.geom && %s AND ST_Intersects(p.geom, %s)", env, env)
	}
	if f.Within != nil {
		w.and("ST_Covers(%s, p.geom)", w.geom(f.Within))
	}
	if f.Near != nil {
		nearPoint = w.geom(f.Near.Point) + "::geography"
		// ST_DWithin on geography measures on the spheroid and uses the
		// GiST index on geog.
		w.and("ST_DWithin(p.geog, %s, %s)", nearPoint, w.bind(f.Near.RadiusMeters))
	}
	return nearPoint
}

// onlyNear reports whether f filters by Near and nothing else: the radius
// search of map clients, answered by nearFirst with a prepared statement.
// Other filters could make the KNN scan of nearFirst read far (a forum's
// projects across the city), so they take projectPage.
func onlyNear(f domain.ProjectFilter) bool {
	return f.Near != nil && len(f.Kinds) == 0 && len(f.Statuses) == 0 && f.YearFrom == nil && f.YearTo == nil &&
		len(f.KelurahanCodes) == 0 && len(f.KecamatanCodes) == 0 && f.ForumID == "" && f.IDAfter == "" && f.BBox == nil && f.Within == nil
}

// Projects returns one page of the projects matching f in order o.
func (s *Store) Projects(ctx context.Context, f domain.ProjectFilter, o domain.ProjectOrder, p domain.Page) (domain.ProjectPage, error) {
	o, err := store.ValidateProjectFilter(f, o)
	if err != nil {
		return domain.ProjectPage{}, err
	}
	if err := store.ValidatePage(p); err != nil {
		return domain.ProjectPage{}, err
	}
	var rows []projectRow
	var total int
	probed := false
	if boxPageByID(f, o, p) {
		rows, probed, err = s.projectsBoxByID(ctx, f, p)
	}
	switch {
	case err != nil, probed:
		total = -1
	case onlyNear(f) && o.Field == domain.OrderByDistance && !o.Desc && p.Limit > 0:
		rows, total, err = s.projectsNearFirst(ctx, *f.Near, p)
	default:
		rows, total, err = s.projectPage(ctx, f, o, p)
	}
	if err != nil {
		return domain.ProjectPage{}, err
	}
	if p.NoCount {
		total = -1
	}
	page := domain.ProjectPage{Items: make([]domain.ProjectHit, len(rows)), TotalCount: total}
	for i, r := range rows {
		page.Items[i] = domain.ProjectHit{Project: r.domain(), DistanceMeters: r.Distance}
	}
	return page, nil
}

// projectsNearFirst answers a radius search, nearest first, with nearFirst:
// spheroid distances for a few KNN candidates instead of every project in
// the radius. The count decides most projects by their planar UTM copy
// (nearCountPlanar) for a point in utmBox; elsewhere it takes an ST_DWithin
// per project in the radius's box, but no distance.
func (s *Store) projectsNearFirst(ctx context.Context, near domain.Near, p domain.Page) ([]projectRow, int, error) {
	var w where
	ptGeom := w.geom(near.Point)
	pt := ptGeom + "::geography"
	count, inBox := spheroidCount, utmBox.Contains(near.Point)
	if inBox {
		count = planarCount
	}
	query := nearFirstCached(&w, ptGeom, pt, w.bind(near.RadiusMeters), count, inBox)
	rows, total, err := s.selectNearFirst(ctx, query, w.args, p.Offset+p.Limit)
	if err != nil {
		return nil, 0, fmt.Errorf("postgis: projects: %w", err)
	}
	if p.Offset >= len(rows) {
		return nil, total, nil
	}
	return rows[p.Offset:], total, nil
}

// boxScan is how many projects, in id order, projectsBoxByID reads at
// most per item of the page before it gives up on that plan.
const boxScan = 50

// boxPageByID reports whether a page is a map client's: projects in a box
// by id (keyset), with no count, from the start or a key.
func boxPageByID(f domain.ProjectFilter, o domain.ProjectOrder, p domain.Page) bool {
	return f.BBox != nil && f.Near == nil && o.Field == domain.OrderByID && !o.Desc &&
		p.NoCount && p.Offset == 0 && p.Limit > 0
}

// projectsBoxByID answers a box page by id by walking the primary key from
// the key on, testing the box on each row, for at most boxScan rows per item:
// where the box holds one project in 50 or more, that reads a few hundred
// rows. The planner's own choice is the box's GiST index and a sort of every
// match (8,000 for a quarter of the city over 100,000 projects: 86 ms against
// 0.6 ms, EXPLAIN ANALYZE), because it estimates matches in a box an order of
// magnitude too few. ok is false when the walk did not fill the page (a
// sparse box, or the end of the table): the caller then asks projectPage,
// where the index and the sort are cheap because matches are few.
func (s *Store) projectsBoxByID(ctx context.Context, f domain.ProjectFilter, p domain.Page) (rows []projectRow, ok bool, err error) {
	var w where
	projectWhere(&w, f)
	inner := ""
	if f.IDAfter != "" {
		inner = ` WHERE id > ` + w.bind(f.IDAfter)
	}
	// The LIMIT keeps the subquery from being flattened: the filter stays
	// outside, the walk in key order inside. It is written out, not bound:
	// a generic plan guesses LIMIT $n at a tenth of the table and sorts the
	// whole of it (350 ms a page); rounded up to a power of two, so that
	// there are only a few texts to prepare.
	scan := 1 << bits.Len(uint(boxScan*p.Limit-1))
	query := `SELECT ` + projectColumns + `, 0::float8 AS dist, -1 AS total
		FROM (SELECT * FROM project` + inner + ` ORDER BY id LIMIT ` + strconv.Itoa(scan) + `) p` + w.sql() +
		` ORDER BY p.id LIMIT ` + w.bind(p.Limit)
	// Its plan is the same for any values (the subquery's LIMIT fixes it),
	// so the map clients' page, a box and maybe a key, is prepared.
	run := s.reads().SelectContext
	if onlyBox(f) {
		run = s.selectPrepared
	}
	if err := run(ctx, &rows, query, w.args...); err != nil {
		return nil, false, fmt.Errorf("postgis: projects in a box: %w", err)
	}
	if len(rows) < p.Limit {
		return nil, false, nil
	}
	return rows, true, nil
}

// onlyBox reports whether f filters by a box (and a key) and nothing else.
func onlyBox(f domain.ProjectFilter) bool {
	return f.BBox != nil && f.Near == nil && len(f.Kinds) == 0 && len(f.Statuses) == 0 && f.YearFrom == nil &&
		f.YearTo == nil && len(f.KelurahanCodes) == 0 && len(f.KecamatanCodes) == 0 && f.ForumID == "" && f.Within == nil
}

// projectPage answers Projects in any order. The count is a subquery, not
// count(*) OVER (): a window needs every matching row (and its distance)
// before the LIMIT, while without one an ORDER BY on an indexed column
// stops after the page.
func (s *Store) projectPage(ctx context.Context, f domain.ProjectFilter, o domain.ProjectOrder, p domain.Page) ([]projectRow, int, error) {
	var w where
	near := projectWhere(&w, f)
	dist := "0::float8"
	if near != "" {
		dist = "ST_Distance(p.geog, " + near + ")"
	}
	col, ok := projectOrderColumns[o.Field]
	if !ok {
		return nil, 0, domain.Invalid("orderBy", "unknown order field %q", o.Field)
	}
	dir := " ASC"
	if o.Desc {
		dir = " DESC"
	}
	// Ties go by id ascending whatever the direction, as in the memory store.
	orderBy := col + dir
	if o.Field != domain.OrderByID {
		orderBy += ", p.id ASC"
	}
	filter := w.sql()
	count := `SELECT count(*) FROM project p` + filter
	totalCol := `(` + count + `)`
	if p.NoCount {
		totalCol = `-1`
	}
	query := `SELECT ` + projectColumns + `, ` + dist + ` AS dist, ` + totalCol + ` AS total
		FROM project p` + filter + ` ORDER BY ` + orderBy +
		` LIMIT ` + w.bind(p.Limit) + ` OFFSET ` + w.bind(p.Offset)
	var rows []projectRow
	if err := s.reads().SelectContext(ctx, &rows, query, w.args...); err != nil {
		return nil, 0, fmt.Errorf("postgis: projects: %w", err)
	}
	if p.NoCount {
		return rows, -1, nil
	}
	if len(rows) > 0 {
		return rows, rows[0].Total, nil
	}
	if p.Offset == 0 && p.Limit > 0 {
		return rows, 0, nil // nothing matched
	}
	// The count rides on the rows: an empty page past the end (or of size
	// zero) counts in a second query.
	var total int
	if err := s.reads().GetContext(ctx, &total, count, w.args[:len(w.args)-2]...); err != nil {
		return nil, 0, fmt.Errorf("postgis: count projects: %w", err)
	}
	return rows, total, nil
}

// projectByIDQuery is prepared (see preparedStatements): a single feature
// by id is what map clients ask for on every click, and its planning costs
// about what its primary key lookup does.
const projectByIDQuery = `SELECT ` + projectColumns + `, 0::float8 AS dist, 1 AS total FROM project p WHERE p.id = $1`

// Project returns one project, or ENOTFOUND.
func (s *Store) Project(ctx context.Context, id string) (domain.Project, error) {
	if !storable(id) {
		return domain.Project{}, domain.NotFound("project", id)
	}
	var rows []projectRow
	if err := s.selectPrepared(ctx, &rows, projectByIDQuery, id); err != nil {
		return domain.Project{}, fmt.Errorf("postgis: project %q: %w", id, err)
	}
	if len(rows) == 0 {
		return domain.Project{}, domain.NotFound("project", id)
	}
	return rows[0].domain(), nil
}

// NearestProjects returns up to limit projects nearest to p, nearest first,
// ties by id: nearFirst over the kinds asked. The old way, an ST_DWithin
// over the largest distance among the first KNN rows, swept every project
// in that radius's box: thousands of them for a point at sea beside the
// city, where the box reaches into it.
func (s *Store) NearestProjects(ctx context.Context, p orb.Point, limit int, kinds []domain.ProjectKind) ([]domain.ProjectHit, error) {
	if err := store.ValidateNearest(p, limit, kinds); err != nil {
		return nil, err
	}
	var w where
	ptGeom := w.geom(p)
	pt := ptGeom + "::geography"
	if len(kinds) > 0 {
		w.and("p.kind = ANY(%s)", w.bind(textArray(kinds)))
	}
	// Four SQL texts, with and without kinds, in utmBox or not; all prepared.
	rows, _, err := s.selectNearFirst(ctx, nearFirstCached(&w, ptGeom, pt, "", noCount, utmBox.Contains(p)), w.args, limit)
	if err != nil {
		return nil, fmt.Errorf("postgis: nearest projects: %w", err)
	}
	out := make([]domain.ProjectHit, len(rows))
	for i, r := range rows {
		out[i] = domain.ProjectHit{Project: r.domain(), DistanceMeters: r.Distance}
	}
	return out, nil
}

// statsKeys are the GROUP BY expressions of each dimension, and the value a
// column takes when its dimension is not grouped.
var statsKeys = map[domain.StatsDimension]struct{ expr, zero string }{
	domain.ByYear:      {"p.year", "0"},
	domain.ByKind:      {"p.kind", "''"},
	domain.ByStatus:    {"p.status", "''"},
	domain.ByKelurahan: {"p.kelurahan_code", "''"},
	domain.ByKecamatan: {"p.kecamatan_code", "''"},
	domain.ByForum:     {"coalesce(p.forum_id, '')", "''"},
}

type statsRow struct {
	Year          int    `db:"year"`
	Kind          string `db:"kind"`
	Status        string `db:"status"`
	KelurahanCode string `db:"kelurahan_code"`
	KecamatanCode string `db:"kecamatan_code"`
	ForumID       string `db:"forum_id"`
	Count         int    `db:"count"`
	BudgetRupiah  int64  `db:"budget_rupiah"`
	Beneficiaries int    `db:"beneficiaries"`
}

// ProjectStats groups the projects matching f by the dimensions in by,
// ordered by the keys in that order (strings byte-wise: the columns use the
// "C" collation). Without dimensions it returns one row of totals.
func (s *Store) ProjectStats(ctx context.Context, f domain.ProjectFilter, by []domain.StatsDimension) ([]domain.StatsRow, error) {
	if _, err := store.ValidateProjectFilter(f, domain.ProjectOrder{}); err != nil {
		return nil, err
	}
	if err := store.ValidateStatsDimensions(by); err != nil {
		return nil, err
	}
	var w where
	projectWhere(&w, f)
	grouped := map[domain.StatsDimension]bool{}
	keys := make([]string, len(by))
	for i, d := range by {
		keys[i] = statsKeys[d].expr
		grouped[d] = true
	}
	column := func(d domain.StatsDimension, alias string) string {
		k := statsKeys[d]
		if grouped[d] {
			return k.expr + " AS " + alias
		}
		return k.zero + " AS " + alias
	}
	query := `SELECT ` + strings.Join([]string{
		column(domain.ByYear, "year"),
		column(domain.ByKind, "kind"),
		column(domain.ByStatus, "status"),
		column(domain.ByKelurahan, "kelurahan_code"),
		column(domain.ByKecamatan, "kecamatan_code"),
		column(domain.ByForum, "forum_id"),
	}, ", ") + `, count(*) AS count,
		coalesce(sum(p.budget_rupiah), 0)::bigint AS budget_rupiah,
		coalesce(sum(p.beneficiaries), 0)::bigint AS beneficiaries
		FROM project p` + w.sql()
	if len(keys) > 0 {
		query += ` GROUP BY ` + strings.Join(keys, ", ") + ` ORDER BY ` + strings.Join(keys, ", ")
	}
	var rows []statsRow
	if err := s.reads().SelectContext(ctx, &rows, query, w.args...); err != nil {
		return nil, fmt.Errorf("postgis: project stats: %w", err)
	}
	out := make([]domain.StatsRow, len(rows))
	for i, r := range rows {
		out[i] = domain.StatsRow{
			Year: r.Year, Kind: domain.ProjectKind(r.Kind), Status: domain.ProjectStatus(r.Status),
			KelurahanCode: r.KelurahanCode, KecamatanCode: r.KecamatanCode, ForumID: r.ForumID,
			Count: r.Count, BudgetRupiah: r.BudgetRupiah, Beneficiaries: r.Beneficiaries,
		}
	}
	return out, nil
}
