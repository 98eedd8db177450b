package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestDurability runs the real binary on a data directory: tokens made
// with the CLI, acknowledged createProject mutations from concurrent
// clients, SIGKILL with writes still in flight, a restart on the same
// directory. Every acknowledged project must be back, each new project
// must have exactly its one audit entry and nothing else may appear.
func TestDurability(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := filepath.Join(t.TempDir(), "serasi")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := filepath.Join(t.TempDir(), "data")
	editor := cliToken(t, bin, dir, "editor")
	admin := cliToken(t, bin, dir, "admin")

	srv := startServe(t, bin, dir)
	seeded := projectIDs(t, srv.url, admin)

	// 8 clients create projects until 40 are acknowledged; the server is
	// killed at once, while the others' requests are still in flight.
	const clients, target = 8, 40
	var (
		mu      sync.Mutex
		acked   = map[string]string{} // id → title
		nAcked  atomic.Int32
		stop    = make(chan struct{})
		killed  sync.Once
		wg      sync.WaitGroup
		seq     atomic.Int32
		failure atomic.Value
	)
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				title := fmt.Sprintf("Tugu uji ketahanan %d", seq.Add(1))
				id, err := createProject(srv.url, editor, title)
				if err != nil {
					select {
					case <-stop: // the server is gone: expected
					default:
						failure.Store(err.Error())
					}
					return
				}
				mu.Lock()
				acked[id] = title
				mu.Unlock()
				if nAcked.Add(1) >= target {
					// Stop the writers first, then kill: a request
					// that dies in between must count as in flight,
					// not as a failure before the kill.
					killed.Do(func() {
						close(stop)
						_ = srv.cmd.Process.Signal(syscall.SIGKILL)
					})
					return
				}
			}
		}()
	}
	wg.Wait()
	_ = srv.cmd.Wait()
	if f := failure.Load(); f != nil {
		t.Fatalf("a write failed before the kill: %v", f)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(acked) < target {
		t.Fatalf("only %d writes acknowledged", len(acked))
	}

	srv = startServe(t, bin, dir)
	defer srv.stop(t)
	after := projectIDs(t, srv.url, admin)
	var created []string
	for _, id := range after {
		if !slices.Contains(seeded, id) {
			created = append(created, id)
		}
	}
	for id, title := range acked {
		if !slices.Contains(created, id) {
			t.Errorf("acknowledged project %s (%s) is gone after the restart", id, title)
			continue
		}
		var got struct {
			Project struct {
				Title   string
				Version int
			}
		}
		gql(t, srv.url, admin, `query($id: String!) { project(id: $id) { title version } }`, map[string]any{"id": id}, &got)
		if got.Project.Title != title || got.Project.Version != 1 {
			t.Errorf("project %s read back as %+v, want %q at version 1", id, got.Project, title)
		}
	}
	// Writes in flight at the kill may or may not have committed, but a
	// committed one is whole: a project with its audit entry, or neither.
	var audit struct {
		AuditLog struct {
			TotalCount int
			Edges      []struct {
				Node struct{ RecordID, Operation string }
			}
		}
	}
	gql(t, srv.url, admin, `{ auditLog(filter: {recordType: PROJECT}, first: 500) { totalCount edges { node { recordId operation } } } }`, nil, &audit)
	var audited []string
	for _, e := range audit.AuditLog.Edges {
		if e.Node.Operation != "CREATE" {
			t.Errorf("unexpected audit entry %+v", e.Node)
		}
		audited = append(audited, e.Node.RecordID)
	}
	slices.Sort(audited)
	slices.Sort(created)
	if !slices.Equal(audited, created) {
		t.Errorf("audited projects %v\nare not the new projects %v", audited, created)
	}
	t.Logf("%d writes acknowledged before SIGKILL, %d projects after the restart (%d in flight committed)",
		len(acked), len(created), len(created)-len(acked))
}

// cliToken creates a token with `serasi token create` and returns it.
func cliToken(t *testing.T, bin, dir, role string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, "token", "create", "--role", role, "--name", "durability "+role, "--data-dir", dir)
	cmd.Env = append(os.Environ(), "DATABASE_URL=")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("token create: %v\n%s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "srs_") {
		t.Fatalf("token create printed %q on stdout, want just the token", stdout.String())
	}
	if !strings.Contains(stderr.String(), "only time") {
		t.Errorf("token create's note on stderr: %q", stderr.String())
	}
	return lines[0]
}

