package servertest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/serasi/serasi/internal/domain"
)

// testConcurrentWriters: 8 HTTP clients update one project at the same
// version at once; exactly one wins each round, the others get CONFLICT,
// and the record and audit trail show exactly the winners.
func testConcurrentWriters(t *testing.T, w *writeHarness) {
	const writers, rounds = 8, 3
	var p projectJSON
	w.mutate(t, w.editor, createProjectQ, map[string]any{"in": projectVars()}, "createProject", &p)

	for round := 1; round <= rounds; round++ {
		var wg sync.WaitGroup
		results := make([]Response, writers)
		start := make(chan struct{})
		for i := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				results[i] = w.as(w.editor).send(updateProjectQ, map[string]any{"id": p.ProjectID, "v": round,
					"in": with(projectVars(), "title", fmt.Sprintf("penulis %d putaran %d", i, round))})
			}()
		}
		close(start)
		wg.Wait()

		winner, conflicts := -1, 0
		for i, res := range results {
			switch {
			case res.Status != http.StatusOK:
				t.Fatalf("round %d, writer %d: status %d\n%s", round, i, res.Status, res.Raw)
			case len(res.Errors) == 0:
				if winner >= 0 {
					t.Fatalf("round %d: writers %d and %d both won", round, winner, i)
				}
				winner = i
			case res.Errors[0].Extensions.Code == "CONFLICT":
				conflicts++
			default:
				t.Fatalf("round %d, writer %d: %s", round, i, res.Raw)
			}
		}
		if winner < 0 || conflicts != writers-1 {
			t.Fatalf("round %d: winner %d, %d conflicts; want exactly one winner", round, winner, conflicts)
		}
		got, err := w.rw.Project(w.ctx(), p.ProjectID)
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("penulis %d putaran %d", winner, round); got.Version != round+1 || got.Title != want {
			t.Fatalf("round %d: project at version %d titled %q, want %d and %q", round, got.Version, got.Title, round+1, want)
		}
	}
	entries, err := w.rw.AuditLog(w.ctx(), domain.AuditFilter{RecordID: p.ProjectID}, domain.Page{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	if entries.TotalCount != 1+rounds {
		t.Errorf("%d audit entries for the project, want %d (create and one per winner)", entries.TotalCount, 1+rounds)
	}
}

// testReadsSeeWrites: the queries answer from the changed data at once.
func testReadsSeeWrites(t *testing.T, w *writeHarness) {
	type kelAt struct{ KelurahanAt *struct{ Code string } }
	type stats struct {
		ProjectStats []struct {
			Count        int
			BudgetRupiah float64
		}
	}
	const (
		kelAtQ = `{ kelurahanAt(lon: 122.6077, lat: -5.4560) { code } }`
		nearQ  = `{ projects(filter: {near: {lon: 122.6077, lat: -5.4560, radiusMeters: 30}}) { totalCount edges { node { projectId } } } }`
		statsQ = `{ projectStats { count budgetRupiah } }`
		forumQ = `{ forums(filter: {kelurahanCode: "74.72.02.1001"}) { forumId status } }`
	)
	var k0, k1 kelAt
	var s0, s1, s2 stats
	var n0, n1 struct{ Projects projectConnJSON }
	w.query(t, kelAtQ, nil, &k0)
	w.query(t, statsQ, nil, &s0)
	w.query(t, nearQ, nil, &n0)

	var p projectJSON
	w.mutate(t, w.editor, createProjectQ, map[string]any{"in": with(projectVars(), "budgetRupiah", 777_000_000)}, "createProject", &p)

	w.query(t, kelAtQ, nil, &k1)
	if k0.KelurahanAt == nil || k1.KelurahanAt == nil || k0.KelurahanAt.Code != k1.KelurahanAt.Code {
		t.Errorf("kelurahanAt changed with a project: %+v → %+v", k0.KelurahanAt, k1.KelurahanAt)
	}
	w.query(t, nearQ, nil, &n1)
	if n1.Projects.TotalCount != n0.Projects.TotalCount+1 || !contains(projectIDs(n1.Projects), p.ProjectID) {
		t.Errorf("projects(near:) after the create: %v (total %d, was %d), want %s among them",
			projectIDs(n1.Projects), n1.Projects.TotalCount, n0.Projects.TotalCount, p.ProjectID)
	}
	w.query(t, statsQ, nil, &s1)
	if len(s0.ProjectStats) != 1 || len(s1.ProjectStats) != 1 {
		t.Fatalf("projectStats totals: %+v → %+v, want one row each", s0.ProjectStats, s1.ProjectStats)
	}
	if s1.ProjectStats[0].Count != s0.ProjectStats[0].Count+1 ||
		s1.ProjectStats[0].BudgetRupiah != s0.ProjectStats[0].BudgetRupiah+777_000_000 {
		t.Errorf("projectStats %+v → %+v, want one more project and 777000000 more", s0.ProjectStats, s1.ProjectStats)
	}
	w.mutate(t, w.editor, deleteProjectQ, map[string]any{"id": p.ProjectID, "v": 1}, "deleteProject", nil)
	w.query(t, statsQ, nil, &s2)
	if s2.ProjectStats[0] != s0.ProjectStats[0] {
		t.Errorf("projectStats after the delete %+v, want %+v again", s2.ProjectStats, s0.ProjectStats)
	}

	var f forumJSON
	w.mutate(t, w.editor, createForumQ, map[string]any{"in": forumVars()}, "createForum", &f)
	var forums struct {
		Forums []struct{ ForumID, Status string }
	}
	w.query(t, forumQ, nil, &forums)
	found := false
	for _, x := range forums.Forums {
		found = found || x.ForumID == f.ForumID && x.Status == "ACTIVE"
	}
	if !found {
		t.Errorf("forums of Wale %+v lack the new forum %s", forums.Forums, f.ForumID)
	}
}

// send posts a GraphQL request like post, but may run on any goroutine:
// it reports problems in the Response (Status 0 for an undecodable body)
// instead of failing the test.
func (h *harness) send(query string, vars map[string]any) Response {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return Response{Raw: []byte(err.Error())}
	}
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if h.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+h.bearer)
	}
	rec := httptest.NewRecorder()
	h.handler.ServeHTTP(rec, req)
	res := Response{Status: rec.Code, Header: rec.Header(), Raw: rec.Body.Bytes()}
	if err := json.Unmarshal(res.Raw, &res); err != nil {
		res.Status = 0
	}
	return res
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// testTilesAfterWrites: a cached vector tile shows a project created or
// deleted through the API at once (the mutation empties the tile cache).
func testTilesAfterWrites(t *testing.T, w *writeHarness) {
	tile := maptile.At(orb.Point{waleLon, waleLat}, 16)
	path := fmt.Sprintf("/tiles/projects/%d/%d/%d.mvt", tile.Z, tile.X, tile.Y)
	features := func() int {
		t.Helper()
		rec := httptest.NewRecorder()
		w.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK && rec.Code != http.StatusNoContent {
			t.Fatalf("GET %s: status %d\n%s", path, rec.Code, rec.Body)
		}
		if rec.Body.Len() == 0 {
			return 0
		}
		ls, err := mvt.Unmarshal(rec.Body.Bytes())
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		n := 0
		for _, l := range ls {
			n += len(l.Features)
		}
		return n
	}
	before := features()
	if again := features(); again != before {
		t.Fatalf("the same tile twice: %d then %d features", before, again)
	}
	var p projectJSON
	w.mutate(t, w.editor, createProjectQ, map[string]any{"in": projectVars()}, "createProject", &p)
	if n := features(); n != before+1 {
		t.Fatalf("after createProject: %d features in %s, want %d (a stale cached tile?)", n, path, before+1)
	}
	w.mutate(t, w.editor, deleteProjectQ, map[string]any{"id": p.ProjectID, "v": 1}, "deleteProject", nil)
	if n := features(); n != before {
		t.Fatalf("after deleteProject: %d features, want %d", n, before)
	}
}
