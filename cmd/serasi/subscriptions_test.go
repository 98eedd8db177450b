package main

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/serasi/serasi/internal/store/postgis/postgistest"
)

// graphqlWSClient returns the command that runs test/subscriptions'
// graphql-ws client (npm ci on first use). Without node the test skips,
// except under CI=true.
func graphqlWSClient(t *testing.T) (node, script string) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = exec.LookPath("npm")
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node and npm not found; CI=true requires them (scripts/install-deps)")
		}
		t.Skip("node and npm not found; scripts/install-deps installs them")
	}
	dir, err := filepath.Abs("../../test/subscriptions")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "graphql-ws")); err != nil {
		cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in %s: %v\n%s", dir, err, out)
		}
	}
	return node, filepath.Join(dir, "subscribe.mjs")
}

// nodeSub is one run of the graphql-ws client.
type nodeSub struct {
	lines chan map[string]json.RawMessage
	done  chan error
}

func startNodeSub(t *testing.T, node, script string, args ...string) *nodeSub {
	t.Helper()
	cmd := exec.Command(node, append([]string{script}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	s := &nodeSub{lines: make(chan map[string]json.RawMessage, 100), done: make(chan error, 1)}
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var m map[string]json.RawMessage
			if json.Unmarshal(sc.Bytes(), &m) == nil {
				s.lines <- m
			}
		}
		close(s.lines)
		err := cmd.Wait()
		if err != nil && stderr.Len() > 0 {
			t.Logf("graphql-ws client stderr: %s", stderr.String())
		}
		s.done <- err
	}()
	return s
}

// next returns the client's next line, failing after 10 s.
func (s *nodeSub) next(t *testing.T) map[string]json.RawMessage {
	t.Helper()
	select {
	case m, ok := <-s.lines:
		if !ok {
			t.Fatalf("the graphql-ws client ended: %v", <-s.done)
		}
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("nothing from the graphql-ws client within 10 s")
	}
	return nil
}

type nodeChange struct {
	Data struct {
		Changes struct {
			Cursor, Operation, RecordType, RecordID string
			Record                                  struct {
				Typename  string `json:"__typename"`
				ProjectID string `json:"projectId"`
				Title     string `json:"title"`
				Kelurahan struct{ Code, Name string }
			}
		} `json:"changes"`
	} `json:"data"`
	Errors []json.RawMessage `json:"errors"`
}

// TestSubscriptionsGraphQLWS runs two real instances over one PostGIS;
// the npm graphql-ws client subscribes to the second, a project is written
// through the first, and the client receives it with its record. Then the
// client goes away, a project is written, and a client that comes back
// with the last cursor receives it: nothing is lost across a reconnect.
// Last, a server that requires tokens closes the client without one with
// 4401.
func TestSubscriptionsGraphQLWS(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	node, script := graphqlWSClient(t)
	dbURL := postgistest.NewSeeded(t)
	bin := filepath.Join(t.TempDir(), "serasi")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	env := []string{"DATABASE_URL=" + dbURL}
	token := pgToken(t, bin, env)
	writer := startServeWith(t, bin, env)
	reader := startServeWith(t, bin, env)
	defer writer.stop(t)
	defer reader.stop(t)
	wsURL := strings.Replace(reader.url, "http://", "ws://", 1) + "/graphql"

	read := func(s *nodeSub) nodeChange {
		t.Helper()
		m := s.next(t)
		raw, ok := m["next"]
		if !ok {
			t.Fatalf("graphql-ws client: %v, want a result", m)
		}
		var c nodeChange
		if err := json.Unmarshal(raw, &c); err != nil || len(c.Errors) > 0 {
			t.Fatalf("result %s: %v", raw, err)
		}
		return c
	}
	sub := startNodeSub(t, node, script, wsURL, "--filter", `{"layers":["PROJECTS"]}`)
	if m := sub.next(t); m["connected"] == nil {
		t.Fatalf("graphql-ws client: %v, want connected", m)
	}
	time.Sleep(300 * time.Millisecond) // the subscribe message follows connection_ack
	written := time.Now()
	id, err := createProject(writer.url, token, "Tugu langganan")
	if err != nil {
		t.Fatal(err)
	}
	c := read(sub)
	t.Logf("the graphql-ws client on the other instance had the change %s after the write was sent", time.Since(written).Round(time.Millisecond))
	ch := c.Data.Changes
	if ch.RecordID != id || ch.Operation != "CREATE" || ch.RecordType != "PROJECT" || ch.Record.ProjectID != id ||
		ch.Record.Title != "Tugu langganan" || ch.Record.Kelurahan.Name != "Wale" {
		t.Errorf("change %+v, want the CREATE of %s in Wale with its record", ch, id)
	}
	if err := <-sub.done; err != nil {
		t.Fatalf("graphql-ws client: %v", err)
	}

	// Away, then back with the last cursor.
	missed, err := createProject(writer.url, token, "Tugu saat pergi")
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond) // past the reader's poll: the change comes from the feed, not the hub
	back := startNodeSub(t, node, script, wsURL, "--since", ch.Cursor, "--count", "2")
	if m := back.next(t); m["connected"] == nil {
		t.Fatalf("graphql-ws client: %v, want connected", m)
	}
	if got := read(back).Data.Changes.RecordID; got != missed {
		t.Errorf("resumed with since: got %s, want %s", got, missed)
	}
	time.Sleep(300 * time.Millisecond)
	live, err := createProject(writer.url, token, "Tugu setelah kembali")
	if err != nil {
		t.Fatal(err)
	}
	if got := read(back).Data.Changes.RecordID; got != live {
		t.Errorf("live after the resume: got %s, want %s", got, live)
	}
	if err := <-back.done; err != nil {
		t.Fatalf("graphql-ws client: %v", err)
	}

	// A server that requires tokens.
	locked := startServeWith(t, bin, env, "--require-token-for-reads")
	defer locked.stop(t)
	lockedURL := strings.Replace(locked.url, "http://", "ws://", 1) + "/graphql"
	refused := startNodeSub(t, node, script, lockedURL)
	m := refused.next(t)
	for m["connected"] != nil {
		m = refused.next(t)
	}
	var closed struct{ Code int }
	if err := json.Unmarshal(m["closed"], &closed); err != nil || closed.Code != 4401 {
		t.Errorf("without a token: %v, want closed with 4401", m)
	}
	allowed := startNodeSub(t, node, script, lockedURL, "--token", token)
	if m := allowed.next(t); m["connected"] == nil {
		t.Fatalf("with a token: %v, want connected", m)
	}
	time.Sleep(300 * time.Millisecond)
	id, err = createProject(writer.url, token, "Tugu bertoken")
	if err != nil {
		t.Fatal(err)
	}
	if got := read(allowed).Data.Changes.RecordID; got != id {
		t.Errorf("with a token: got %s, want %s", got, id)
	}
}
