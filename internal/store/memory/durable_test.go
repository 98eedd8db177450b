package memory_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/memory"
)

var (
	testEditor = domain.Actor{TokenID: "tokeditor", Name: "editor", Role: domain.RoleEditor}
	testAdmin  = domain.Actor{Name: "cli", Role: domain.RoleAdmin}
	wale       = orb.Point{122.6077, -5.4560}
)

func roadInput(title string, i int) domain.ProjectInput {
	d := float64(i%50) * 1e-5
	start := orb.Point{wale[0] + d, wale[1]}
	return domain.ProjectInput{
		Title: title, Kind: domain.VillageRoad, Geometry: orb.LineString{start, {start[0] + 0.0003, start[1] + 0.0002}},
		Year: 2024, BudgetRupiah: int64(1000 + i), Status: domain.ProjectPlanned, Beneficiaries: i,
	}
}

// TestReopen writes, closes and reopens: every change is there, the
// indexes answer from it, and the seed is not applied twice.
func TestReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := memory.Open(geodata.FS, dir)
	if err != nil {
		t.Fatal(err)
	}
	created, err := s.CreateProject(ctx, testEditor, roadInput("Jalan baru", 7))
	if err != nil {
		t.Fatal(err)
	}
	in := roadInput("Jalan baru, diperluas", 7)
	updated, err := s.UpdateProject(ctx, testEditor, created.ID, 1, in)
	if err != nil {
		t.Fatal(err)
	}
	seeded, err := s.Project(ctx, "prj-001")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteProject(ctx, testEditor, seeded.ID, seeded.Version); err != nil {
		t.Fatal(err)
	}
	forum, err := s.ArchiveForum(ctx, testEditor, "fks-2015-wale", 1)
	if err != nil {
		t.Fatal(err)
	}
	act, err := s.CreateActivity(ctx, testEditor, domain.ActivityInput{Title: "Dialog", ForumID: "fks-2015-wale",
		Kind: domain.Dialogue, Date: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), Participants: 9})
	if err != nil {
		t.Fatal(err)
	}
	_, plain, err := s.CreateToken(ctx, testAdmin, "gis", domain.RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	auditBefore, err := s.AuditLog(ctx, domain.AuditFilter{}, domain.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateProject(ctx, testEditor, roadInput("after close", 1)); err == nil {
		t.Error("a write after Close succeeded")
	}

	r := openDurable(t, dir)
	got, err := r.Project(ctx, created.ID)
	if err != nil || got.Version != 2 || got.Title != updated.Title || !orb.Equal(got.Geometry, updated.Geometry) {
		t.Errorf("reopened project: %+v, %v", got, err)
	}
	if _, err := r.Project(ctx, seeded.ID); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("deleted seed project after reopening: %v (the seed must not come back)", err)
	}
	if f, err := r.Forum(ctx, forum.ID); err != nil || f.Status != domain.ForumInactive || f.Version != 2 {
		t.Errorf("reopened forum: %+v, %v", f, err)
	}
	if a, err := r.Activity(ctx, act.ID); err != nil || a.KelurahanCode != "74.72.02.1001" {
		t.Errorf("reopened activity: %+v, %v", a, err)
	}
	hits, err := r.NearestProjects(ctx, in.Geometry.(orb.LineString)[0], 1, nil)
	if err != nil || len(hits) != 1 || hits[0].ID != created.ID {
		t.Errorf("the R-tree after reopening: %+v, %v", hits, err)
	}
	if a, err := r.AuthenticateToken(ctx, plain); err != nil || a.Name != "gis" {
		t.Errorf("token after reopening: %+v, %v", a, err)
	}
	auditAfter, err := r.AuditLog(ctx, domain.AuditFilter{}, domain.Page{Limit: 100})
	if err != nil || auditAfter.TotalCount != auditBefore.TotalCount || auditAfter.TotalCount != 6 {
		t.Errorf("audit after reopening: %d entries, before %d, %v", auditAfter.TotalCount, auditBefore.TotalCount, err)
	}
	for i := range auditAfter.Items {
		a, b := auditAfter.Items[i], auditBefore.Items[i]
		if a.ID != b.ID || !a.At.Equal(b.At) || string(a.After) != string(b.After) || string(a.Before) != string(b.Before) {
			t.Errorf("audit entry %d changed: %+v, was %+v", i, a, b)
		}
	}
	// The ids keep counting from where they were.
	if _, err := r.CreateProject(ctx, testEditor, roadInput("one more", 3)); err != nil {
		t.Fatal(err)
	}
	last, _ := r.AuditLog(ctx, domain.AuditFilter{}, domain.Page{Limit: 1})
	if last.Items[0].ID != auditBefore.Items[0].ID+1 {
		t.Errorf("audit id %d after %d", last.Items[0].ID, auditBefore.Items[0].ID)
	}
}

