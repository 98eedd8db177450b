package servertest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/spatial"
)

// testWriteValidation sends bad input of every kind and expects
// BAD_USER_INPUT naming the field under "input.", and nothing changed.
func testWriteValidation(t *testing.T, w *writeHarness) {
	projectsBefore, auditBefore := w.projectCount(t), w.auditCount(t)

	x, y, d := waleLon, waleLat, 0.0003
	longLine := make([][]float64, spatial.MaxVertices+1)
	for i := range longLine {
		longLine[i] = []float64{x + float64(i)*1e-8, y}
	}
	tests := []struct {
		name  string
		query string
		in    map[string]any
		field string
	}{
		{"title of 201 characters", createProjectQ, with(projectVars(), "title", strings.Repeat("é", 201)), "input.title"},
		{"forum name of 201 characters", createForumQ, with(forumVars(), "name", strings.Repeat("x", 201)), "input.name"},
		{"activity title of 201 characters", recordActQ, with(activityVars(), "title", strings.Repeat("x", 201)), "input.title"},
		{"budget -1", createProjectQ, with(projectVars(), "budgetRupiah", -1), "input.budgetRupiah"},
		{"budget not whole", createProjectQ, with(projectVars(), "budgetRupiah", 1.5), "input.budgetRupiah"},
		{"budget beyond the limit", createProjectQ, with(projectVars(), "budgetRupiah", 1e300), "input.budgetRupiah"},
		{"year 2014", createProjectQ, with(projectVars(), "year", 2014), "input.year"},
		{"the year after next", createProjectQ, with(projectVars(), "year", nextYear()+1), "input.year"},
		{"forum formed the year after next", createForumQ, with(forumVars(), "yearFormed", nextYear()+1), "input.yearFormed"},
		{"finish before start", createProjectQ, with(projectVars(), "finishDate", "2024-02-29"), "input.finishDate"},
		{"unclosed ring", createProjectQ, with(projectVars(), "kind", "SPORTS_FIELD",
			"geometry", geoPolygon([]float64{x, y}, []float64{x + d, y}, []float64{x + d, y + d}, []float64{x, y + d})), "input.geometry"},
		{"self-intersecting polygon", createProjectQ, with(projectVars(), "kind", "SPORTS_FIELD",
			"geometry", geoPolygon([]float64{x, y}, []float64{x + d, y + d}, []float64{x + d, y}, []float64{x, y + d}, []float64{x, y})), "input.geometry"},
		{"10,001 vertices", createProjectQ, with(projectVars(), "kind", "VILLAGE_ROAD", "geometry", geoLine(longLine...)), "input.geometry"},
		{"1-point line", createProjectQ, with(projectVars(), "kind", "VILLAGE_ROAD", "geometry", geoLine([]float64{x, y})), "input.geometry"},
		{"Point for a VILLAGE_ROAD", createProjectQ, with(projectVars(), "kind", "VILLAGE_ROAD"), "input.geometry"},
		{"geometry outside every kelurahan", createProjectQ, with(projectVars(), "geometry", geoPoint(jakartaLon, jakartaLat)), "input.geometry"},
		{"geometry at sea", createProjectQ, with(projectVars(), "geometry", geoPoint(122.60, -5.42)), "input.geometry"},
		{"contradicting kelurahanCode", createProjectQ, with(projectVars(), "kelurahanCode", "74.72.01.1001"), "input.kelurahanCode"},
		{"unknown forum", createProjectQ, with(projectVars(), "forumId", "fks-nowhere"), "input.forumId"},
		{"secretariat not a Point", createForumQ, with(forumVars(), "secretariat",
			geoLine([]float64{x, y}, []float64{x + d, y})), "input.secretariat"},
		{"secretariat at sea", createForumQ, with(forumVars(), "secretariat", geoPoint(122.60, -5.42)), "input.secretariat"},
		{"kelurahan twice", createForumQ, with(forumVars(), "kelurahanCodes", []string{waleCode, waleCode}), "input.kelurahanCodes[1]"},
		{"location not a Point", recordActQ, with(activityVars(), "location",
			geoPolygon([]float64{x, y}, []float64{x + d, y}, []float64{x + d, y + d}, []float64{x, y})), "input.location"},
		{"activity before its forum", recordActQ, with(activityVars(), "forumId", forum2017, "date", "2016-05-01"), "input.date"},
		{"not a date", recordActQ, with(activityVars(), "date", "17-05-2024"), "input.date"},
		{"negative participants", recordActQ, with(activityVars(), "participants", -1), "input.participants"},
		{"bad id", createProjectQ, with(projectVars(), "id", "Not An ID"), "input.id"},
		{"update naming another id", updateProjectQ, with(projectVars(), "id", "prj-other"), "input.id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			vars := map[string]any{"in": tc.in}
			if strings.Contains(tc.query, "$id") {
				p, err := w.rw.Projects(w.ctx(), domain.ProjectFilter{}, domain.ProjectOrder{}, domain.Page{Limit: 1})
				if err != nil {
					t.Fatal(err)
				}
				vars["id"], vars["v"] = p.Items[0].ID, p.Items[0].Version
			}
			res := w.as(w.editor).post(t, tc.query, vars)
			if res.Status != http.StatusOK || len(res.Errors) != 1 {
				t.Fatalf("status %d, want 200 with one error\n%.600s", res.Status, res.Raw)
			}
			e := res.Errors[0]
			if e.Extensions.Code != "BAD_USER_INPUT" || e.Extensions.Field != tc.field {
				t.Fatalf("code %s field %q, want BAD_USER_INPUT %q: %s", e.Extensions.Code, e.Extensions.Field, tc.field, e.Message)
			}
			if e.Message == "" || strings.Contains(e.Message, "internal") {
				t.Errorf("message %q", e.Message)
			}
		})
	}

	t.Run("several fields at once", func(t *testing.T) {
		in := with(projectVars(), "title", "", "year", 2014, "budgetRupiah", -5)
		e := w.as(w.editor).queryError(t, createProjectQ, map[string]any{"in": in}, "BAD_USER_INPUT")
		got := map[string]string{}
		for _, f := range e.Extensions.Fields {
			got[f.Field] = f.Message
		}
		for _, f := range []string{"input.title", "input.year", "input.budgetRupiah"} {
			if got[f] == "" {
				t.Errorf("extensions.fields %+v lacks %s", e.Extensions.Fields, f)
			}
		}
		if len(e.Extensions.Fields) == 0 || e.Extensions.Field != e.Extensions.Fields[0].Field {
			t.Errorf("extensions.field %q is not the first of extensions.fields %+v", e.Extensions.Field, e.Extensions.Fields)
		}
	})
	t.Run("one field has no fields list", func(t *testing.T) {
		e := w.as(w.editor).queryError(t, createProjectQ, map[string]any{"in": with(projectVars(), "year", 2014)}, "BAD_USER_INPUT")
		if e.Extensions.Fields != nil {
			t.Errorf("extensions.fields %+v for a single error", e.Extensions.Fields)
		}
	})

	if got := w.projectCount(t); got != projectsBefore {
		t.Errorf("%d projects after refused writes, want %d", got, projectsBefore)
	}
	if got := w.auditCount(t); got != auditBefore {
		t.Errorf("%d audit entries after refused writes, want %d", got, auditBefore)
	}
}

