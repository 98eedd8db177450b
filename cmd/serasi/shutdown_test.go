package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestGracefulShutdown sends SIGTERM to the real binary under a load of
// reads and writes: it must exit 0 within its deadline, and every request
// it accepted (every request id in its access log) must have been answered
// 200 without an error. Requests it never accepted may fail (connection
// refused, or closed before they were read); a client retries those.
func TestGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := filepath.Join(t.TempDir(), "serasi")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := filepath.Join(t.TempDir(), "data")
	editor := cliToken(t, bin, dir, "editor")
	srv := startServe(t, bin, dir, "--shutdown-timeout", "10s", "--shutdown-delay", "300ms", "--metrics-addr", "127.0.0.1:0")

	type result struct {
		status int
		errors bool
		err    error
	}
	var (
		mu      sync.Mutex
		results = map[string]result{}
		wg      sync.WaitGroup
		stop    = make(chan struct{})
	)
	// A transport of its own: the shared client's idle connections must
	// not carry over from another test.
	c := &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	defer c.CloseIdleConnections()
	queries := []string{
		`{ kelurahanAt(lon: 122.6077, lat: -5.456) { name forums { name } } }`,
		// Heavier: every project with its geometry.
		`{ projects(first: 500) { totalCount edges { node { projectId geometry } } } }`,
		`mutation { createProject(input: {title: "Tugu uji henti", kind: HARMONY_MONUMENT, year: 2024, budgetRupiah: 1,
			status: PLANNED, geometry: {type: "Point", coordinates: [122.6077, -5.456]}}) { projectId } }`,
	}
	for client := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := fmt.Sprintf("shutdown-%d-%d", client, i)
				body, _ := json.Marshal(map[string]any{"query": queries[(client+i)%len(queries)]})
				req, _ := http.NewRequest(http.MethodPost, srv.url+"/graphql", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+editor)
				req.Header.Set("X-Request-Id", id)
				res, err := c.Do(req)
				r := result{err: err}
				if err == nil {
					b, _ := io.ReadAll(res.Body)
					res.Body.Close()
					r.status = res.StatusCode
					r.errors = bytes.Contains(b, []byte(`"errors"`))
				}
				mu.Lock()
				results[id] = r
				mu.Unlock()
				if err != nil {
					// Refused: the listener is closed. Slow down until told to stop.
					time.Sleep(20 * time.Millisecond)
				}
			}
		}()
	}
	time.Sleep(time.Second)
	// The real wiring serves the metrics on a listener of its own.
	if m := metricsListening.FindStringSubmatch(srv.logs()); m == nil {
		t.Error("no metrics listener in the log")
	} else if res, err := c.Get("http://" + m[1] + "/metrics"); err != nil {
		t.Errorf("scrape: %v", err)
	} else {
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		for _, want := range []string{`serasi_http_requests_total{method="POST",route="POST /graphql",status="200"}`, `serasi_graphql_operations_total{operation=""}`, "go_goroutines"} {
			if !strings.Contains(string(b), want) {
				t.Errorf("no %s in the scraped metrics", want)
			}
		}
	}
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// During --shutdown-delay the server still serves, but says it is not
	// ready, so that a load balancer stops sending.
	time.Sleep(50 * time.Millisecond)
	if res, err := c.Get(srv.url + "/readyz"); err != nil || res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/readyz while draining: %v %v, want 503", res, err)
	} else {
		res.Body.Close()
	}
	exited := make(chan error, 1)
	go func() {
		<-srv.stderrDone
		exited <- srv.cmd.Wait()
	}()
	var exitErr error
	select {
	case exitErr = <-exited:
	case <-time.After(20 * time.Second):
		_ = srv.cmd.Process.Kill()
		t.Fatal("serve did not exit within 20 s of SIGTERM")
	}
	close(stop)
	wg.Wait()
	if exitErr != nil {
		t.Errorf("serve exited with %v after SIGTERM, want 0\n%s", exitErr, tail(srv.logs(), 2000))
	}

	accepted := map[string]int{} // request id → status in the access log
	for line := range strings.SplitSeq(srv.logs(), "\n") {
		var rec struct {
			Msg       string `json:"msg"`
			RequestID string `json:"request_id"`
			Status    int    `json:"status"`
		}
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "http request" && strings.HasPrefix(rec.RequestID, "shutdown-") {
			accepted[rec.RequestID] = rec.Status
		}
	}
	mu.Lock()
	defer mu.Unlock()
	failed := 0
	for id, r := range results {
		_, ok := accepted[id]
		switch {
		case r.err == nil && (r.status != http.StatusOK || r.errors):
			t.Errorf("%s: status %d (errors: %v)", id, r.status, r.errors)
		case r.err != nil && ok:
			t.Errorf("%s was accepted (access log status %d) but the client got %v", id, accepted[id], r.err)
		case r.err != nil:
			failed++
		}
	}
	for id := range accepted {
		if _, ok := results[id]; !ok {
			t.Errorf("%s is in the access log but no client sent it", id)
		}
	}
	if len(accepted) < 50 {
		t.Errorf("only %d requests accepted: the load did not run", len(accepted))
	}
	t.Logf("%d requests sent, %d accepted and answered, %d refused after the listener closed", len(results), len(accepted), failed)
	if !strings.Contains(srv.logs(), `"msg":"shutting down"`) {
		t.Errorf("no shutdown in the log:\n%s", tail(srv.logs(), 2000))
	}
}

var metricsListening = regexp.MustCompile(`"msg":"metrics listener","addr":"([^"]+)"`)

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}
