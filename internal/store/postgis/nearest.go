package postgis

import (
	"context"
	"fmt"
	"sync"

	"github.com/jmoiron/sqlx"
	"github.com/paulmach/orb"
)

// sphereToSpheroid is a lower bound of (spheroid distance / sphere
// distance) on WGS 84, as PostGIS measures them. The KNN operator <-> on
// geography orders by the distance on the sphere of radius R = (2a+b)/3 =
// 6,371,008.8 m, taking latitudes and longitudes as they are; ST_Distance
// measures on the spheroid. Along any path the spheroid's length element is
// at least min(M, N)/R times the sphere's (M, N: the meridional and prime
// vertical radii of curvature), and min(M, N) is smallest at the equator,
// M = a(1-e²) = 6,335,439.3 m; so a spheroid distance is at least 0.994417
// × the sphere distance between the same coordinates. PostGIS measures a
// line or polygon on the spheroid between the query point and the point
// the sphere finds nearest, so the bound holds for them too. The flattening
// (0.0034) is NOT a safe bound: along a meridian at the equator the ratio is
// 0.99442. 0.994 leaves a margin far above rounding.
const sphereToSpheroid = "0.994"

// degreeToSpheroid is a lower bound, in metres per degree, of (spheroid
// distance / planar distance in degrees of longitude and latitude) from a
// point in utmBox to a project in it, as geom <-> and ST_Distance on geog
// measure them. Along a path, ds² = M²dφ² + N²cos²φ dλ² (angles in
// radians), so ds ≥ min(M, N cos φ)·|(dφ, dλ)|; within 8.1° of the equator
// min(M, N cos φ) ≥ a·cos 8.1° = 6,314,508 m, which is 110,209 m per degree.
// A geodesic between two points of utmBox stays within metres of it, and
// geog's edges (great-circle arcs) part from geom's (straight in degrees)
// by under 2 m for an edge across the whole city, which the caller
// subtracts. 0.99 × 111,319.49 (a·π/180) = 110,206.3 leaves a margin.
const degreeToSpheroid = "110206.3"

// knnSlack is how many candidates beyond the k wanted the first KNN pass
// takes. In the city one pass nearly always proves the answer; at sea, a
// few kilometres from the nearest project, the second pass (8 times as many)
// does.
const knnSlack = 8

