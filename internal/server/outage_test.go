package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/server"
	"github.com/serasi/serasi/internal/store/postgis"
	"github.com/serasi/serasi/internal/store/postgis/postgistest"
)

// ownCluster starts a PostgreSQL cluster of the test's own with
// scripts/pgtest (stopping the shared one would fail every other package
// testing at the same time) and returns its URL and directory, for
// pgtest pause and resume.
func ownCluster(t *testing.T) (url, dir string) {
	t.Helper()
	postgistest.URL(t) // skips without PostGIS (fails under CI=true), as every PostGIS test
	out, err := exec.Command("../../scripts/pgtest", "start").Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		// TEST_DATABASE_URL may name a server elsewhere, with no
		// PostgreSQL to start here: only CI must have one.
		if os.Getenv("CI") != "true" {
			t.Skipf("pgtest start: %v\n%s", err, stderr)
		}
		t.Fatalf("pgtest start: %v\n%s", err, stderr)
	}
	for line := range strings.SplitSeq(string(out), "\n") {
		k, v, _ := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		// Bash's printf %q escapes ? and = with a backslash; neither value
		// holds a backslash of its own.
		v = strings.ReplaceAll(v, `\`, "")
		switch k {
		case "TEST_DATABASE_URL":
			url = strings.Trim(v, `'"`)
		case "PGTEST_DIR":
			dir = strings.Trim(v, `'"`)
		}
	}
	if url == "" || dir == "" {
		t.Fatalf("pgtest start printed %q", out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("../../scripts/pgtest", "stop", dir).CombinedOutput(); err != nil {
			t.Errorf("pgtest stop: %v\n%s", err, out)
		}
	})
	return url, dir
}

func pgtest(t *testing.T, cmd, dir string) {
	t.Helper()
	if out, err := exec.Command("../../scripts/pgtest", cmd, dir).CombinedOutput(); err != nil {
		t.Fatalf("pgtest %s: %v\n%s", cmd, err, out)
	}
}

// outcome is what one request of the load got.
type outcome struct {
	status     int
	code       string // extensions.code of the first error
	retryAfter string
	projectID  string // of an acknowledged createProject
}