// TestOpenTwice: a data directory belongs to one process (one store).
func TestOpenTwice(t *testing.T) {
	dir := t.TempDir()
	openDurable(t, dir)
	start := time.Now()
	if s, err := memory.Open(geodata.FS, dir); err == nil {
		s.Close()
		t.Fatal("opened a data directory that is in use")
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("took %s to refuse", time.Since(start))
	}
}

// crashEnv makes the test binary a child that writes until it is killed.
const crashEnv = "SERASI_CRASH_CHILD_DIR"

// TestCrashChild is the child of TestKillDuringWrites; run alone it skips.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashEnv)
	if dir == "" {
		t.Skip("run by TestKillDuringWrites")
	}
	s, err := memory.Open(geodata.FS, dir)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	ctx := context.Background()
	for i := 0; ; i++ {
		in := roadInput(fmt.Sprintf("crash %d", i), i)
		in.ID = fmt.Sprintf("prj-crash-%d", i)
		// Half the writes are updates, which rewrite a record in place.
		if i%2 == 1 {
			prev, err := s.Project(ctx, fmt.Sprintf("prj-crash-%d", i-1))
			if err != nil {
				fmt.Println("error", err)
				os.Exit(2)
			}
			up := roadInput(fmt.Sprintf("crash %d updated", i-1), i)
			if _, err := s.UpdateProject(ctx, testEditor, prev.ID, prev.Version, up); err != nil {
				fmt.Println("error", err)
				os.Exit(2)
			}
			fmt.Printf("ack update %s\n", prev.ID)
			continue
		}
		if _, err := s.CreateProject(ctx, testEditor, in); err != nil {
			fmt.Println("error", err)
			os.Exit(2)
		}
		// Written to the pipe only after the write returned (fsynced).
		fmt.Printf("ack create %s\n", in.ID)
	}
}

// TestKillDuringWrites runs a child process that writes and acknowledges
// each write on stdout, SIGKILLs it mid-stream, and reopens the data
// directory: every acknowledged write is there, whole, and the file opens.
func TestKillDuringWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	const acksBeforeKill = 60
	created := map[string]bool{}
	updated := map[string]bool{}
	sc := bufio.NewScanner(out)
	n := 0
	for sc.Scan() && n < acksBeforeKill {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 3 && f[0] == "ack" && f[1] == "create":
			created[f[2]] = true
		case len(f) == 3 && f[0] == "ack" && f[1] == "update":
			updated[f[2]] = true
		case len(f) > 0 && f[0] == "error":
			t.Fatalf("child: %s", sc.Text())
		default:
			continue
		}
		n++
	}
	// Kill it while it is writing (it never stops by itself).
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if n < acksBeforeKill {
		t.Fatalf("the child acknowledged only %d writes", n)
	}

	ctx := context.Background()
	s := openDurable(t, dir)
	for id := range created {
		p, err := s.Project(ctx, id)
		if err != nil {
			t.Errorf("acknowledged %s is missing: %v", id, err)
			continue
		}
		want := 1
		if updated[id] {
			want = 2
		}
		if p.Version < want {
			t.Errorf("%s at version %d, but version %d was acknowledged", id, p.Version, want)
		}
		if p.Version == 2 && !strings.HasSuffix(p.Title, "updated") {
			t.Errorf("%s: version 2 with title %q (half written?)", id, p.Title)
		}
	}
	// Every record and audit entry in the file reads back whole.
	page, err := s.Projects(ctx, domain.ProjectFilter{}, domain.ProjectOrder{}, domain.Page{Limit: store.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	crashRecords := 0
	for _, h := range page.Items {
		if strings.HasPrefix(h.ID, "prj-crash-") {
			crashRecords++
			if h.KelurahanCode == "" || h.Geometry == nil || h.Version < 1 {
				t.Errorf("half-written record %+v", h.Project)
			}
		}
	}
	audit, err := s.AuditLog(ctx, domain.AuditFilter{RecordType: domain.RecordProject}, domain.Page{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	// One entry per committed write: the records and the trail agree.
	versions := 0
	for _, h := range page.Items {
		if strings.HasPrefix(h.ID, "prj-crash-") {
			versions += h.Version
		}
	}
	if audit.TotalCount != versions {
		t.Errorf("%d audit entries for %d committed writes", audit.TotalCount, versions)
	}
	t.Logf("%d acknowledged writes; %d crash records and %d audit entries in the file after SIGKILL", n, crashRecords, audit.TotalCount)
}
