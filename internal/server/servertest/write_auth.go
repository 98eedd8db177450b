package servertest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/serasi/serasi/internal/server"
)

// testRoles is the matrix of callers × operations: who gets through, who
// is UNAUTHENTICATED (401) and who FORBIDDEN (403).
func testRoles(t *testing.T, w *writeHarness) {
	badGeometry := with(projectVars(), "geometry", geoPoint(jakartaLon, jakartaLat))
	ops := []struct {
		name  string
		query string
		vars  map[string]any
		need  string // "", "EDITOR" or "ADMIN"
	}{
		{"read", `{ kecamatans { code } }`, nil, ""},
		{"createProject", `mutation($in: ProjectInput!) { createProject(input: $in) { projectId } }`, map[string]any{"in": projectVars()}, "EDITOR"},
		{"createProject with bad input", `mutation($in: ProjectInput!) { createProject(input: $in) { projectId } }`, map[string]any{"in": badGeometry}, "EDITOR"},
		{"archiveForum", `mutation { archiveForum(id: "fks-nothere", version: 1) { forumId } }`, nil, "EDITOR"},
		{"createToken", `mutation { createToken(name: "x", role: VIEWER) { secret } }`, nil, "ADMIN"},
		{"revokeToken", `mutation { revokeToken(id: "toknothere") { id } }`, nil, "ADMIN"},
		{"tokens", `{ tokens { id } }`, nil, "ADMIN"},
		{"auditLog", `{ auditLog { totalCount } }`, nil, "ADMIN"},
		{"read and tokens", `{ kecamatans { code } tokens { id } }`, nil, "ADMIN"},
		{"aliased, in a fragment", `query { ...F } fragment F on Query { t: auditLog(first: 1) { totalCount } }`, nil, "ADMIN"},
		{"in an inline fragment", `query { ... on Query { auditLog(first: 1) { totalCount } } }`, nil, "ADMIN"},
		{"skipped", `{ kecamatans { code } auditLog @skip(if: true) { totalCount } }`, nil, ""},
	}
	rank := map[string]int{"": 0, "VIEWER": 1, "EDITOR": 2, "ADMIN": 3}
	callers := []struct {
		name, token, role string
		invalid           bool // the token itself is refused: 401 for everything
	}{
		{"anonymous", "", "", false},
		{"viewer", w.viewer, "VIEWER", false},
		{"editor", w.editor, "EDITOR", false},
		{"admin", w.admin, "ADMIN", false},
		{"revoked", w.revoked, "", true},
		{"unknown token", "srs_tokaaaaaaaa_" + strings.Repeat("0", 64), "", true},
		{"not a token", "hunter2", "", true},
	}
	for _, c := range callers {
		for _, op := range ops {
			t.Run(c.name+"/"+op.name, func(t *testing.T) {
				res := w.as(c.token).post(t, op.query, op.vars)
				var wantStatus int
				var wantCode string
				switch {
				case c.invalid:
					wantStatus, wantCode = http.StatusUnauthorized, "UNAUTHENTICATED"
				case op.need == "":
					wantStatus = http.StatusOK
				case c.role == "":
					wantStatus, wantCode = http.StatusUnauthorized, "UNAUTHENTICATED"
				case rank[c.role] < rank[op.need]:
					wantStatus, wantCode = http.StatusForbidden, "FORBIDDEN"
				default:
					wantStatus = http.StatusOK
				}
				if res.Status != wantStatus {
					t.Fatalf("status %d, want %d\n%.400s", res.Status, wantStatus, res.Raw)
				}
				if wantCode == "" {
					// Allowed: any error is the operation's own (NOT_FOUND, BAD_USER_INPUT), never about roles.
					for _, e := range res.Errors {
						if e.Extensions.Code == "UNAUTHENTICATED" || e.Extensions.Code == "FORBIDDEN" {
							t.Fatalf("allowed caller refused: %s", res.Raw)
						}
					}
					return
				}
				if len(res.Errors) != 1 || res.Errors[0].Extensions.Code != wantCode || res.HasData {
					t.Fatalf("want one %s error and no data\n%.400s", wantCode, res.Raw)
				}
				if wantStatus == http.StatusUnauthorized && !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("401 without a Bearer challenge: %q", res.Header.Get("WWW-Authenticate"))
				}
			})
		}
	}

	t.Run("malformed Authorization header", func(t *testing.T) {
		for _, header := range []string{"Basic dXNlcjpwYXNz", "Bearer", "Bearer ", w.editor} {
			req := postJSON(`{"query":"{ kecamatans { code } }"}`)
			req.Header.Set("Authorization", header)
			res := w.do(t, req)
			if res.Status != http.StatusUnauthorized || len(res.Errors) == 0 || res.Errors[0].Extensions.Code != "UNAUTHENTICATED" {
				t.Errorf("Authorization %.20q: status %d\n%.300s", header, res.Status, res.Raw)
			}
		}
	})
	t.Run("other endpoints refuse a bad token too", func(t *testing.T) {
		for _, path := range []string{"/geojson/kecamatan", "/tiles/kelurahan.json", "/ogcapi"} {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("Authorization", "Bearer hunter2")
			if res := w.do(t, req); res.Status != http.StatusUnauthorized {
				t.Errorf("%s with a bad token: status %d, want 401", path, res.Status)
			}
			if res := w.do(t, httptest.NewRequest(http.MethodGet, path, nil)); res.Status != http.StatusOK {
				t.Errorf("%s anonymously: status %d, want 200 (reads are public)", path, res.Status)
			}
		}
	})
	t.Run("refused writes change nothing", func(t *testing.T) {
		before := w.auditCount(t)
		w.as(w.viewer).post(t, createProjectQ, map[string]any{"in": projectVars()})
		w.as("").post(t, createProjectQ, map[string]any{"in": projectVars()})
		if after := w.auditCount(t); after != before {
			t.Errorf("audit entries %d → %d after refused writes", before, after)
		}
	})
}

