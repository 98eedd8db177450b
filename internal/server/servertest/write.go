package servertest

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/server"
	"github.com/serasi/serasi/internal/store"
)

// RunWrites runs the write test groups (mutations, tokens, roles, the
// audit log, conflicts, concurrency, reads after writes) against servers
// over stores made by newStore. Each call must return a store of its own
// with the embedded sample data, an empty audit trail and no tokens: the
// tests change it.
func RunWrites(t *testing.T, newStore func(t *testing.T) store.ReadWriter) {
	RunWritesWith(t, server.Config{}, newStore)
}

// RunWritesWith is RunWrites with servers made with cfg (e.g. the map
// copy of an embedded store, CopyInProcess).
func RunWritesWith(t *testing.T, cfg server.Config, newStore func(t *testing.T) store.ReadWriter) {
	groups := []struct {
		name string
		run  func(t *testing.T, w *writeHarness)
	}{
		{"Mutations", testMutations},
		{"TokenMutations", testTokenMutations},
		{"Validation", testWriteValidation},
		{"Conflicts", testWriteConflicts},
		{"Roles", testRoles},
		{"Me", testMe},
		{"RequireTokenForReads", testRequireTokenForReads},
		{"AuditLog", testAuditLog},
		{"ConcurrentWriters", testConcurrentWriters},
		{"ReadsSeeWrites", testReadsSeeWrites},
		{"TilesAfterWrites", testTilesAfterWrites},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			g.run(t, newWriteHarness(t, newStore(t), cfg))
		})
	}
}

// writeHarness is a server over a store that can be written, with one
// token per role.
type writeHarness struct {
	*harness
	rw store.ReadWriter
	// Plaintexts of the tokens, and the tokens as listed.
	viewer, editor, admin, revoked string
	tokens                         map[string]domain.Token // by plaintext
}

// system is the actor that makes the harness's tokens, as the command line would.
var system = domain.Actor{Name: "servertest", Role: domain.RoleAdmin}

