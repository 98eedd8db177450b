package servertest

import (
	"slices"
	"testing"

	"github.com/serasi/serasi/internal/domain"
)

func testForums(t *testing.T, h *harness) {
	all, err := h.store.Forums(h.ctx(), domain.ForumFilter{})
	if err != nil || len(all) == 0 {
		t.Fatalf("store forums: %v, %d", err, len(all))
	}
	year := all[0].YearFormed
	tests := []struct {
		name   string
		filter map[string]any
		want   domain.ForumFilter
	}{
		{"none", nil, domain.ForumFilter{}},
		{"statuses", map[string]any{"statuses": []string{"ACTIVE"}}, domain.ForumFilter{Statuses: []domain.ForumStatus{domain.ForumActive}}},
		{"yearFormed", map[string]any{"yearFormed": year}, domain.ForumFilter{YearFormed: &year}},
		{"kelurahanCode", map[string]any{"kelurahanCode": all[0].KelurahanCodes[0]}, domain.ForumFilter{KelurahanCode: all[0].KelurahanCodes[0]}},
		{"kecamatanCode", map[string]any{"kecamatanCode": domain.KecamatanCodeOf(all[0].KelurahanCodes[0])},
			domain.ForumFilter{KecamatanCode: domain.KecamatanCodeOf(all[0].KelurahanCodes[0])}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want, err := h.store.Forums(h.ctx(), tc.want)
			if err != nil {
				t.Fatal(err)
			}
			var out struct{ Forums []struct{ ForumID string } }
			h.query(t, `query($f: ForumFilter) { forums(filter: $f) { forumId } }`, map[string]any{"f": tc.filter}, &out)
			got := codesOf(out.Forums, func(f struct{ ForumID string }) string { return f.ForumID })
			if w := codesOf(want, func(f domain.Forum) string { return f.ID }); !slices.Equal(got, w) || len(w) == 0 {
				t.Errorf("got %v, want %v (non-empty)", got, w)
			}
		})
	}

	t.Run("one", func(t *testing.T) {
		f := all[0]
		projects, err := h.store.Projects(h.ctx(), domain.ProjectFilter{ForumID: f.ID}, domain.ProjectOrder{}, domain.Page{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		acts, err := h.store.Activities(h.ctx(), domain.ActivityFilter{ForumID: f.ID}, domain.Page{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		var out struct {
			Forum *struct {
				ForumID, Name, Status, StatusLabelID, Description string
				YearFormed, MemberCount                           int
				Kelurahan                                         []struct{ Code string }
				Secretariat                                       struct {
					Type        string
					Coordinates []float64
				}
				Projects   struct{ TotalCount int }
				Activities struct{ TotalCount int }
			}
			Unknown *struct{ ForumID string }
		}
		h.query(t, `query($id: String!) {
			forum(id: $id) { forumId name status statusLabelId description yearFormed memberCount
				kelurahan { code } secretariat projects { totalCount } activities { totalCount } }
			unknown: forum(id: "fks-1900-nowhere") { forumId } }`, map[string]any{"id": f.ID}, &out)
		g := out.Forum
		if g == nil || g.ForumID != f.ID || g.Name != f.Name || g.Status != string(f.Status) || g.StatusLabelID != f.Status.LabelID() ||
			g.YearFormed != f.YearFormed || g.MemberCount != f.MemberCount || g.Description != f.Description {
			t.Fatalf("forum = %+v, want %+v", g, f)
		}
		if got := codesOf(g.Kelurahan, func(k struct{ Code string }) string { return k.Code }); !slices.Equal(got, f.KelurahanCodes) {
			t.Errorf("kelurahan = %v, want %v in that order", got, f.KelurahanCodes)
		}
		if g.Secretariat.Type != "Point" || !slices.Equal(g.Secretariat.Coordinates, []float64{f.Secretariat[0], f.Secretariat[1]}) {
			t.Errorf("secretariat = %+v, want %v", g.Secretariat, f.Secretariat)
		}
		if g.Projects.TotalCount != projects.TotalCount || g.Activities.TotalCount != acts.TotalCount {
			t.Errorf("projects %d, activities %d; want %d, %d", g.Projects.TotalCount, g.Activities.TotalCount, projects.TotalCount, acts.TotalCount)
		}
		if out.Unknown != nil {
			t.Errorf("unknown forum = %+v, want null", out.Unknown)
		}
	})
}