// nearFirst returns a query for "the first k projects matching w's
// conditions (and, with a radius, within radius metres of pt), nearest to
// pt first on the spheroid, ties by id" that computes spheroid distances
// for a few candidates only, not for every project in reach.
//
// The KNN operator <-> walks the GiST index of geog in sphere distance
// order, so its first n rows are the candidates. Every other project lies
// at least as far on the sphere as the n-th candidate, so at least
// sphereToSpheroid × that on the spheroid. When that exceeds the k-th
// smallest spheroid distance among the candidates in reach (strictly, so
// ties are covered), or exceeds the radius, or the candidates ran out
// before n, no other project can be among the first k and the answer is
// exact: proven is true. Otherwise the caller asks again with a larger n
// (selectNearFirst).
//
// The radius is deliberately not a condition of the KNN scan: given an
// indexable ST_DWithin the planner prefers a bitmap scan of everything in
// the radius's box and a sort, which computes a distance for every row.
// Only w's conditions are, so they must be plain attribute tests that many
// projects pass (kinds): the KNN scan reads until n rows pass them.
//
// The query takes w's placeholders, then n and k (k ≥ 1), which the caller
// sets per pass. Its rows are projectColumns, dist, in_page, total and
// proven: the first k rows in order, or, when none is in reach, one row
// with in_page false (the nearest candidate, any project would do) that
// carries total and proven. No row at all means that nothing is in reach:
// no project matches w, or (with count and a radius) total is 0. total is
// the number of projects matching w within the radius when count is not
// noCount, else 0.
//
// ptGeom is the point as geometry (SRID 4326), pt the same as geography.
//
// With inBox (the point lies in utmBox, as in and around the city) the
// candidates come from two KNN scans instead: the projects inside utmBox
// by the planar distance in degrees on geom's index (about a third cheaper
// than the sphere distance on geog's), bounded by degreeToSpheroid, and
// the others (geom_utm IS NULL, usually none) as above.
func nearFirst(w *where, ptGeom, pt, radius string, count countMode, inBox bool) string {
	knnConds := w.conds
	inReach := "true"
	if radius != "" {
		// In reach is ST_DWithin's answer, as for the count. ST_Distance
		// is computed anyway and runs the same spheroid measure, so only a
		// candidate within 0.1% of the radius needs ST_DWithin itself: a
		// second spheroid computation per candidate cost a tenth of the
		// whole query.
		inReach = "h.dist <= " + radius + " * 0.999 OR (h.dist <= " + radius + " * 1.001 AND ST_DWithin(h.geog, " + pt + ", " + radius + "))"
	}
	total, with := "0", ""
	switch {
	case count == noCount:
	case count == planarCount && radius != "":
		total = nearCountPlanar(w.conds, pt, radius)
		// Materialized, so that the point is transformed once, not per row.
		with = "utm AS MATERIALIZED (SELECT ST_Transform(" + ptGeom + ", 32751) AS pt),\n"
	default:
		// Counting needs no distance: ST_DWithin stops as soon as some
		// point is within reach.
		c := w.conds
		if radius != "" {
			c = append(c[:len(c):len(c)], "ST_DWithin(p.geog, "+pt+", "+radius+")")
		}
		total = "(SELECT count(*) FROM project p" + (&where{conds: c}).sql() + ")"
	}
	if count != noCount && radius != "" {
		// Nothing in reach (a point at sea): no KNN scan at all. A
		// one-time filter: the planner tests it once, not per row.
		knnConds = append(knnConds[:len(knnConds):len(knnConds)], "(SELECT n FROM total) > 0")
	}
	n, k := w.bind(0), w.bind(0)
	// The k-th distance in reach, NULL when fewer are in reach.
	bound := "(SELECT CASE WHEN count(*) = " + k + " THEN max(dist) END FROM top)"
	if radius != "" {
		// least() skips a NULL.
		bound = "least(" + radius + ", " + bound + ")"
	}
	// knn keeps geog so that hits tests only the candidates, and the
	// columns of the answer so that its rows need not be looked up again:
	// given project p again, the planner would test everything in the
	// radius's box through the index.
	const cols = `p.id, p.title, p.kind, p.geom, p.kelurahan_code, p.forum_id, p.year, p.budget_rupiah,
				p.status, p.start_date, p.finish_date, p.beneficiaries, p.description, p.version, p.geog`
	scan := func(conds []string, dist, order string) string {
		return `SELECT ` + cols + `, ` + dist + ` AS knn_dist
			FROM project p` + (&where{conds: conds}).sql() + `
			ORDER BY ` + order + ` LIMIT ` + n
	}
	and := func(c string) []string { return append(knnConds[:len(knnConds):len(knnConds)], c) }
	var knn, proven string
	if inBox {
		knn = `knn_in AS (` + scan(and("p.geom_utm IS NOT NULL"), "p.geom <-> "+ptGeom, "p.geom <-> "+ptGeom) + `),
		knn_far AS (` + scan(and("p.geom_utm IS NULL"), "p.geog <-> "+pt, "p.geog <-> "+pt) + `),
		knn AS (SELECT * FROM knn_in UNION ALL SELECT * FROM knn_far),`
		proven = `coalesce((SELECT count(*) < ` + n + ` OR max(knn_dist) * ` + degreeToSpheroid + ` - 2 > ` + bound + ` FROM knn_in), false)
			AND coalesce((SELECT count(*) < ` + n + ` OR max(knn_dist) * ` + sphereToSpheroid + ` > ` + bound + ` FROM knn_far), false)`
	} else {
		knn = `knn AS (` + scan(knnConds, "p.geog <-> "+pt, "p.geog <-> "+pt) + `),`
		proven = `coalesce((SELECT count(*) < ` + n + ` OR max(knn_dist) * ` + sphereToSpheroid + ` > ` + bound + ` FROM knn), false)`
	}
	return `WITH ` + with + `total AS (SELECT ` + total + ` AS n),
		` + knn + `
		hits AS (
			SELECT h.id, h.dist FROM (
				SELECT knn.id, knn.geog, ST_Distance(knn.geog, ` + pt + `) AS dist FROM knn OFFSET 0) h
			WHERE ` + inReach + `),
		top AS (SELECT id, dist FROM hits ORDER BY dist, id LIMIT ` + k + `),
		page AS (
			SELECT id, dist, true AS in_page FROM top
			UNION ALL
			SELECT id, 0::float8, false FROM (SELECT id FROM knn LIMIT 1) some_candidate
			WHERE NOT EXISTS (SELECT FROM top))
		SELECT ` + projectColumns + `, page.dist AS dist, page.in_page, (SELECT n FROM total) AS total,
			` + proven + ` AS proven
		FROM page JOIN knn p ON p.id = page.id
		ORDER BY page.dist, p.id`
}

// countMode says whether and how nearFirst counts the projects in reach.
type countMode int

const (
	noCount countMode = iota
	// spheroidCount tests every project in the radius's box on the spheroid.
	spheroidCount
	// planarCount decides most of them by their UTM 51S copy; only for a
	// point in utmBox (see nearCountPlanar).
	planarCount
)

// utmBox is where the bound of nearCountPlanar is proved: the query point
// must lie in it, and projects outside it have no UTM copy (migration
// 00004) and are tested on the spheroid.
var utmBox = orb.Bound{Min: orb.Point{121, -8}, Max: orb.Point{125, -3}}