func newWriteHarness(t *testing.T, st store.ReadWriter, cfg server.Config) *writeHarness {
	t.Helper()
	h := &harness{log: &syncBuffer{}, store: st}
	logger := slog.New(slog.NewJSONHandler(h.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h.handler = server.New(cfg, st, logger)
	w := &writeHarness{harness: h, rw: st, tokens: map[string]domain.Token{}}
	for _, tc := range []struct {
		dst  *string
		name string
		role domain.Role
	}{
		{&w.viewer, "viewer", domain.RoleViewer},
		{&w.editor, "editor", domain.RoleEditor},
		{&w.admin, "admin", domain.RoleAdmin},
		{&w.revoked, "revoked editor", domain.RoleEditor},
	} {
		tok, secret, err := st.CreateToken(h.ctx(), system, tc.name, tc.role)
		if err != nil {
			t.Fatalf("create token %s: %v", tc.name, err)
		}
		*tc.dst = secret
		w.tokens[secret] = tok
	}
	if _, err := st.RevokeToken(h.ctx(), system, w.tokens[w.revoked].ID); err != nil {
		t.Fatal(err)
	}
	return w
}

// withConfig is a second server over the same store and tokens.
func (w *writeHarness) withConfig(cfg server.Config) *writeHarness {
	c := *w
	h := *w.harness
	h.handler = server.New(cfg, w.rw, nil)
	c.harness = &h
	return &c
}

// tokenID returns the id of the token with the given plaintext.
// wantMapTitle checks the project as the OGC API single feature and the
// /geojson layer show it: with this title, or gone for "".
func (w *writeHarness) wantMapTitle(t *testing.T, id, title string) {
	t.Helper()
	res := w.do(t, httptest.NewRequest(http.MethodGet, "/ogcapi/collections/projects/items/"+id, nil))
	var f struct {
		Properties struct{ Title string } `json:"properties"`
	}
	_ = json.Unmarshal(res.Raw, &f)
	switch {
	case title == "" && res.Status != http.StatusNotFound:
		t.Errorf("OGC API feature %s after delete: %d %s", id, res.Status, res.Raw)
	case title != "" && (res.Status != http.StatusOK || f.Properties.Title != title):
		t.Errorf("OGC API feature %s: %d, title %q; want %q", id, res.Status, f.Properties.Title, title)
	}
	res = w.do(t, httptest.NewRequest(http.MethodGet, "/geojson/projects?bbox=122.59,-5.475,122.62,-5.45", nil))
	if has := bytes.Contains(res.Raw, []byte(`"`+id+`"`)); has != (title != "") {
		t.Errorf("/geojson/projects holds %s: %t, want %t", id, has, title != "")
	}
}

func (w *writeHarness) tokenID(plaintext string) string { return w.tokens[plaintext].ID }

// mutate runs a mutation as token that must succeed, and decodes the
// field named field of data into out.
func (w *writeHarness) mutate(t *testing.T, token, query string, vars map[string]any, field string, out any) {
	t.Helper()
	var data map[string]json.RawMessage
	w.as(token).query(t, query, vars, &data)
	if out != nil {
		if err := json.Unmarshal(data[field], out); err != nil {
			t.Fatalf("decoding %s: %v\n%s", field, err, data[field])
		}
	}
}

// auditCount returns how many audit entries the store holds.
func (w *writeHarness) auditCount(t *testing.T) int {
	t.Helper()
	p, err := w.rw.AuditLog(w.ctx(), domain.AuditFilter{}, domain.Page{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return p.TotalCount
}

func (w *writeHarness) projectCount(t *testing.T) int {
	t.Helper()
	p, err := w.rw.Projects(w.ctx(), domain.ProjectFilter{}, domain.ProjectOrder{}, domain.Page{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return p.TotalCount
}

// Places and records of the sample data the write tests lean on.
const (
	waleCode   = "74.72.02.1001"
	waleForum  = "fks-2015-wale"
	waleLon    = 122.6077
	waleLat    = -5.4560
	forum2017  = "fks-2017-katobengke"
	jakartaLon = 106.8
	jakartaLat = -6.2
)

func nextYear() int { return time.Now().UTC().Year() + 1 }

func geoPoint(lon, lat float64) map[string]any {
	return map[string]any{"type": "Point", "coordinates": []float64{lon, lat}}
}

func geoLine(pts ...[]float64) map[string]any {
	return map[string]any{"type": "LineString", "coordinates": pts}
}

func geoPolygon(ring ...[]float64) map[string]any {
	return map[string]any{"type": "Polygon", "coordinates": [][][]float64{ring}}
}

// projectVars is a valid ProjectInput: a monument in Wale.
func projectVars() map[string]any {
	return map[string]any{
		"title": "Tugu keserasian Wale", "kind": "HARMONY_MONUMENT", "geometry": geoPoint(waleLon, waleLat),
		"forumId": waleForum, "year": 2024, "budgetRupiah": 150_000_000, "status": "PLANNED",
		"startDate": "2024-03-01", "finishDate": "2024-09-30", "beneficiaries": 300,
		"description": "Dibangun bersama warga.",
	}
}

func forumVars() map[string]any {
	return map[string]any{
		"name": "FKS Uji", "kelurahanCodes": []string{waleCode}, "yearFormed": 2020, "status": "ACTIVE",
		"memberCount": 12, "secretariat": geoPoint(waleLon, waleLat), "description": "Forum for the write tests.",
	}
}

func activityVars() map[string]any {
	return map[string]any{
		"title": "Dialog pemuda", "forumId": waleForum, "kind": "DIALOGUE", "date": "2024-05-17",
		"participants": 40, "location": geoPoint(waleLon, waleLat), "description": "Dialog antar pemuda.",
	}
}

func with(base map[string]any, kv ...any) map[string]any {
	out := make(map[string]any, len(base))
	for k, v := range base {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
			continue
		}
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

const (
	projectSel  = `projectId title kind geometry kelurahan { code } forum { forumId } year budgetRupiah status startDate finishDate beneficiaries description version`
	forumSel    = `forumId name kelurahan { code } yearFormed status memberCount secretariat description version`
	activitySel = `activityId title forum { forumId } kind date participants location kelurahan { code } description version`

	createProjectQ = `mutation($in: ProjectInput!) { createProject(input: $in) { ` + projectSel + ` } }`
	updateProjectQ = `mutation($id: String!, $v: Int!, $in: ProjectInput!) { updateProject(id: $id, version: $v, input: $in) { ` + projectSel + ` } }`
	deleteProjectQ = `mutation($id: String!, $v: Int!) { deleteProject(id: $id, version: $v) { ` + projectSel + ` } }`
	createForumQ   = `mutation($in: ForumInput!) { createForum(input: $in) { ` + forumSel + ` } }`
	updateForumQ   = `mutation($id: String!, $v: Int!, $in: ForumInput!) { updateForum(id: $id, version: $v, input: $in) { ` + forumSel + ` } }`
	archiveForumQ  = `mutation($id: String!, $v: Int!) { archiveForum(id: $id, version: $v) { ` + forumSel + ` } }`
	recordActQ     = `mutation($in: ActivityInput!) { recordActivity(input: $in) { ` + activitySel + ` } }`
	updateActQ     = `mutation($id: String!, $v: Int!, $in: ActivityInput!) { updateActivity(id: $id, version: $v, input: $in) { ` + activitySel + ` } }`
	deleteActQ     = `mutation($id: String!, $v: Int!) { deleteActivity(id: $id, version: $v) { ` + activitySel + ` } }`
)

type projectJSON struct {
	ProjectID string
	Title     string
	Kind      string
	Geometry  json.RawMessage
	Kelurahan struct{ Code string }
	Forum     *struct{ ForumID string }
	Year      int
	// BudgetRupiah is a Float on the wire.
	BudgetRupiah  float64
	Status        string
	StartDate     *string
	FinishDate    *string
	Beneficiaries int
	Description   string
	Version       int
}

type forumJSON struct {
	ForumID     string
	Name        string
	Kelurahan   []struct{ Code string }
	YearFormed  int
	Status      string
	MemberCount int
	Secretariat json.RawMessage
	Description string
	Version     int
}

type activityJSON struct {
	ActivityID   string
	Title        string
	Forum        struct{ ForumID string }
	Kind         string
	Date         string
	Participants int
	Location     json.RawMessage
	Kelurahan    *struct{ Code string }
	Description  string
	Version      int
}

// testMutations runs every record mutation's happy path and checks what it
// answers, what a read then sees, and the audit entry it leaves.
func testMutations(t *testing.T, w *writeHarness) {
	auditBefore := w.auditCount(t)

	t.Run("project", func(t *testing.T) {
		var p projectJSON
		w.mutate(t, w.editor, createProjectQ, map[string]any{"in": projectVars()}, "createProject", &p)
		if p.ProjectID == "" || p.Version != 1 || p.Title != "Tugu keserasian Wale" || p.Kelurahan.Code != waleCode ||
			p.Forum == nil || p.Forum.ForumID != waleForum || p.BudgetRupiah != 150_000_000 || p.Year != 2024 ||
			p.StartDate == nil || *p.StartDate != "2024-03-01" || p.Beneficiaries != 300 || p.Status != "PLANNED" {
			t.Fatalf("created %+v", p)
		}
		stored, err := w.rw.Project(w.ctx(), p.ProjectID)
		if err != nil || stored.Version != 1 || stored.BudgetRupiah != 150_000_000 {
			t.Fatalf("the store has %+v, %v", stored, err)
		}
		// The map outputs read the writer's own write at once (the
		// in-process copy catches up before the mutation answers).
		w.wantMapTitle(t, p.ProjectID, "Tugu keserasian Wale")

		road := with(projectVars(), "kind", "VILLAGE_ROAD", "title", "Jalan lingkungan Wale",
			"geometry", geoLine([]float64{waleLon, waleLat}, []float64{waleLon + 0.0004, waleLat + 0.0002}),
			"forumId", nil, "budgetRupiah", 12_500_000_000, "kelurahanCode", waleCode)
		var u projectJSON
		w.mutate(t, w.editor, updateProjectQ, map[string]any{"id": p.ProjectID, "v": 1, "in": road}, "updateProject", &u)
		if u.ProjectID != p.ProjectID || u.Version != 2 || u.Kind != "VILLAGE_ROAD" || u.Forum != nil ||
			u.BudgetRupiah != 12_500_000_000 || !jsonHas(u.Geometry, `"LineString"`) {
			t.Fatalf("updated %+v", u)
		}
		var read struct{ Project *projectJSON }
		w.query(t, `query($id: String!) { project(id: $id) { `+projectSel+` } }`, map[string]any{"id": p.ProjectID}, &read)
		if read.Project == nil || read.Project.Version != 2 || read.Project.Title != "Jalan lingkungan Wale" {
			t.Fatalf("read after update: %+v", read.Project)
		}
		w.wantMapTitle(t, p.ProjectID, "Jalan lingkungan Wale")

		var d projectJSON
		w.mutate(t, w.editor, deleteProjectQ, map[string]any{"id": p.ProjectID, "v": 2}, "deleteProject", &d)
		if d.ProjectID != p.ProjectID || d.Version != 2 || d.Title != "Jalan lingkungan Wale" {
			t.Fatalf("deleted %+v (want it as it was)", d)
		}
		w.query(t, `query($id: String!) { project(id: $id) { projectId } }`, map[string]any{"id": p.ProjectID}, &read)
		if read.Project != nil {
			t.Fatalf("project %s still readable after delete", p.ProjectID)
		}
		w.wantMapTitle(t, p.ProjectID, "")
		entries, err := w.rw.AuditLog(w.ctx(), domain.AuditFilter{RecordType: domain.RecordProject, RecordID: p.ProjectID}, domain.Page{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		ops := []domain.AuditOperation{}
		for _, e := range entries.Items {
			ops = append(ops, e.Operation)
			if e.TokenID != w.tokenID(w.editor) || e.ActorName != "editor" {
				t.Errorf("audit entry by %q/%q, want the editor token", e.TokenID, e.ActorName)
			}
		}
		if want := []domain.AuditOperation{domain.OpDelete, domain.OpUpdate, domain.OpCreate}; !equalOps(ops, want) {
			t.Errorf("audit operations %v, want %v", ops, want)
		}
	})

	t.Run("project with a chosen id", func(t *testing.T) {
		var p projectJSON
		w.mutate(t, w.admin, createProjectQ, map[string]any{"in": with(projectVars(), "id", "prj-uji-1")}, "createProject", &p)
		if p.ProjectID != "prj-uji-1" || p.Version != 1 {
			t.Fatalf("created %+v", p)
		}
	})

	t.Run("forum", func(t *testing.T) {
		var f forumJSON
		w.mutate(t, w.editor, createForumQ, map[string]any{"in": forumVars()}, "createForum", &f)
		if f.ForumID == "" || f.Version != 1 || f.Name != "FKS Uji" || len(f.Kelurahan) != 1 ||
			f.Kelurahan[0].Code != waleCode || f.Status != "ACTIVE" || f.MemberCount != 12 {
			t.Fatalf("created %+v", f)
		}
		var u forumJSON
		w.mutate(t, w.editor, updateForumQ, map[string]any{"id": f.ForumID, "v": 1,
			"in": with(forumVars(), "memberCount", 30, "id", f.ForumID)}, "updateForum", &u)
		if u.Version != 2 || u.MemberCount != 30 {
			t.Fatalf("updated %+v", u)
		}
		var a forumJSON
		w.mutate(t, w.editor, archiveForumQ, map[string]any{"id": f.ForumID, "v": 2}, "archiveForum", &a)
		if a.Version != 3 || a.Status != "INACTIVE" || a.MemberCount != 30 {
			t.Fatalf("archived %+v", a)
		}
	})

	t.Run("activity", func(t *testing.T) {
		var a activityJSON
		w.mutate(t, w.editor, recordActQ, map[string]any{"in": activityVars()}, "recordActivity", &a)
		if a.ActivityID == "" || a.Version != 1 || a.Forum.ForumID != waleForum || a.Date != "2024-05-17" ||
			a.Kelurahan == nil || a.Kelurahan.Code != waleCode || a.Participants != 40 || !jsonHas(a.Location, `"Point"`) {
			t.Fatalf("recorded %+v", a)
		}
		var u activityJSON
		w.mutate(t, w.editor, updateActQ, map[string]any{"id": a.ActivityID, "v": 1,
			"in": with(activityVars(), "location", nil, "participants", 55, "kind", "TRAINING")}, "updateActivity", &u)
		if u.Version != 2 || u.Participants != 55 || u.Kind != "TRAINING" || string(u.Location) != "null" ||
			u.Kelurahan == nil || u.Kelurahan.Code != waleCode {
			t.Fatalf("updated %+v (without a location the kelurahan is the forum's first)", u)
		}
		var d activityJSON
		w.mutate(t, w.editor, deleteActQ, map[string]any{"id": a.ActivityID, "v": 2}, "deleteActivity", &d)
		if d.ActivityID != a.ActivityID || d.Version != 2 {
			t.Fatalf("deleted %+v", d)
		}
		if _, err := w.rw.Activity(w.ctx(), a.ActivityID); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Fatalf("activity after delete: %v, want ENOTFOUND", err)
		}
	})

	// project: 3, chosen id: 1, forum: 3, activity: 3.
	if got, want := w.auditCount(t), auditBefore+10; got != want {
		t.Errorf("%d audit entries, want %d (one per mutation)", got, want)
	}
}

// testTokenMutations manages tokens through the API: the secret is shown
// once and works at once; a revoked one stops working at once.
func testTokenMutations(t *testing.T, w *writeHarness) {
	var created struct {
		Token struct {
			ID, Name, Role, CreatedBy string
			CreatedAt                 string
			RevokedAt                 *string
		}
		Secret string
	}
	w.mutate(t, w.admin, `mutation { createToken(name: "petugas lapangan", role: EDITOR) {
		token { id name role createdAt createdBy revokedAt } secret } }`, nil, "createToken", &created)
	tok := created.Token
	if tok.ID == "" || tok.Name != "petugas lapangan" || tok.Role != "EDITOR" || tok.CreatedBy != "admin" ||
		tok.RevokedAt != nil || created.Secret == "" {
		t.Fatalf("created %+v", created)
	}
	if _, err := time.Parse(time.RFC3339Nano, tok.CreatedAt); err != nil {
		t.Errorf("createdAt %q is not RFC 3339: %v", tok.CreatedAt, err)
	}
	var p projectJSON
	w.mutate(t, created.Secret, createProjectQ, map[string]any{"in": projectVars()}, "createProject", &p)

	var list struct {
		Tokens []struct {
			ID, Name, Role string
			RevokedAt      *string
		}
	}
	w.as(w.admin).query(t, `{ tokens { id name role revokedAt } }`, nil, &list)
	found := false
	for _, l := range list.Tokens {
		if l.ID == tok.ID {
			found = l.Name == "petugas lapangan" && l.RevokedAt == nil
		}
		if l.ID == w.tokenID(w.revoked) && l.RevokedAt == nil {
			t.Errorf("the revoked token is listed as valid")
		}
	}
	if !found || len(list.Tokens) != 5 {
		t.Errorf("tokens %+v: want the 4 of the harness and the new one", list.Tokens)
	}
	if bytesContain(w.as(w.admin).post(t, `{ tokens { id } }`, nil).Raw, created.Secret) {
		t.Error("tokens shows a secret")
	}

	var revoked struct{ ID, RevokedAt *string }
	w.mutate(t, w.admin, `mutation($id: String!) { revokeToken(id: $id) { id revokedAt } }`,
		map[string]any{"id": tok.ID}, "revokeToken", &revoked)
	if revoked.RevokedAt == nil {
		t.Fatalf("revoked: %+v", revoked)
	}
	res := w.as(created.Secret).post(t, createProjectQ, map[string]any{"in": projectVars()})
	if res.Status != 401 || len(res.Errors) == 0 || res.Errors[0].Extensions.Code != "UNAUTHENTICATED" {
		t.Fatalf("a revoked token: status %d\n%s", res.Status, res.Raw)
	}
	w.as(w.admin).queryError(t, `mutation { revokeToken(id: "toknothere") { id } }`, nil, "NOT_FOUND")
	e := w.as(w.admin).queryError(t, `mutation { createToken(name: "", role: VIEWER) { secret } }`, nil, "BAD_USER_INPUT")
	if e.Extensions.Field != "name" {
		t.Errorf("empty token name: field %q, want name", e.Extensions.Field)
	}
}

func equalOps(a, b []domain.AuditOperation) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func jsonHas(raw json.RawMessage, s string) bool { return strings.Contains(string(raw), s) }

func bytesContain(b []byte, s string) bool { return strings.Contains(string(b), s) }
