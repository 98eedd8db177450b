package postgis_test

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/geobuild"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/postgis"
	"github.com/serasi/serasi/internal/store/postgis/postgistest"
	"github.com/serasi/serasi/internal/store/storetest"
)

// benchProjects is the size of the synthetic data the benchmarks query, as
// in scripts/load (issue #3).
const benchProjects = 100_000

// benchStore creates a database seeded with the sample data plus
// benchProjects synthetic projects and opens a store on it.
func benchStore(b *testing.B) *postgis.Store {
	b.Helper()
	postgistest.URL(b) // skips without TEST_DATABASE_URL
	u := postgistest.NewDatabase(b)
	ds, err := dataset.Load(geodata.FS)
	if err != nil {
		b.Fatal(err)
	}
	ds.Projects = append(ds.Projects, geobuild.SyntheticProjects(ds, benchProjects, 1)...)
	db, err := sql.Open("postgres", u)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := postgis.Migrate(ctx, db, postgis.MigrateUp); err != nil {
		b.Fatal(err)
	}
	if err := postgis.Seed(ctx, db, ds); err != nil {
		b.Fatal(err)
	}
	// Fresh statistics, as autovacuum would have gathered by the time a
	// real server answers.
	if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	return postgistest.Open(b, u)
}

// benchPoints returns n random points over the land part of Kota Baubau,
// the box scripts/load/graphql.lua draws from, with a fixed seed.
func benchPoints(n int) []orb.Point {
	rng := rand.New(rand.NewPCG(1, 2))
	pts := make([]orb.Point, n)
	for i := range pts {
		pts[i] = orb.Point{122.52 + rng.Float64()*0.20, -5.58 + rng.Float64()*0.23}
	}
	return pts
}

