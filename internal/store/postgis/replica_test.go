package postgis_test

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/postgis"
	"github.com/serasi/serasi/internal/store/postgis/postgistest"
	"github.com/serasi/serasi/internal/store/storetest"
)

// pgtest is scripts/pgtest, from this package's directory.
var pgtest = filepath.Join("..", "..", "..", "scripts", "pgtest")

// startReplica starts a streaming replica of the test cluster that holds
// the database of u (scripts/pgtest replica) and stops it when the test
// ends; it returns u on the replica and the replica's directory. Like every
// PostGIS test it skips without TEST_DATABASE_URL (fails under CI=true);
// with one it never skips.
func startReplica(t *testing.T, u string) (string, string) {
	t.Helper()
	pu, err := url.Parse(u)
	if err != nil || pu.Port() == "" {
		t.Fatalf("TEST_DATABASE_URL must be a postgres:// URL with a port (scripts/pgtest's): %q", u)
	}
	out, err := exec.Command(pgtest, "replica", pu.Port()).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("pgtest replica: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("pgtest replica: %v", err)
	}
	var ru, dir string
	for _, line := range strings.Split(string(out), "\n") {
		k, v, _ := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		v = strings.Trim(v, "'")
		switch k {
		case "TEST_REPLICA_URL":
			ru = v
		case "PGTEST_REPLICA_DIR":
			dir = v
		}
	}
	if ru == "" || dir == "" {
		t.Fatalf("pgtest replica printed %q", out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command(pgtest, "stop", dir).CombinedOutput(); err != nil {
			t.Errorf("pgtest stop %s: %v\n%s", dir, err, out)
		}
	})
	rp, err := url.Parse(ru)
	if err != nil {
		t.Fatal(err)
	}
	pu.Host = rp.Host
	return pu.String(), dir
}

// replicaSQL runs statements on the replica directly.
func replicaSQL(t *testing.T, ru string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("postgres", ru)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("replica: %s: %v", q, err)
		}
	}
}

// pauseReplay pauses the replica's replay and waits until it has stopped.
func pauseReplay(t *testing.T, ru string) {
	t.Helper()
	db, err := sql.Open("postgres", ru)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`SELECT pg_wal_replay_pause()`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "replay paused", 10*time.Second, func() bool {
		var state string
		err := db.QueryRow(`SELECT pg_get_wal_replay_pause_state()`).Scan(&state)
		return err == nil && state == "paused"
	})
}