// testRequireTokenForReads: with the setting on, every data request needs
// a valid token of any role; probes and static pages stay open.
func testRequireTokenForReads(t *testing.T, w *writeHarness) {
	p := w.withConfig(server.Config{RequireTokenForReads: true})
	const q = `{ kecamatans { code } }`
	res := p.as("").post(t, q, nil)
	if res.Status != http.StatusUnauthorized || len(res.Errors) == 0 || res.Errors[0].Extensions.Code != "UNAUTHENTICATED" {
		t.Fatalf("anonymous read: status %d\n%s", res.Status, res.Raw)
	}
	var out struct{ Kecamatans []struct{ Code string } }
	p.as(p.viewer).query(t, q, nil, &out)
	if len(out.Kecamatans) != 8 {
		t.Errorf("viewer read %d kecamatan", len(out.Kecamatans))
	}
	p.as(p.viewer).queryError(t, createProjectQ, map[string]any{"in": projectVars()}, "FORBIDDEN")
	for path, want := range map[string]int{
		"/geojson/kecamatan": http.StatusUnauthorized, "/tiles/kelurahan.json": http.StatusUnauthorized,
		"/ogcapi/collections": http.StatusUnauthorized,
		"/healthz":            http.StatusOK, "/readyz": http.StatusOK, "/": http.StatusOK,
	} {
		if res := p.do(t, httptest.NewRequest(http.MethodGet, path, nil)); res.Status != want {
			t.Errorf("anonymous GET %s: status %d, want %d", path, res.Status, want)
		}
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Authorization", "Bearer "+p.viewer)
		if res := p.do(t, req); res.Status != http.StatusOK {
			t.Errorf("viewer GET %s: status %d, want 200", path, res.Status)
		}
	}
}

type auditJSON struct {
	ID, At, ActorName, Operation, RecordType, RecordID string
	TokenID                                            *string
	Before, After                                      map[string]any
}

type auditConnJSON struct {
	TotalCount int
	PageInfo   struct {
		HasNextPage bool
		EndCursor   *string
	}
	Edges []struct {
		Cursor string
		Node   auditJSON
	}
}

const auditQ = `query($f: AuditFilter, $first: Int, $after: String) { auditLog(filter: $f, first: $first, after: $after) {
	totalCount pageInfo { hasNextPage endCursor }
	edges { cursor node { id at tokenId actorName operation recordType recordId before after } } } }`

func (w *writeHarness) audit(t *testing.T, filter map[string]any, first int, after *string) auditConnJSON {
	t.Helper()
	var out struct{ AuditLog auditConnJSON }
	vars := map[string]any{"f": filter, "first": first}
	if after != nil {
		vars["after"] = *after
	}
	w.as(w.admin).query(t, auditQ, vars, &out)
	return out.AuditLog
}

