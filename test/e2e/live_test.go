package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/server"
	"github.com/serasi/serasi/internal/store/memory"
)

// serveInstance runs a real server over st (Serve: it follows the change
// feed) on a loopback port and returns its URL.
func serveInstance(t *testing.T, st *memory.Store) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Config{ChangePoll: 200 * time.Millisecond, ShutdownTimeout: 2 * time.Second}, st, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done })
	return "http://" + ln.Addr().String()
}

// TestMapLive opens /map on one instance, writes a project through the
// GraphQL API of another over the same store, and finds it drawn on the
// map without a reload: the page follows the changes subscription.
func TestMapLive(t *testing.T) {
	st, err := memory.New(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	_, token, err := st.CreateToken(context.Background(), domain.Actor{Name: "e2e", Role: domain.RoleAdmin}, "Staf Linjamsos", domain.RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	page := serveInstance(t, st)
	other := serveInstance(t, st)
	u, _ := url.Parse(page)
	b := newBrowser(t, u.Host)
	b.do(t, "open /map", chromedp.Navigate(page+"/map"))
	b.waitReady(t, "first load")
	b.poll(t, "live connection", `document.body.dataset.live === 'on'`, 20*time.Second)
	eval[bool](t, b, `(serasiMap.jumpTo({center: [122.6077, -5.4560], zoom: 16.5}), true)`)
	b.waitReady(t, "zoom to Wale")
	time.Sleep(300 * time.Millisecond) // the subscribe message follows connection_ack

	body, _ := json.Marshal(map[string]any{
		"query": `mutation($in: ProjectInput!) { createProject(input: $in) { projectId } }`,
		"variables": map[string]any{"in": map[string]any{
			"title": "Tugu dari instans lain", "kind": "HARMONY_MONUMENT", "year": 2024, "budgetRupiah": 5_000_000,
			"status": "PLANNED", "geometry": map[string]any{"type": "Point", "coordinates": []float64{122.6077, -5.4560}},
		}},
	})
	req, _ := http.NewRequest(http.MethodPost, other+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Data struct {
			CreateProject struct{ ProjectID string }
		}
		Errors []json.RawMessage
	}
	err = json.NewDecoder(res.Body).Decode(&out)
	res.Body.Close()
	if err != nil || len(out.Errors) > 0 {
		t.Fatalf("createProject on the other instance: %v %s", err, out.Errors)
	}
	id := out.Data.CreateProject.ProjectID
	written := time.Now()
	b.poll(t, "the other instance's project on the map",
		fmt.Sprintf(`serasiMap.queryRenderedFeatures({layers: ['projects-circle']}).some(f => f.properties.id === %q)`, id), 15*time.Second)
	t.Logf("project %s drawn %s after the other instance answered", id, time.Since(written).Round(time.Millisecond))
	b.check(t)
}
