package servertest

import (
	"net/http"
	"testing"
)

// testMe checks the query the map page signs in with, and that the
// mutations taking an id also take the record's global id.
func testMe(t *testing.T, w *writeHarness) {
	for _, c := range []struct {
		name, token, role string
	}{
		{"anonymous", "", ""},
		{"viewer", w.viewer, "VIEWER"},
		{"editor", w.editor, "EDITOR"},
		{"admin", w.admin, "ADMIN"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out struct {
				Me *struct{ TokenID, Name, Role string }
			}
			w.as(c.token).query(t, `{ me { tokenId name role } }`, nil, &out)
			if c.role == "" {
				if out.Me != nil {
					t.Errorf("me = %+v without a token, want null", out.Me)
				}
				return
			}
			tok := w.tokens[c.token]
			if out.Me == nil || out.Me.Role != c.role || out.Me.TokenID != tok.ID || out.Me.Name != tok.Name {
				t.Errorf("me = %+v, want %s %s %s", out.Me, tok.ID, tok.Name, c.role)
			}
		})
	}
	t.Run("revoked", func(t *testing.T) {
		if res := w.as(w.revoked).post(t, `{ me { role } }`, nil); res.Status != http.StatusUnauthorized {
			t.Errorf("revoked token: status %d, want 401", res.Status)
		}
	})
	t.Run("update by global id", func(t *testing.T) {
		var created struct {
			ID, ProjectID string
			Version       int
		}
		w.mutate(t, w.editor, `mutation($in: ProjectInput!) { createProject(input: $in) { id projectId version } }`,
			map[string]any{"in": projectVars()}, "createProject", &created)
		var updated struct {
			ProjectID, Title string
			Version          int
		}
		w.mutate(t, w.editor, `mutation($id: String!, $v: Int!, $in: ProjectInput!) {
			updateProject(id: $id, version: $v, input: $in) { projectId title version } }`,
			map[string]any{"id": created.ID, "v": created.Version, "in": with(projectVars(), "title", "Tugu baru")}, "updateProject", &updated)
		if updated.ProjectID != created.ProjectID || updated.Title != "Tugu baru" || updated.Version != created.Version+1 {
			t.Errorf("updated %+v, created %+v", updated, created)
		}
		var deleted struct{ ProjectID string }
		w.mutate(t, w.editor, `mutation($id: String!, $v: Int!) { deleteProject(id: $id, version: $v) { projectId } }`,
			map[string]any{"id": created.ID, "v": updated.Version}, "deleteProject", &deleted)
		if deleted.ProjectID != created.ProjectID {
			t.Errorf("deleted %+v", deleted)
		}
	})
}