// testAuditLog filters and pages the audit trail through the API.
func testAuditLog(t *testing.T, w *writeHarness) {
	var a, b projectJSON
	w.mutate(t, w.editor, createProjectQ, map[string]any{"in": projectVars()}, "createProject", &a)
	w.mutate(t, w.editor, updateProjectQ, map[string]any{"id": a.ProjectID, "v": 1,
		"in": with(projectVars(), "title", "Judul baru")}, "updateProject", nil)
	w.mutate(t, w.admin, createProjectQ, map[string]any{"in": with(projectVars(), "title", "Proyek admin")}, "createProject", &b)
	w.mutate(t, w.editor, createForumQ, map[string]any{"in": forumVars()}, "createForum", nil)
	w.mutate(t, w.admin, `mutation { createToken(name: "baru", role: VIEWER) { secret } }`, nil, "createToken", nil)

	all := w.audit(t, nil, 500, nil)
	// The harness's 4 tokens and a revocation, then the 5 mutations above.
	if all.TotalCount != 10 || len(all.Edges) != 10 {
		t.Fatalf("%d entries (%d edges), want 10", all.TotalCount, len(all.Edges))
	}
	for i := 1; i < len(all.Edges); i++ {
		if parseTime(t, all.Edges[i-1].Node.At).Before(parseTime(t, all.Edges[i].Node.At)) {
			t.Fatalf("not newest first: %s before %s", all.Edges[i-1].Node.At, all.Edges[i].Node.At)
		}
	}
	newest := all.Edges[0].Node
	if newest.RecordType != "TOKEN" || newest.Operation != "CREATE" || newest.ActorName != "admin" ||
		newest.TokenID == nil || *newest.TokenID != w.tokenID(w.admin) || newest.Before != nil || newest.After["name"] != "baru" {
		t.Errorf("newest entry %+v", newest)
	}
	for _, e := range all.Edges {
		if after, _ := json.Marshal(e.Node.After); strings.Contains(string(after), "srs_") {
			t.Errorf("an audit entry holds a token secret: %+v", e.Node.After)
		}
		if e.Node.ActorName == "servertest" && e.Node.TokenID != nil {
			t.Errorf("the system actor has token id %q", *e.Node.TokenID)
		}
	}

	ids := func(c auditConnJSON) []string {
		var out []string
		for _, e := range c.Edges {
			out = append(out, e.Node.Operation+" "+e.Node.RecordType+" "+e.Node.RecordID)
		}
		return out
	}
	tests := []struct {
		name   string
		filter map[string]any
		want   []string
	}{
		{"record type", map[string]any{"recordType": "PROJECT"},
			[]string{"CREATE PROJECT " + b.ProjectID, "UPDATE PROJECT " + a.ProjectID, "CREATE PROJECT " + a.ProjectID}},
		{"record id", map[string]any{"recordId": a.ProjectID},
			[]string{"UPDATE PROJECT " + a.ProjectID, "CREATE PROJECT " + a.ProjectID}},
		{"token", map[string]any{"tokenId": w.tokenID(w.admin), "recordType": "PROJECT"},
			[]string{"CREATE PROJECT " + b.ProjectID}},
		{"nothing", map[string]any{"recordId": "prj-nothere"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := w.audit(t, tc.filter, 50, nil)
			if !slices.Equal(ids(got), tc.want) || got.TotalCount != len(tc.want) {
				t.Errorf("got %v (total %d), want %v", ids(got), got.TotalCount, tc.want)
			}
		})
	}

	t.Run("time window", func(t *testing.T) {
		// Entries at or after the 3rd newest, and strictly before it.
		pivot := all.Edges[2].Node.At
		var wantFrom, wantTo int
		for _, e := range all.Edges {
			if !parseTime(t, e.Node.At).Before(parseTime(t, pivot)) {
				wantFrom++
			} else {
				wantTo++
			}
		}
		if got := w.audit(t, map[string]any{"from": pivot}, 50, nil).TotalCount; got != wantFrom {
			t.Errorf("from %s: %d entries, want %d", pivot, got, wantFrom)
		}
		if got := w.audit(t, map[string]any{"to": pivot}, 50, nil).TotalCount; got != wantTo {
			t.Errorf("to %s: %d entries, want %d", pivot, got, wantTo)
		}
		future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		if got := w.audit(t, map[string]any{"from": future}, 50, nil).TotalCount; got != 0 {
			t.Errorf("from the future: %d entries", got)
		}
	})
	t.Run("pages", func(t *testing.T) {
		first := w.audit(t, nil, 4, nil)
		if len(first.Edges) != 4 || !first.PageInfo.HasNextPage || first.PageInfo.EndCursor == nil {
			t.Fatalf("first page %+v", first.PageInfo)
		}
		rest := w.audit(t, nil, 50, first.PageInfo.EndCursor)
		got := append(ids(first), ids(rest)...)
		if !slices.Equal(got, ids(all)) || rest.PageInfo.HasNextPage {
			t.Errorf("pages %v, want %v", got, ids(all))
		}
	})
	t.Run("bad filters", func(t *testing.T) {
		e := w.as(w.admin).queryError(t, auditQ, map[string]any{"f": map[string]any{
			"from": "2024-06-01T00:00:00Z", "to": "2024-01-01T00:00:00Z"}}, "BAD_USER_INPUT")
		if e.Extensions.Field != "filter.from" {
			t.Errorf("from after to: field %q", e.Extensions.Field)
		}
		e = w.as(w.admin).queryError(t, auditQ, map[string]any{"f": map[string]any{"from": "2024-06-01"}}, "BAD_USER_INPUT")
		if e.Extensions.Field != "filter.from" {
			t.Errorf("a zoneless from: field %q", e.Extensions.Field)
		}
		w.as(w.admin).queryError(t, auditQ, map[string]any{"first": 501}, "BAD_USER_INPUT")
	})
}

func parseTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("%q is not RFC 3339: %v", s, err)
	}
	return v
}
