package postgis_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"
	"github.com/paulmach/orb"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/memory"
	"github.com/serasi/serasi/internal/store/postgis"
	"github.com/serasi/serasi/internal/store/postgis/postgistest"
	"github.com/serasi/serasi/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	u := postgistest.NewSeeded(t)
	storetest.RunConformanceTests(t, func(t *testing.T) store.Store {
		return postgistest.Open(t, u)
	})
}

func TestCrossStore(t *testing.T) {
	u := postgistest.NewSeeded(t)
	ref, err := memory.New(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	storetest.RunCrossStoreTests(t, ref, postgistest.Open(t, u))
}

// tables lists every table the migrations create, in foreign-key order.
var tables = []string{"kecamatan", "kelurahan", "forum", "forum_kelurahan", "project", "activity"}

func TestMigrateUpDownUp(t *testing.T) {
	ctx := context.Background()
	db := openSQL(t, postgistest.NewDatabase(t))

	if err := postgis.Migrate(ctx, db, postgis.MigrateUp); err != nil {
		t.Fatal(err)
	}
	wantTables(t, db, tables...)
	current, latest, err := postgis.SchemaVersion(ctx, db)
	if err != nil || current != latest || latest < 2 {
		t.Fatalf("after up: version %d of %d (%v)", current, latest, err)
	}

	var upper int
	if err := db.QueryRow(`SELECT count(*) FROM information_schema.tables
		WHERE table_schema = 'public' AND table_name IN ('provinsi', 'kabupaten_kota')`).Scan(&upper); err != nil || upper != 2 {
		t.Errorf("after up: %d of provinsi and kabupaten_kota (%v)", upper, err)
	}

	// down rolls back one migration at a time: first the kelurahan extent
	// (00010), then the min zooms (00009), then the generalised bands (00008), then the provinsi and kabupaten/kota (00007), then the kelurahan neighbours (00006), then the change feed (00005), then the planar
	// copy of projects (00004), then the tokens and the audit trail
	// (00003), then the program tables; the areas stay.
	if err := postgis.Migrate(ctx, db, postgis.MigrateDown); err != nil {
		t.Fatal(err)
	}
	var extentTables int
	if err := db.QueryRow(`SELECT count(*) FROM information_schema.tables
		WHERE table_schema = 'public' AND table_name = 'kelurahan_extent'`).Scan(&extentTables); err != nil || extentTables != 0 {
		t.Errorf("after one down: kelurahan_extent is still there (%v)", err)
	}
	if err := postgis.Migrate(ctx, db, postgis.MigrateDown); err != nil {
		t.Fatal(err)
	}
	var minZoomColumns int
	if err := db.QueryRow(`SELECT count(*) FROM information_schema.columns
		WHERE table_schema = 'public' AND column_name = 'min_zoom'`).Scan(&minZoomColumns); err != nil || minZoomColumns != 0 {
		t.Errorf("after one down: %d min_zoom columns left (%v)", minZoomColumns, err)
	}
	if err := postgis.Migrate(ctx, db, postgis.MigrateDown); err != nil {
		t.Fatal(err)
	}
	var bandTables int
	if err := db.QueryRow(`SELECT count(*) FROM information_schema.tables
		WHERE table_schema = 'public' AND table_name = 'area_band'`).Scan(&bandTables); err != nil || bandTables != 0 {
		t.Errorf("after one down: area_band is still there (%v)", err)
	}
	if err := postgis.Migrate(ctx, db, postgis.MigrateDown); err != nil {
		t.Fatal(err)
	}
	var upperLevels int
	if err := db.QueryRow(`SELECT count(*) FROM information_schema.tables
		WHERE table_schema = 'public' AND table_name IN ('provinsi', 'kabupaten_kota')`).Scan(&upperLevels); err != nil || upperLevels != 0 {
		t.Errorf("after one down: %d of provinsi and kabupaten_kota left (%v)", upperLevels, err)
	}
	if err := postgis.Migrate(ctx, db, postgis.MigrateDown); err != nil {
		t.Fatal(err)
	}
	var neighbourViews int
	if err := db.QueryRow(`SELECT count(*) FROM pg_matviews WHERE matviewname = 'kelurahan_neighbour'`).Scan(&neighbourViews); err != nil || neighbourViews != 0 {
		t.Errorf("after one down: kelurahan_neighbour is still there (%v)", err)
	}
	if err := postgis.Migrate(ctx, db, postgis.MigrateDown); err != nil {
		t.Fatal(err)
	}
	var changeLogs int
	if err := db.QueryRow(`SELECT count(*) FROM information_schema.tables
		WHERE table_schema = 'public' AND table_name = 'change_log'`).Scan(&changeLogs); err != nil || changeLogs != 0 {
		t.Errorf("after two downs: change_log is still there (%v)", err)
	}
	if err := postgis.Migrate(ctx, db, postgis.MigrateDown); err != nil {
		t.Fatal(err)
	}
	var utmColumns int
	if err := db.QueryRow(`SELECT count(*) FROM information_schema.columns
		WHERE table_schema = 'public' AND table_name = 'project' AND column_name = 'geom_utm'`).Scan(&utmColumns); err != nil || utmColumns != 0 {
		t.Errorf("after three downs: project.geom_utm is still there (%v)", err)
	}
	if err := postgis.Migrate(ctx, db, postgis.MigrateDown); err != nil {
		t.Fatal(err)
	}
	wantTables(t, db, tables...)
	var writeTables int
	if err := db.QueryRow(`SELECT count(*) FROM information_schema.tables
		WHERE table_schema = 'public' AND table_name IN ('api_token', 'audit_log')`).Scan(&writeTables); err != nil || writeTables != 0 {
		t.Errorf("after four downs: %d of the write tables left (%v)", writeTables, err)
	}
	if err := postgis.Migrate(ctx, db, postgis.MigrateDown); err != nil {
		t.Fatal(err)
	}
	wantTables(t, db, "kecamatan", "kelurahan")
	if err := postgis.Migrate(ctx, db, postgis.MigrateReset); err != nil {
		t.Fatal(err)
	}
	wantTables(t, db)

	if err := postgis.Migrate(ctx, db, postgis.MigrateUp); err != nil {
		t.Fatal(err)
	}
	wantTables(t, db, tables...)
	// Up again has nothing to do.
	var out strings.Builder
	if err := postgis.MigrateVerbose(ctx, db, postgis.MigrateUp, &out); err != nil || !strings.Contains(out.String(), "nothing to do") {
		t.Errorf("second up: %q, %v", out.String(), err)
	}
	out.Reset()
	// Every migration listed is applied (versions need not be consecutive).
	if err := postgis.MigrationStatus(ctx, db, &out); err != nil || strings.Count(out.String(), "applied") != strings.Count(out.String(), ".sql") ||
		!strings.Contains(out.String(), fmt.Sprintf("%05d", latest)) {
		t.Errorf("status: %q, %v", out.String(), err)
	}
	if err := postgis.Migrate(ctx, db, "sideways"); err == nil {
		t.Error("unknown command: no error")
	}
}

func wantTables(t *testing.T, db *sql.DB, want ...string) {
	t.Helper()
	var got []string
	rows, err := db.Query(`SELECT table_name FROM information_schema.tables
		WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
		AND table_name IN ('kecamatan', 'kelurahan', 'forum', 'forum_kelurahan', 'project', 'activity')
		ORDER BY table_name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		got = append(got, n)
	}
	sorted := slices.Sorted(slices.Values(want))
	if strings.Join(got, ",") != strings.Join(sorted, ",") {
		t.Errorf("tables = %v, want %v", got, sorted)
	}
}

func TestSeedIsIdempotent(t *testing.T) {
	ctx := context.Background()
	u := postgistest.NewSeeded(t)
	db := openSQL(t, u)
	first := tableSums(t, db)
	for _, table := range tables {
		if first[table].rows == 0 {
			t.Errorf("%s: no rows after seeding", table)
		}
	}
	ds, err := dataset.Load(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	if err := postgis.Seed(ctx, db, ds); err != nil {
		t.Fatal(err)
	}
	second := tableSums(t, db)
	for _, table := range tables {
		if first[table] != second[table] {
			t.Errorf("%s changed on the second seed: %+v, then %+v", table, first[table], second[table])
		}
	}

	// A changed record is updated, and its version bumped.
	ds.Projects[0].Title += " (revisi)"
	ds.Forums[0].KelurahanCodes = ds.Forums[0].KelurahanCodes[:1]
	if err := postgis.Seed(ctx, db, ds); err != nil {
		t.Fatal(err)
	}
	var title string
	var version int
	if err := db.QueryRow(`SELECT title, version FROM project WHERE id = $1`, ds.Projects[0].ID).Scan(&title, &version); err != nil {
		t.Fatal(err)
	}
	if title != ds.Projects[0].Title || version != 2 {
		t.Errorf("changed project: title %q version %d, want %q version 2", title, version, ds.Projects[0].Title)
	}
	var served int
	if err := db.QueryRow(`SELECT count(*) FROM forum_kelurahan WHERE forum_id = $1`, ds.Forums[0].ID).Scan(&served); err != nil {
		t.Fatal(err)
	}
	if served != 1 {
		t.Errorf("forum %s serves %d kelurahan after reseeding with one", ds.Forums[0].ID, served)
	}
	third := tableSums(t, db)
	if third["activity"] != first["activity"] || third["kelurahan"] != first["kelurahan"] {
		t.Error("reseeding a changed project touched unrelated tables")
	}
}

type tableSum struct {
	rows int
	md5  string
}

// tableSums counts the rows of every table and hashes their text, in key
// order, versions included.
func tableSums(t *testing.T, db *sql.DB) map[string]tableSum {
	t.Helper()
	out := map[string]tableSum{}
	for _, table := range tables {
		var s tableSum
		// The table name comes from the fixed list above.
		q := fmt.Sprintf(`SELECT count(*), coalesce(md5(string_agg(x::text, '|' ORDER BY x::text COLLATE "C")), '')
			FROM %s x`, pq.QuoteIdentifier(table))
		if err := db.QueryRow(q).Scan(&s.rows, &s.md5); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		out[table] = s
	}
	return out
}

func TestStatementTimeout(t *testing.T) {
	u := postgistest.URL(t)
	s, err := postgis.Open(context.Background(), postgis.Config{URL: u, StatementTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	_, err = s.DB().ExecContext(context.Background(), `SELECT pg_sleep(5)`)
	var pqErr *pq.Error
	if !errors.As(err, &pqErr) || pqErr.Code != "57014" { // query_canceled
		t.Fatalf("pg_sleep(5) with a 100ms timeout: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("cancelled after %v", d)
	}
	var setting string
	if err := s.DB().Get(&setting, `SHOW statement_timeout`); err != nil || setting != "100ms" {
		t.Errorf("statement_timeout = %q (%v), want 100ms", setting, err)
	}
}

func TestConnectRetryGivesUp(t *testing.T) {
	// A port that was free a moment ago: nothing listens there.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	tests := []struct {
		name   string
		window time.Duration
		min    time.Duration
	}{
		{"once", 0, 0},
		{"retries until the deadline", 1500 * time.Millisecond, 1200 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			s, err := postgis.Open(context.Background(), postgis.Config{
				URL:          "postgres://serasi@" + addr + "/serasi?sslmode=disable&connect_timeout=1",
				ConnectRetry: tc.window,
			})
			took := time.Since(start)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded on a closed port")
			}
			if took < tc.min || took > tc.window+2*time.Second {
				t.Errorf("gave up after %v, want between %v and %v", took, tc.min, tc.window+2*time.Second)
			}
			if !strings.Contains(err.Error(), "connect") {
				t.Errorf("error %q does not say it could not connect", err)
			}
		})
	}
}

// A database that comes up after the API starts is waited for: the port
// opens (as a proxy to the test server) a second after Open starts trying.
func TestConnectRetryWaitsForTheDatabase(t *testing.T) {
	target, err := url.Parse(postgistest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	go func() {
		time.Sleep(time.Second)
		l, err := net.Listen("tcp", addr)
		if err != nil {
			t.Errorf("proxy: %v", err)
			return
		}
		t.Cleanup(func() { l.Close() })
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go proxy(c, target.Host)
		}
	}()

	u := *target
	u.Host = addr
	start := time.Now()
	s, err := postgis.Open(context.Background(), postgis.Config{URL: u.String(), ConnectRetry: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if took := time.Since(start); took < time.Second {
		t.Errorf("connected after %v, before the port opened", took)
	}
	if err := s.Ping(context.Background()); err != nil {
		t.Error(err)
	}
}

func proxy(c net.Conn, to string) {
	defer c.Close()
	up, err := net.Dial("tcp", to)
	if err != nil {
		return
	}
	defer up.Close()
	done := make(chan struct{}, 2)
	go func() { io.Copy(up, c); done <- struct{}{} }()
	go func() { io.Copy(c, up); done <- struct{}{} }()
	<-done
}

func TestOpenRejectsBadConfig(t *testing.T) {
	for _, u := range []string{"", "postgres://%zz"} {
		if s, err := postgis.Open(context.Background(), postgis.Config{URL: u}); err == nil {
			s.Close()
			t.Errorf("Open(%q): no error", u)
		}
	}
}

func openSQL(t *testing.T, u string) *sql.DB {
	t.Helper()
	db, err := sql.Open("postgres", u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// 100,000 synthetic projects (points around the kelurahan centroids) seed in
// seconds, and a second seed of them changes nothing.
func TestSeedManyProjects(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 100,000 projects")
	}
	ctx := context.Background()
	u := postgistest.NewSeeded(t)
	db := openSQL(t, u)
	ds, err := dataset.Load(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	const n = 100_000
	rng := rand.New(rand.NewPCG(1, 2))
	kinds := domain.ProjectKinds
	for i := range n {
		k := ds.Kelurahans[rng.IntN(len(ds.Kelurahans))]
		c := k.Centroid
		ds.Projects = append(ds.Projects, domain.Project{
			ID: fmt.Sprintf("syn-%06d", i), Title: fmt.Sprintf("Proyek sintetis %d", i),
			Kind:          kinds[rng.IntN(len(kinds))],
			Geometry:      orb.Point{c[0] + (rng.Float64()-0.5)*0.002, c[1] + (rng.Float64()-0.5)*0.002},
			KelurahanCode: k.Code, Year: 2015 + rng.IntN(10), BudgetRupiah: rng.Int64N(1_000_000_000),
			Status: domain.ProjectPlanned, Beneficiaries: rng.IntN(1000),
		})
	}
	start := time.Now()
	if err := postgis.Seed(ctx, db, ds); err != nil {
		t.Fatal(err)
	}
	first := time.Since(start)
	var count int
	if err := db.QueryRow(`SELECT count(*) FROM project`).Scan(&count); err != nil {
		t.Fatal(err)
	}
	if want := len(ds.Projects); count != want {
		t.Errorf("%d projects in the database, want %d", count, want)
	}
	before := tableSums(t, db)["project"]
	start = time.Now()
	if err := postgis.Seed(ctx, db, ds); err != nil {
		t.Fatal(err)
	}
	again := time.Since(start)
	if after := tableSums(t, db)["project"]; after != before {
		t.Error("the second seed changed projects")
	}
	t.Logf("seeded %d projects in %v; seeding them again took %v", count, first, again)
	if first > 60*time.Second {
		t.Errorf("seeding took %v", first)
	}

	// The nearest search stays exact on a dense set: compare with brute force
	// over the database's own distances.
	s := postgistest.Open(t, u)
	p := ds.Kelurahans[0].Centroid
	got, err := s.NearestProjects(ctx, p, 25, nil)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	rows, err := db.Query(`SELECT id FROM project
		ORDER BY ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography), id LIMIT 25`, p[0], p[1])
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		want = append(want, id)
	}
	gotIDs := make([]string, len(got))
	for i, h := range got {
		gotIDs[i] = h.ID
	}
	if !slices.Equal(gotIDs, want) {
		t.Errorf("nearest 25:\n got %v\nwant %v", gotIDs, want)
	}
}

// Values from callers are bound, never spliced into SQL.
func TestHostileStrings(t *testing.T) {
	ctx := context.Background()
	s := postgistest.Open(t, postgistest.NewSeeded(t))
	hostile := []string{`x'; DROP TABLE forum; --`, `%`, `_`, `\`, `"`, "\x00", "\xff\xfe"}
	for _, h := range hostile {
		t.Run(fmt.Sprintf("%q", h), func(t *testing.T) {
			lookups := map[string]func() error{
				"Forum":     func() error { _, err := s.Forum(ctx, h); return err },
				"Project":   func() error { _, err := s.Project(ctx, h); return err },
				"Activity":  func() error { _, err := s.Activity(ctx, h); return err },
				"Kelurahan": func() error { _, err := s.Kelurahan(ctx, h); return err },
				"Kecamatan": func() error { _, err := s.Kecamatan(ctx, h); return err },
			}
			for name, lookup := range lookups {
				if err := lookup(); domain.ErrorCode(err) != domain.ENOTFOUND {
					t.Errorf("%s: %v, want not found", name, err)
				}
			}
			if ks, err := s.KelurahansByCodes(ctx, []string{h, "74.72.02.1001"}); err != nil || len(ks) != 1 {
				t.Errorf("KelurahansByCodes = %d, %v", len(ks), err)
			}
			if fs, err := s.Forums(ctx, domain.ForumFilter{KelurahanCode: h, KecamatanCode: h}); err != nil || len(fs) != 0 {
				t.Errorf("Forums = %d, %v", len(fs), err)
			}
			if as, err := s.Activities(ctx, domain.ActivityFilter{ForumID: h}, domain.Page{Limit: 5}); err != nil || as.TotalCount != 0 {
				t.Errorf("Activities = %d, %v", as.TotalCount, err)
			}
			ks, err := s.Kelurahans(ctx, domain.KelurahanFilter{NameContains: h})
			if err != nil || len(ks) != 0 {
				t.Errorf("Kelurahans(name %q) = %d, %v", h, len(ks), err)
			}
			page, err := s.Projects(ctx, domain.ProjectFilter{ForumID: h, KelurahanCodes: []string{h}}, domain.ProjectOrder{}, domain.Page{Limit: 10})
			if err != nil || page.TotalCount != 0 {
				t.Errorf("Projects = %d, %v", page.TotalCount, err)
			}
		})
	}
	fs, err := s.Forums(ctx, domain.ForumFilter{})
	if err != nil || len(fs) == 0 {
		t.Errorf("forums after the hostile strings: %d, %v", len(fs), err)
	}
}

// TestKelurahanExtent checks that the bound every write is checked against
// (kelurahan_extent, kept by a trigger) is the bound of the kelurahan
// vertices after the seed and after a kelurahan changes.
func TestKelurahanExtent(t *testing.T) {
	db := openSQL(t, postgistest.NewSeeded(t))
	type bound struct{ MinX, MinY, MaxX, MaxY float64 }
	vertices := func() (b bound) {
		t.Helper()
		if err := db.QueryRow(`SELECT min(ST_X(d.geom)), min(ST_Y(d.geom)), max(ST_X(d.geom)), max(ST_Y(d.geom))
			FROM kelurahan k, ST_DumpPoints(k.geom) d`).Scan(&b.MinX, &b.MinY, &b.MaxX, &b.MaxY); err != nil {
			t.Fatal(err)
		}
		return b
	}
	kept := func() (b bound) {
		t.Helper()
		if err := db.QueryRow(`SELECT min_x, min_y, max_x, max_y FROM kelurahan_extent`).
			Scan(&b.MinX, &b.MinY, &b.MaxX, &b.MaxY); err != nil {
			t.Fatal(err)
		}
		return b
	}
	before := vertices()
	if got := kept(); got != before {
		t.Fatalf("after the seed: kelurahan_extent %+v, the vertices %+v", got, before)
	}
	if _, err := db.Exec(`UPDATE kelurahan SET geom = ST_Translate(geom, 0.5, 0) WHERE code = (SELECT max(code) FROM kelurahan)`); err != nil {
		t.Fatal(err)
	}
	after := vertices()
	if after.MaxX <= before.MaxX {
		t.Fatalf("the translated kelurahan did not move the bound: %+v", after)
	}
	if got := kept(); got != after {
		t.Errorf("after an update: kelurahan_extent %+v, the vertices %+v", got, after)
	}
}