// nearCountPlanar returns the SQL of "how many projects meeting conds lie
// within radius metres of pt on the spheroid", as ST_DWithin(geog, pt,
// radius) would count them, for a query point inside utmBox, from the
// projects' planar copies in UTM zone 51S (column geom_utm; the CTE utm
// holds the point there). The planar distance D costs a fraction of a
// spheroid one, and a band around the radius leaves only a few percent of
// the projects to the spheroid test.
//
// Why the band is safe. Inside utmBox (at most 2° from the zone's central
// meridian, 123° E, near the equator) the scale factor of UTM 51S lies
// between k0 = 0.9996 and 0.9996·(1 + (2°)²/2) < 1.0003. A spheroid
// geodesic of length d maps to a planar curve no longer than 1.0003·d, so
// D ≤ 1.0003·d; the planar segment of length D maps back to a curve no
// longer than D/0.9996 on the spheroid, so d ≤ 1.0004·D. geog's edges are
// great-circle arcs and geom_utm's straight lines between the same
// vertices: for an edge across the whole city (about 30 km) they part by
// under 0.25 m, and PostGIS's spheroid distance to a line departs from the
// true geodesic one by far less than 0.05%. So D ≤ 0.995·r − 1 m means
// within reach and D > 1.005·r + 1 m means out of it, with a margin more
// than four times those errors; only the band between takes ST_DWithin.
// Projects without a copy (outside utmBox) are counted on the spheroid.
// TestNearFirstExact compares the count with plain ST_DWithin, also for
// points placed at exactly the radius from projects.
func nearCountPlanar(conds []string, pt, radius string) string {
	inner := append(conds[:len(conds):len(conds)],
		"p.geom_utm && ST_Expand(utm.pt, "+radius+" * 1.005 + 1)")
	far := append(conds[:len(conds):len(conds)],
		"p.geom_utm IS NULL", "ST_DWithin(p.geog, "+pt+", "+radius+")")
	// OFFSET 0 keeps the subquery apart, so that D is computed once per
	// row rather than once per test of it.
	return `((SELECT count(*) FROM (
			SELECT ST_Distance(p.geom_utm, utm.pt) AS d, p.geog FROM project p, utm` + (&where{conds: inner}).sql() + ` OFFSET 0) s
		WHERE s.d <= ` + radius + ` * 0.995 - 1
			OR (s.d <= ` + radius + ` * 1.005 + 1 AND ST_DWithin(s.geog, ` + pt + `, ` + radius + `)))
		+ (SELECT count(*) FROM project p` + (&where{conds: far}).sql() + `))`
}

// scanNearRows runs st and scans its rows (at most k + 1) into a slice
// made to size; sqlx's Select grows one by reflection, a copy per doubling.
func scanNearRows(ctx context.Context, st *sqlx.Stmt, k int, args []any) ([]nearRow, error) {
	rows, err := st.QueryxContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]nearRow, 0, k+1)
	for rows.Next() {
		out = append(out, nearRow{})
		if err := rows.StructScan(&out[len(out)-1]); err != nil {
			return nil, err
		}
	}
	return out, rows.Err()
}

type nearRow struct {
	projectRow
	InPage bool `db:"in_page"`
	Proven bool `db:"proven"`
}

// nearQueries holds nearFirst's texts by their shape. They are few (see
// its callers) and fixed, but putting one together takes hundreds of
// concatenations into some kilobytes: on every request that was a tenth of
// a radius query's allocations in Go.
var nearQueries sync.Map

// nearFirstCached is nearFirst, with the text built once per shape; it
// binds n and k in w all the same.
func nearFirstCached(w *where, ptGeom, pt, radius string, count countMode, inBox bool) string {
	key := fmt.Sprint(len(w.args), ptGeom, pt, radius, int(count), inBox, w.conds)
	if q, ok := nearQueries.Load(key); ok {
		w.bind(0)
		w.bind(0)
		return q.(string)
	}
	q := nearFirst(w, ptGeom, pt, radius, count, inBox)
	nearQueries.Store(key, q)
	return q
}

// selectNearFirst runs a nearFirst query with args (the last two, n and k,
// are set here) in passes of more candidates until one proves its answer.
// It returns the first k rows in order and the total. The callers' SQL
// texts are few and fixed (see preparedStatements), so they are prepared.
func (s *Store) selectNearFirst(ctx context.Context, query string, args []any, k int) (out []projectRow, total int, err error) {
	err = s.routed(ctx, nil, func(_ *sqlx.DB, prepared *preparedStatements) error {
		var err error
		out, total, err = selectNearFirstOn(ctx, prepared, query, args, k)
		return err
	})
	return out, total, err
}

func selectNearFirstOn(ctx context.Context, prepared *preparedStatements, query string, args []any, k int) ([]projectRow, int, error) {
	st, err := prepared.stmt(ctx, query)
	if err != nil {
		return nil, 0, err
	}
	for n := k + knnSlack; ; n *= 8 {
		args[len(args)-2], args[len(args)-1] = n, k
		rows, err := scanNearRows(ctx, st, k, args)
		if err != nil {
			return nil, 0, err
		}
		if len(rows) == 0 {
			return nil, 0, nil // nothing in reach at all
		}
		if !rows[0].Proven {
			continue
		}
		out := make([]projectRow, 0, len(rows))
		for _, r := range rows {
			if r.InPage {
				out = append(out, r.projectRow)
			}
		}
		return out, rows[0].Total, nil
	}
}