type served struct {
	cmd *exec.Cmd
	url string
	// logs returns what the process wrote to stderr so far; all of it
	// once stderrDone is closed (wait for it before cmd.Wait, which closes
	// the pipe).
	logs       func() string
	stderrDone <-chan struct{}
}

var listening = regexp.MustCompile(`"msg":"listening","addr":"([^"]+)"`)

// startServe runs `serasi serve` on dir and a free port, and waits until it
// is ready.
func startServe(t testing.TB, bin, dir string, flags ...string) *served {
	t.Helper()
	return startServeWith(t, bin, []string{"DATABASE_URL="}, append([]string{"--data-dir", dir}, flags...)...)
}

// startServeWith runs `serasi serve` with args on a free port, env added
// to the test's environment, and waits until it is ready.
func startServeWith(t testing.TB, bin string, env []string, args ...string) *served {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Whatever happens to the test, the process does not outlive it.
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	addr := make(chan string, 1)
	var log bytes.Buffer
	var logMu sync.Mutex
	logs := func() string {
		logMu.Lock()
		defer logMu.Unlock()
		return log.String()
	}
	stderrDone := make(chan struct{})
	go func() {
		defer close(stderrDone)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			logMu.Lock()
			log.WriteString(sc.Text() + "\n")
			logMu.Unlock()
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
	}()
	select {
	case a := <-addr:
		return &served{cmd: cmd, url: "http://" + a, logs: logs, stderrDone: stderrDone}
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		logMu.Lock()
		defer logMu.Unlock()
		t.Fatalf("serve did not start:\n%s", log.String())
	}
	return nil
}

func (s *served) stop(t testing.TB) {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		t.Error("serve did not stop on SIGTERM")
	}
}

var client = &http.Client{Timeout: 10 * time.Second}

// post sends a GraphQL request and returns the decoded response.
func post(ctx context.Context, url, token, query string, vars map[string]any) (data json.RawMessage, errs []json.RawMessage, err error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/graphql", bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	var out struct {
		Data   json.RawMessage
		Errors []json.RawMessage
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		return nil, nil, fmt.Errorf("status %d: %w", res.StatusCode, err)
	}
	return out.Data, out.Errors, nil
}

func gql(t testing.TB, url, token, query string, vars map[string]any, out any) {
	t.Helper()
	data, errs, err := post(context.Background(), url, token, query, vars)
	if err != nil || len(errs) > 0 {
		t.Fatalf("%s: %v %s", query, err, errs)
	}
	if err := json.Unmarshal(data, out); err != nil {
		t.Fatal(err)
	}
}

// createProject creates a monument in Wale and returns its id once the
// server has acknowledged it.
func createProject(url, token, title string) (string, error) {
	data, errs, err := post(context.Background(), url, token,
		`mutation($in: ProjectInput!) { createProject(input: $in) { projectId } }`,
		map[string]any{"in": map[string]any{
			"title": title, "kind": "HARMONY_MONUMENT", "year": 2024, "budgetRupiah": 1_000_000, "status": "PLANNED",
			"geometry": map[string]any{"type": "Point", "coordinates": []float64{122.6077, -5.4560}},
		}})
	if err != nil {
		return "", err
	}
	if len(errs) > 0 {
		return "", fmt.Errorf("createProject: %s", errs[0])
	}
	var out struct{ CreateProject struct{ ProjectID string } }
	if err := json.Unmarshal(data, &out); err != nil || out.CreateProject.ProjectID == "" {
		return "", fmt.Errorf("createProject answered %s", data)
	}
	return out.CreateProject.ProjectID, nil
}

func projectIDs(t *testing.T, url, token string) []string {
	t.Helper()
	var out struct {
		Projects struct {
			TotalCount int
			Edges      []struct{ Node struct{ ProjectID string } }
		}
	}
	gql(t, url, token, `{ projects(first: 500) { totalCount edges { node { projectId } } } }`, nil, &out)
	if out.Projects.TotalCount > 500 {
		t.Fatalf("%d projects: more than one page", out.Projects.TotalCount)
	}
	ids := make([]string, 0, len(out.Projects.Edges))
	for _, e := range out.Projects.Edges {
		ids = append(ids, e.Node.ProjectID)
	}
	return ids
}
