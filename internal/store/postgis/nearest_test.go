package postgis_test

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/lib/pq"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/geobuild"
	"github.com/serasi/serasi/internal/store/postgis"
	"github.com/serasi/serasi/internal/store/postgis/postgistest"
)

// hit is one answer row: a project and its distance.
type hit struct {
	id   string
	dist float64
}

// TestNearFirstExact checks the KNN answers of NearestProjects and of
// Projects near a point, nearest first, against the plain definition (a
// spheroid distance for every project, sorted, ties by id) over a few
// thousand synthetic projects, from points in the city, at sea around it
// (where the first KNN pass does not prove its answer and a second runs),
// and far away, including high latitudes where sphere and spheroid differ
// most.
func TestNearFirstExact(t *testing.T) {
	u := postgistest.NewDatabase(t)
	ds, err := dataset.Load(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	ds.Projects = append(ds.Projects, geobuild.SyntheticProjects(ds, 3000, 7)...)
	db, err := sql.Open("postgres", u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := postgis.Migrate(ctx, db, postgis.MigrateUp); err != nil {
		t.Fatal(err)
	}
	if err := postgis.Seed(ctx, db, ds); err != nil {
		t.Fatal(err)
	}
	s := postgistest.Open(t, u)

	rng := rand.New(rand.NewPCG(3, 4))
	points := []orb.Point{
		ds.Projects[0].Geometry.Bound().Min, // on a project
		{122.45, -5.47},                     // at sea, west of the city
		{122.60, -5.70},                     // at sea, south
		{0, 0},                              // the other side of the world
		{122.6, 80},                         // high north: the largest sphere/spheroid gap
		{-60, -75},
	}
	for range 40 {
		points = append(points, orb.Point{122.40 + rng.Float64()*0.50, -5.75 + rng.Float64()*0.55})
	}

	// want runs the plain definition in SQL.
	want := func(t *testing.T, p orb.Point, kinds []string, radius float64, offset, limit int) ([]hit, int) {
		t.Helper()
		cond := "($2::text[] IS NULL OR kind = ANY($2)) AND ($3::float8 IS NULL OR ST_DWithin(geog, pt, $3))"
		args := []any{wkb.Value(p), nil, nil}
		if kinds != nil {
			args[1] = pq.StringArray(kinds)
		}
		if radius > 0 {
			args[2] = radius
		}
		from := " FROM project, (SELECT ST_GeomFromWKB($1, 4326)::geography AS pt) q WHERE " + cond
		rows, err := db.QueryContext(ctx, "SELECT id, ST_Distance(geog, pt) AS d"+from+
			fmt.Sprintf(" ORDER BY d, id OFFSET %d LIMIT %d", offset, limit), args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []hit
		for rows.Next() {
			var h hit
			if err := rows.Scan(&h.id, &h.dist); err != nil {
				t.Fatal(err)
			}
			out = append(out, h)
		}
		var total int
		if err := db.QueryRowContext(ctx, "SELECT count(*)"+from, args...).Scan(&total); err != nil {
			t.Fatal(err)
		}
		return out, total
	}
	same := func(t *testing.T, got, want []hit) {
		t.Helper()
		if !slices.EqualFunc(got, want, func(a, b hit) bool { return a.id == b.id && a.dist == b.dist }) {
			t.Errorf("got  %v\nwant %v", got, want)
		}
	}

	// Near the equator a metre east-west is 1.0011 sphere metres and a
	// metre north-south 0.9944: the KNN operator's order and the spheroid's
	// differ. Twenty projects lie 1000 m east or west of (0, 0) (998.9 m on
	// the sphere), one 995 m north (1000.6 m on the sphere): the nearest
	// on the spheroid comes 21st from <->, past the first pass's
	// candidates.
	t.Run("SphereOrderDiffers", func(t *testing.T) {
		const a, m0 = 6378137.0, 6335439.327 // equatorial radius, meridional radius at the equator
		deg := func(metres, radius float64) float64 { return metres / radius * 180 / math.Pi }
		insert := func(id string, lon, lat float64) {
			_, err := db.ExecContext(ctx, `INSERT INTO project (id, title, kind, geom, kelurahan_code, year,
				budget_rupiah, status, beneficiaries) VALUES ($1, $1, 'SPORTS_FIELD',
				ST_SetSRID(ST_MakePoint($2, $3), 4326), $4, 2020, 0, 'PLANNED', 0)`,
				id, lon, lat, ds.Kelurahans[0].Code)
			if err != nil {
				t.Fatal(err)
			}
		}
		for i := range 20 {
			lon := deg(1000+float64(i)*0.01, a)
			if i%2 == 1 {
				lon = -lon
			}
			insert(fmt.Sprintf("eq-ew-%02d", i), lon, 0)
		}
		insert("eq-north", 0, deg(995, m0))
		origin := orb.Point{0, 0}
		hits, err := s.NearestProjects(ctx, origin, 3, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) != 3 || hits[0].Project.ID != "eq-north" || hits[1].Project.ID != "eq-ew-00" {
			t.Errorf("NearestProjects: %v, want eq-north, eq-ew-00, eq-ew-01", hits)
		}
		// 995.2 m: 1 - flattening (0.9966) × 998.9 exceeds it, so that
		// bound would wrongly prove that nothing is in reach.
		for _, r := range []float64{999, 995.2} {
			page, err := s.Projects(ctx, domain.ProjectFilter{Near: &domain.Near{Point: origin, RadiusMeters: r}},
				domain.ProjectOrder{}, domain.Page{Limit: 5})
			if err != nil {
				t.Fatal(err)
			}
			if page.TotalCount != 1 || len(page.Items) != 1 || page.Items[0].Project.ID != "eq-north" {
				t.Errorf("Projects within %v m: %+v, want only eq-north", r, page)
			}
		}
	})

	// In utmBox the candidates come in degree order, and a degree of
	// longitude at 7.5° S is 110.37 km, of latitude 110.59 km. Twenty
	// projects lie 1000 m north of a point in the sea of the box, one
	// 999.9 m east: nearest on the spheroid, yet 21st in degrees.
	t.Run("DegreeOrderDiffers", func(t *testing.T) {
		center := orb.Point{124.5, -7.5}
		insert := func(id string, metres, azimuth float64) {
			_, err := db.ExecContext(ctx, `INSERT INTO project (id, title, kind, geom, kelurahan_code, year,
				budget_rupiah, status, beneficiaries) VALUES ($1, $1, 'SPORTS_FIELD',
				ST_Project(ST_GeomFromWKB($2, 4326)::geography, $3, radians($4))::geometry, $5, 2020, 0, 'PLANNED', 0)`,
				id, wkb.Value(center), metres, azimuth, ds.Kelurahans[0].Code)
			if err != nil {
				t.Fatal(err)
			}
		}
		for i := range 20 {
			insert(fmt.Sprintf("deg-n-%02d", i), 1000+float64(i)*0.05, 0)
		}
		insert("deg-east", 999.9, 90)
		// The setting itself: east is last by geom <->, first by ST_Distance.
		var byDegree, bySpheroid string
		err := db.QueryRowContext(ctx, `SELECT
			(SELECT id FROM project WHERE id LIKE 'deg-%' ORDER BY geom <-> ST_GeomFromWKB($1, 4326) DESC LIMIT 1),
			(SELECT id FROM project WHERE id LIKE 'deg-%' ORDER BY ST_Distance(geog, ST_GeomFromWKB($1, 4326)::geography) LIMIT 1)`,
			wkb.Value(center)).Scan(&byDegree, &bySpheroid)
		if err != nil || byDegree != "deg-east" || bySpheroid != "deg-east" {
			t.Fatalf("setting: last in degrees %q, first on the spheroid %q (%v); want deg-east for both", byDegree, bySpheroid, err)
		}
		hits, err := s.NearestProjects(ctx, center, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) != 1 || hits[0].Project.ID != "deg-east" {
			t.Errorf("NearestProjects: %v, want deg-east", hits)
		}
		page, err := s.Projects(ctx, domain.ProjectFilter{Near: &domain.Near{Point: center, RadiusMeters: 999.95}},
			domain.ProjectOrder{}, domain.Page{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if page.TotalCount != 1 || len(page.Items) != 1 || page.Items[0].Project.ID != "deg-east" {
			t.Errorf("Projects within 999.95 m: %+v, want only deg-east", page)
		}
	})

	// The band of nearCountPlanar: for every project and every query point
	// in utmBox, the spheroid distance d and the UTM 51S distance D must
	// satisfy (D − 1)/1.005 ≤ d ≤ (D + 1)/0.995, which is what makes its
	// in/out decisions right for any radius.
	t.Run("PlanarBand", func(t *testing.T) {
		var bad int
		var worst float64
		for _, p := range points {
			if p[0] < 121 || p[0] > 125 || p[1] < -8 || p[1] > -3 {
				continue
			}
			err := db.QueryRowContext(ctx, `WITH q AS (SELECT ST_GeomFromWKB($1, 4326) AS g),
				d AS (SELECT ST_Distance(p.geog, q.g::geography) AS d, ST_Distance(p.geom_utm, ST_Transform(q.g, 32751)) AS dp
					FROM project p, q WHERE p.geom_utm IS NOT NULL)
				SELECT count(*) FILTER (WHERE NOT (d >= (dp - 1) / 1.005 AND d <= (dp + 1) / 0.995)),
					coalesce(max(abs(d - dp) / d) FILTER (WHERE d > 100), 0)
				FROM d`, wkb.Value(p)).Scan(&bad, &worst)
			if err != nil {
				t.Fatal(err)
			}
			if bad > 0 {
				t.Errorf("%v: %d projects outside the band", p, bad)
			}
		}
		t.Logf("largest |d - D| / d beyond 100 m: %.5f%%", worst*100)
	})

	// Points at exactly the radius from a project, on the spheroid: the
	// count sits on its boundary.
	t.Run("ProjectsNearBoundary", func(t *testing.T) {
		rows, err := db.QueryContext(ctx, `SELECT r, ST_X(q::geometry), ST_Y(q::geometry) FROM (
			SELECT r, ST_Project(ST_GeometryN(ST_Points(geom), 1)::geography, r, radians(az)) AS q
			FROM (SELECT geom, (ARRAY[1, 37, 500, 2500, 20000])[1 + i % 5] AS r, (i * 37) % 360 AS az
				FROM (SELECT geom, row_number() OVER (ORDER BY id) AS i FROM project WHERE geom_utm IS NOT NULL) n
				WHERE i % 97 = 0) s) x`)
		if err != nil {
			t.Fatal(err)
		}
		type probe struct {
			p orb.Point
			r float64
		}
		var probes []probe
		for rows.Next() {
			var pr probe
			if err := rows.Scan(&pr.r, &pr.p[0], &pr.p[1]); err != nil {
				t.Fatal(err)
			}
			probes = append(probes, pr)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		if len(probes) < 20 {
			t.Fatalf("only %d probes", len(probes))
		}
		for _, pr := range probes {
			f := domain.ProjectFilter{Near: &domain.Near{Point: pr.p, RadiusMeters: pr.r}}
			page, err := s.Projects(ctx, f, domain.ProjectOrder{}, domain.Page{Limit: 5})
			if err != nil {
				t.Fatal(err)
			}
			if _, total := want(t, pr.p, nil, pr.r, 0, 5); page.TotalCount != total {
				t.Errorf("%v r=%v: totalCount %d, want %d", pr.p, pr.r, page.TotalCount, total)
			}
		}
	})

	t.Run("NearestProjects", func(t *testing.T) {
		for _, p := range points {
			for _, tc := range []struct {
				limit int
				kinds []domain.ProjectKind
			}{
				{1, nil}, {10, nil}, {100, nil},
				{10, []domain.ProjectKind{domain.ProjectKind("HARMONY_MONUMENT")}},
				{30, []domain.ProjectKind{domain.ProjectKind("VILLAGE_ROAD"), domain.ProjectKind("SPORTS_FIELD")}},
			} {
				hits, err := s.NearestProjects(ctx, p, tc.limit, tc.kinds)
				if err != nil {
					t.Fatal(err)
				}
				got := make([]hit, len(hits))
				for i, h := range hits {
					got[i] = hit{h.Project.ID, h.DistanceMeters}
				}
				var kinds []string
				for _, k := range tc.kinds {
					kinds = append(kinds, string(k))
				}
				w, _ := want(t, p, kinds, 0, 0, tc.limit)
				same(t, got, w)
			}
		}
	})

	t.Run("ProjectsNear", func(t *testing.T) {
		for _, p := range points {
			for _, tc := range []struct {
				radius float64
				page   domain.Page
			}{
				{50, domain.Page{Limit: 20}},
				{500, domain.Page{Limit: 20}},
				{500, domain.Page{Offset: 20, Limit: 20}},
				{500, domain.Page{Offset: 5000, Limit: 20}},
				{3000, domain.Page{Offset: 7, Limit: 50}},
				{3000, domain.Page{Limit: 0}},
			} {
				f := domain.ProjectFilter{Near: &domain.Near{Point: p, RadiusMeters: tc.radius}}
				page, err := s.Projects(ctx, f, domain.ProjectOrder{}, tc.page)
				if err != nil {
					t.Fatal(err)
				}
				got := make([]hit, len(page.Items))
				for i, h := range page.Items {
					got[i] = hit{h.Project.ID, h.DistanceMeters}
				}
				w, total := want(t, p, nil, tc.radius, tc.page.Offset, tc.page.Limit)
				same(t, got, w)
				if page.TotalCount != total {
					t.Errorf("%v r=%v %+v: totalCount %d, want %d", p, tc.radius, tc.page, page.TotalCount, total)
				}
			}
		}
	})
}