// TestDatabaseOutage stops PostgreSQL under a small load of reads and
// writes with a valid token and starts it again: while it is down every
// request is 503 UNAVAILABLE with Retry-After (never INTERNAL, never
// UNAUTHENTICATED) and /readyz is 503; afterwards both recover, and every
// write that was acknowledged is in the database.
func TestDatabaseOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and stops a PostgreSQL cluster")
	}
	base, dir := ownCluster(t)
	t.Setenv(postgistest.EnvURL, base)
	u := postgistest.NewSeeded(t)
	st, err := postgis.Open(context.Background(), postgis.Config{URL: u, MaxOpenConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, token, err := st.CreateToken(context.Background(), domain.Actor{Name: "test", Role: domain.RoleAdmin}, "beban", domain.RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	var logs lockedBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv := httptest.NewServer(server.New(server.Config{RequestTimeout: 3 * time.Second, ReadyTimeout: time.Second}, st, logger))
	defer srv.Close()
	client := &http.Client{Timeout: 10 * time.Second}

	var n atomic.Int64
	do := func(read bool) outcome {
		i := n.Add(1)
		q := `{ kelurahanAt(lon: 122.6077, lat: -5.456) { name } }`
		if !read {
			q = fmt.Sprintf(`mutation { createProject(input: {title: "Uji padam %d", kind: HARMONY_MONUMENT, year: 2024, budgetRupiah: 1,
				status: PLANNED, geometry: {type: "Point", coordinates: [122.6077, -5.456]}}) { projectId } }`, i)
		}
		body, _ := json.Marshal(map[string]any{"query": q})
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := client.Do(req)
		if err != nil {
			return outcome{code: "transport: " + err.Error()}
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		var out struct {
			Data struct {
				CreateProject *struct{ ProjectID string }
			}
			Errors []struct {
				Extensions struct{ Code string }
			}
		}
		_ = json.Unmarshal(b, &out)
		o := outcome{status: res.StatusCode, retryAfter: res.Header.Get("Retry-After")}
		if len(out.Errors) > 0 {
			o.code = out.Errors[0].Extensions.Code
		} else if out.Data.CreateProject != nil {
			o.projectID = out.Data.CreateProject.ProjectID
		}
		return o
	}
	ready := func() int {
		res, err := client.Get(srv.URL + "/readyz")
		if err != nil {
			return 0
		}
		res.Body.Close()
		return res.StatusCode
	}

	// Four clients, reads and writes in turn, until told to stop; each
	// outcome is labelled with the phase it started in.
	var phase atomic.Value
	phase.Store("before")
	var (
		mu    sync.Mutex
		seen  = map[string][]outcome{}
		stop  = make(chan struct{})
		wg    sync.WaitGroup
		acked []string
	)
	for c := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				p := phase.Load().(string)
				o := do((c+i)%2 == 0)
				mu.Lock()
				seen[p] = append(seen[p], o)
				if o.projectID != "" {
					acked = append(acked, o.projectID)
				}
				mu.Unlock()
				time.Sleep(5 * time.Millisecond) // a small load: 4 clients, not a flood
			}
		}()
	}
	time.Sleep(500 * time.Millisecond)

	phase.Store("stopping")
	pgtest(t, "pause", dir)
	phase.Store("down")
	if s := ready(); s != http.StatusServiceUnavailable {
		t.Errorf("/readyz with the database down: %d, want 503", s)
	}
	time.Sleep(1500 * time.Millisecond)
	phase.Store("starting")
	pgtest(t, "resume", dir)
	deadline := time.Now().Add(30 * time.Second)
	for ready() != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("/readyz did not come back within 30 s of the database")
		}
		time.Sleep(100 * time.Millisecond)
	}
	phase.Store("after")
	time.Sleep(time.Second)
	close(stop)
	wg.Wait()

	for p, outs := range seen {
		ok, unavailable := 0, 0
		for _, o := range outs {
			switch {
			case o.status == http.StatusOK && o.code == "":
				ok++
			case o.status == http.StatusServiceUnavailable && o.code == "UNAVAILABLE" && o.retryAfter != "":
				unavailable++
			default:
				t.Errorf("%s: status %d code %q: want 200 or 503 UNAVAILABLE with Retry-After", p, o.status, o.code)
			}
		}
		t.Logf("%s: %d requests, %d answered, %d UNAVAILABLE", p, len(outs), ok, unavailable)
		switch p {
		case "down":
			if unavailable == 0 || ok > 0 {
				t.Errorf("down: %d answered, %d UNAVAILABLE; want only UNAVAILABLE", ok, unavailable)
			}
		case "before":
			// The last requests begun before the stop may meet it.
			if ok == 0 {
				t.Errorf("before: nothing answered")
			}
		case "after":
			// /readyz answered, so the pool reconnects: from then on the
			// last requests must all be answered.
			for _, o := range outs[max(0, len(outs)-40):] {
				if o.status != http.StatusOK || o.code != "" {
					t.Errorf("after: status %d code %q among the last requests", o.status, o.code)
					break
				}
			}
		}
	}

	// Nothing acknowledged is lost: every project a client was told about
	// is there, read through a connection of its own.
	check, err := postgis.Open(context.Background(), postgis.Config{URL: u})
	if err != nil {
		t.Fatal(err)
	}
	defer check.Close()
	for _, id := range acked {
		if _, err := check.Project(context.Background(), id); err != nil {
			t.Errorf("acknowledged project %s: %v", id, err)
		}
	}
	t.Logf("%d acknowledged writes, all in the database", len(acked))

	// An outage is a warning, not an error (which pages someone about a
	// bug) and not an authentication failure.
	for line := range strings.SplitSeq(logs.String(), "\n") {
		if strings.Contains(line, `"level":"ERROR"`) || strings.Contains(line, "authenticat") {
			t.Errorf("logged: %s", line)
			break
		}
	}
	if !strings.Contains(logs.String(), "store unavailable") {
		t.Error("the outage was not logged")
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