// testWriteConflicts: a write naming a stale version is CONFLICT and
// changes nothing; so is an id that is taken. Unknown ids are NOT_FOUND.
func testWriteConflicts(t *testing.T, w *writeHarness) {
	var p projectJSON
	w.mutate(t, w.editor, createProjectQ, map[string]any{"in": projectVars()}, "createProject", &p)
	w.mutate(t, w.editor, updateProjectQ, map[string]any{"id": p.ProjectID, "v": 1,
		"in": with(projectVars(), "title", "Versi dua")}, "updateProject", nil)
	audit := w.auditCount(t)

	e := w.as(w.editor).queryError(t, updateProjectQ, map[string]any{"id": p.ProjectID, "v": 1,
		"in": with(projectVars(), "title", "Versi basi")}, "CONFLICT")
	if e.Extensions.Field != "version" {
		t.Errorf("conflict field %q, want version", e.Extensions.Field)
	}
	w.as(w.editor).queryError(t, deleteProjectQ, map[string]any{"id": p.ProjectID, "v": 1}, "CONFLICT")
	w.as(w.editor).queryError(t, deleteProjectQ, map[string]any{"id": p.ProjectID, "v": 3}, "CONFLICT")

	got, err := w.rw.Project(w.ctx(), p.ProjectID)
	if err != nil || got.Version != 2 || got.Title != "Versi dua" {
		t.Fatalf("after the stale writes: %+v, %v; want version 2 titled Versi dua", got, err)
	}

	e = w.as(w.editor).queryError(t, createProjectQ, map[string]any{"in": with(projectVars(), "id", p.ProjectID)}, "CONFLICT")
	if e.Extensions.Field != "input.id" {
		t.Errorf("taken id: field %q, want input.id", e.Extensions.Field)
	}
	w.as(w.editor).queryError(t, createForumQ, map[string]any{"in": with(forumVars(), "id", waleForum)}, "CONFLICT")
	w.as(w.editor).queryError(t, archiveForumQ, map[string]any{"id": waleForum, "v": 99}, "CONFLICT")
	w.as(w.editor).queryError(t, updateProjectQ, map[string]any{"id": "prj-nothere", "v": 1, "in": projectVars()}, "NOT_FOUND")
	w.as(w.editor).queryError(t, deleteActQ, map[string]any{"id": "act-nothere", "v": 1}, "NOT_FOUND")

	if n := w.auditCount(t); n != audit {
		t.Errorf("%d audit entries after refused writes, want %d", n, audit)
	}
}