func waitFor(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// openWithReplica opens a store that reads from ru and, when serving is
// set, waits until reads go to the replica.
func openWithReplica(t *testing.T, u, ru string, maxLag time.Duration, serving bool) *postgis.Store {
	t.Helper()
	s, err := postgis.Open(context.Background(), postgis.Config{URL: u, ReadURL: ru, MaxOpenConns: 4,
		ReplicaCheck: 50 * time.Millisecond, ReplicaMaxLag: maxLag})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if serving {
		waitFor(t, "replica serving", 20*time.Second, func() bool { return s.ReplicaStatus().Serving })
	}
	return s
}

var replicaEditor = domain.Actor{TokenID: "tokeditor", Name: "editor", Role: domain.RoleEditor}

// a monument in Wale, as storetest's writes use.
func replicaProject(title string) domain.ProjectInput {
	return domain.ProjectInput{Title: title, Kind: domain.HarmonyMonument, Geometry: orb.Point{122.6077, -5.4560},
		ForumID: "fks-2015-wale", Year: 2024, BudgetRupiah: 1, Status: domain.ProjectPlanned}
}

// TestReplica checks the routing of reads: with replay paused on the
// replica, a project written behind this store's back (through another
// store on the primary) is missing from its reads, which proves they come
// from the replica — by plain, prepared and KNN queries; its own write is
// read back at once (from the primary); a replica that lags beyond
// ReplicaMaxLag is skipped; and one that is stopped costs no failed read.
func TestReplica(t *testing.T) {
	u := postgistest.NewSeeded(t)
	ru, dir := startReplica(t, u)
	ctx := context.Background()
	other := postgistest.Open(t, u) // the primary only: another instance
	s := openWithReplica(t, u, ru, time.Minute, true)

	pauseReplay(t, ru)
	behind, err := other.CreateProject(ctx, replicaEditor, replicaProject("behind the replica"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Project(ctx, behind.ID); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Fatalf("Project(%s) on the paused replica = %v, want ENOTFOUND (reads must come from the replica)", behind.ID, err)
	}
	pt := behind.Geometry.(orb.Point)
	near, err := s.NearestProjects(ctx, pt, 1, []domain.ProjectKind{domain.HarmonyMonument})
	if err != nil {
		t.Fatal(err)
	}
	if len(near) > 0 && near[0].Project.ID == behind.ID {
		t.Fatalf("NearestProjects found %s: the prepared KNN query did not run on the replica", behind.ID)
	}
	if got, err := other.NearestProjects(ctx, pt, 1, []domain.ProjectKind{domain.HarmonyMonument}); err != nil || len(got) == 0 || got[0].Project.ID != behind.ID {
		t.Fatalf("on the primary NearestProjects = %v, %v; want %s first", got, err, behind.ID)
	}
	if _, err := s.KelurahanAt(ctx, pt); err != nil {
		t.Fatalf("KelurahanAt on the replica: %v", err)
	}

	// Read your writes: this store's own write is read back at once,
	// though the replica has not replayed it, and so is the one before.
	mine, err := s.CreateProject(ctx, replicaEditor, replicaProject("mine"))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{mine.ID, behind.ID} {
		if _, err := s.Project(ctx, id); err != nil {
			t.Fatalf("Project(%s) after this store's write: %v (must be read from the primary)", id, err)
		}
	}
	if st := s.ReplicaStatus(); !st.Usable || st.Serving {
		t.Fatalf("status %+v: want usable (within a minute's lag) but not serving this store (behind its write)", st)
	}

	// Lag: a store that tolerates 300 ms leaves the paused replica once the
	// unreplayed write is older than that.
	// (Opened while replay is paused, it never serves reads before the
	// replica has replayed past the moment it opened.)
	strict := openWithReplica(t, u, ru, 300*time.Millisecond, false)
	if _, err := other.CreateProject(ctx, replicaEditor, replicaProject("lagging")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "lag beyond 300 ms noticed", 10*time.Second, func() bool {
		st := strict.ReplicaStatus()
		return !st.CheckedAt.IsZero() && st.Err == nil && st.Lag > 300*time.Millisecond
	})
	if st := strict.ReplicaStatus(); st.Usable || st.Serving {
		t.Fatalf("status %+v: a replica beyond the lag limit is still used", st)
	}
	if _, err := strict.Project(ctx, behind.ID); err != nil {
		t.Fatalf("Project(%s) with the replica skipped for lag: %v", behind.ID, err)
	}

	// Replayed again: the replica catches up and serves reads again, and
	// what it serves now includes every write.
	replicaSQL(t, ru, `SELECT pg_wal_replay_resume()`)
	waitFor(t, "replica usable after replay", 20*time.Second, func() bool { return strict.ReplicaStatus().Usable })
	waitFor(t, "own writes replayed", 20*time.Second, func() bool { return s.ReplicaStatus().Serving })
	if _, err := s.Project(ctx, mine.ID); err != nil {
		t.Fatalf("Project(%s) from the replica after replay: %v", mine.ID, err)
	}

	// Down: stopped under the store, before a check has seen it, reads
	// fall back to the primary without an error.
	if out, err := exec.Command(pgtest, "pause", dir).CombinedOutput(); err != nil {
		t.Fatalf("pgtest pause: %v\n%s", err, out)
	}
	before := s.ReplicaStatus().Fallbacks
	if _, err := s.Project(ctx, behind.ID); err != nil {
		t.Fatalf("Project with the replica down: %v", err)
	}
	if _, err := s.KelurahanAt(ctx, pt); err != nil {
		t.Fatalf("KelurahanAt with the replica down: %v", err)
	}
	page, err := s.Projects(ctx, domain.ProjectFilter{}, domain.ProjectOrder{}, domain.Page{Limit: 5})
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("Projects with the replica down = %v, %v", page, err)
	}
	waitFor(t, "replica down noticed", 10*time.Second, func() bool {
		st := s.ReplicaStatus()
		return !st.Usable && st.Err != nil
	})
	if s.ReplicaStatus().Fallbacks == before && s.ReplicaStatus().Usable {
		t.Fatal("no read fell back and the replica still counts as usable")
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping (readiness follows the primary) with the replica down: %v", err)
	}
	if out, err := exec.Command(pgtest, "resume", dir).CombinedOutput(); err != nil {
		t.Fatalf("pgtest resume: %v\n%s", err, out)
	}
	waitFor(t, "replica usable after restart", 30*time.Second, func() bool { return s.ReplicaStatus().Usable })
}

// TestConformanceReplica runs the conformance suite on stores that read
// from a streaming replica: read-your-writes must hold for every check.
func TestConformanceReplica(t *testing.T) {
	u := postgistest.NewSeeded(t)
	ru, _ := startReplica(t, u)
	storetest.RunConformanceTests(t, func(t *testing.T) store.Store {
		return openWithReplica(t, u, ru, time.Minute, true)
	})
}