// BenchmarkPostGIS measures the three queries of the load test one at a
// time (latency, not throughput) over benchProjects synthetic projects.
//
//	scripts/pgtest run -- go test -run '^$' -bench PostGIS ./internal/store/postgis/
func BenchmarkPostGIS(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	pts := benchPoints(1024)
	// Every connection of the pool warms up first: a backend's first
	// PostGIS call loads caches (projections, spheroid) that later calls
	// reuse.
	for _, p := range pts[:64] {
		if _, err := s.NearestProjects(ctx, p, 10, nil); err != nil {
			b.Fatal(err)
		}
	}

	b.Run("KelurahanAt", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			_, err := s.KelurahanAt(ctx, pts[i%len(pts)])
			if err != nil && domain.ErrorCode(err) != domain.ENOTFOUND {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("ProjectsNear500m", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			f := domain.ProjectFilter{Near: &domain.Near{Point: pts[i%len(pts)], RadiusMeters: 500}}
			o := domain.ProjectOrder{Field: domain.OrderByDistance}
			if _, err := s.Projects(ctx, f, o, domain.Page{Limit: 20}); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("NearestProjects10", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := s.NearestProjects(ctx, pts[i%len(pts)], 10, nil); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// BenchmarkApplyBatch100k measures one import of 100,000 projects (goal
// ≤ 15 s), each into a fresh seeded database:
//
//	scripts/pgtest run -- go test -run '^$' -bench ApplyBatch -benchtime 1x ./internal/store/postgis/
func BenchmarkApplyBatch100k(b *testing.B) {
	storetest.BenchmarkBatch(b, 100_000, func(b *testing.B) store.FlowStore {
		return postgistest.Open(b, postgistest.NewSeeded(b))
	})
}

// BenchmarkWrites: single-record writes, one transaction each.
//
//	scripts/pgtest run -- go test -run '^$' -bench Writes ./internal/store/postgis/
func BenchmarkWrites(b *testing.B) {
	storetest.BenchmarkWrites(b, func(b *testing.B) store.ReadWriter {
		return postgistest.Open(b, postgistest.NewSeeded(b))
	})
}

// BenchmarkWriteFeed measures what the change feed costs a write: the same
// single-record writes (storetest.BenchmarkWrites: create, update, 8
// writers per CPU creating) on two stores over one seeded database, one
// with the feed and one without (postgis.WithoutChangeFeed), in
// writeFeedRounds rounds that interleave them (go test's -count would run
// each leaf's repetitions back to back; -feedrounds sets how many):
//
//	scripts/pgtest run -- go test -run '^$' -bench WriteFeed -benchtime 300x ./internal/store/postgis/
func BenchmarkWriteFeed(b *testing.B) {
	u := postgistest.NewSeeded(b)
	with := postgistest.Open(b, u)
	without := postgistest.Open(b, u)
	postgis.WithoutChangeFeed(without)
	db, err := sql.Open("postgres", u)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	// Each round also logs the CPU time (cpuClock) that its writes took,
	// feed and no feed: the same writes, so their ratio is the feed's cost
	// in CPU, which load on a shared machine disturbs less than wall time.
	run := func(name string, s store.ReadWriter) time.Duration {
		before, ok := cpuClock(context.Background(), db)
		b.Run(name, func(b *testing.B) {
			storetest.BenchmarkWrites(b, func(b *testing.B) store.ReadWriter { return s })
		})
		after, ok2 := cpuClock(context.Background(), db)
		if !ok || !ok2 {
			return 0
		}
		return after - before
	}
	for r := range *writeFeedRounds {
		feed := run(fmt.Sprintf("round%d/feed", r+1), with)
		noFeed := run(fmt.Sprintf("round%d/nofeed", r+1), without)
		if feed > 0 && noFeed > 0 {
			// Printed, not logged: go test shows no log of a benchmark
			// that has sub-benchmarks.
			fmt.Printf("BenchmarkWriteFeed/round%d cpu feed %v nofeed %v ratio %.3f\n", r+1, feed.Round(time.Millisecond),
				noFeed.Round(time.Millisecond), float64(feed)/float64(noFeed))
		}
	}
}

// writeFeedRounds is how many rounds BenchmarkWriteFeed interleaves: on a
// shared machine more, shorter rounds give steadier medians.
var writeFeedRounds = flag.Int("feedrounds", 5, "rounds of BenchmarkWriteFeed")

// cpuClock is the CPU time used so far by this process plus the
// PostgreSQL cluster that db's connections reach: its postmaster, the
// children it runs (backends, WAL writer, checkpointer, ...) and those it
// has reaped. ok is false unless the server runs on this machine and
// Linux's /proc tells. On a shared machine CPU time is a steadier measure
// of a write's cost than wall time, though not of waiting for locks.
func cpuClock(ctx context.Context, db *sql.DB) (cpu time.Duration, ok bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	var backend int
	if err := db.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&backend); err != nil {
		return 0, false
	}
	pm, _, ok := procStat(backend)
	if !ok {
		return 0, false
	}
	if _, ticks, ok := procStat(pm); ok {
		cpu += ticks
	} else {
		return 0, false
	}
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		return 0, false
	}
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		if ppid, ticks, ok := procStat(pid); ok && ppid == pm {
			cpu += ticks
		}
	}
	return cpu, true
}

// procStat reads a postgres process's parent and its CPU time with its
// reaped children's from /proc/pid/stat; ok is false for another program.
func procStat(pid int) (ppid int, cpu time.Duration, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, false
	}
	s := string(b)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open || s[open+1:end] != "postgres" {
		return 0, 0, false
	}
	// After "(comm)": state ppid ... utime(14) stime(15) cutime(16) cstime(17).
	f := strings.Fields(s[end+1:])
	if len(f) < 15 {
		return 0, 0, false
	}
	ppid, _ = strconv.Atoi(f[1])
	var ticks int64
	for _, x := range f[11:15] {
		n, _ := strconv.ParseInt(x, 10, 64)
		ticks += n
	}
	const userHZ = 100 // Linux's clock ticks per second in /proc
	return ppid, time.Duration(ticks) * time.Second / userHZ, true
}
