package servertest

import (
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
)

func testActivities(t *testing.T, h *harness) {
	all, err := h.store.Activities(h.ctx(), domain.ActivityFilter{}, domain.Page{Limit: 500})
	if err != nil || len(all.Items) == 0 {
		t.Fatalf("store activities: %v, %d", err, all.TotalCount)
	}
	a0 := all.Items[0]
	mid := all.Items[len(all.Items)/2].Date
	from, to := mid.AddDate(-1, 0, 0), mid
	box := orb.Bound{Min: orb.Point{122.58, -5.50}, Max: orb.Point{122.62, -5.44}}
	tests := []struct {
		name   string
		filter map[string]any
		want   domain.ActivityFilter
	}{
		{"kinds", map[string]any{"kinds": []string{string(a0.Kind)}}, domain.ActivityFilter{Kinds: []domain.ActivityKind{a0.Kind}}},
		{"forumId", map[string]any{"forumId": a0.ForumID}, domain.ActivityFilter{ForumID: a0.ForumID}},
		{"kelurahanCodes", map[string]any{"kelurahanCodes": []string{a0.KelurahanCode}}, domain.ActivityFilter{KelurahanCodes: []string{a0.KelurahanCode}}},
		{"dates", map[string]any{"dateFrom": from.Format(time.DateOnly), "dateTo": to.Format(time.DateOnly)},
			domain.ActivityFilter{DateFrom: &from, DateTo: &to}},
		{"bbox", map[string]any{"bbox": []float64{box.Min[0], box.Min[1], box.Max[0], box.Max[1]}}, domain.ActivityFilter{BBox: &box}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want, err := h.store.Activities(h.ctx(), tc.want, domain.Page{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			var out struct {
				Activities struct {
					TotalCount int
					Edges      []struct{ Node struct{ ActivityID string } }
				}
			}
			h.query(t, `query($f: ActivityFilter) { activities(filter: $f, first: 500) { totalCount edges { node { activityId } } } }`,
				map[string]any{"f": tc.filter}, &out)
			got := codesOf(out.Activities.Edges, func(e struct{ Node struct{ ActivityID string } }) string { return e.Node.ActivityID })
			if !slices.Equal(got, codesOf(want.Items, func(a domain.Activity) string { return a.ID })) || out.Activities.TotalCount != want.TotalCount {
				t.Errorf("got %v, want %d activities", got, want.TotalCount)
			}
			if want.TotalCount == 0 || want.TotalCount == all.TotalCount {
				t.Errorf("filter %v keeps %d of %d: it tests nothing", tc.filter, want.TotalCount, all.TotalCount)
			}
		})
	}

	t.Run("one", func(t *testing.T) {
		var out struct {
			Activity *struct {
				ActivityID, Title, Kind, KindLabelID, Date, Description string
				Participants                                            int
				Forum                                                   struct{ ForumID string }
				Location                                                *struct {
					Type        string
					Coordinates []float64
				}
				Kelurahan *struct{ Code string }
			}
			Unknown *struct{ ActivityID string }
		}
		h.query(t, `query($id: String!) {
			activity(id: $id) { activityId title kind kindLabelId date description participants forum { forumId } location kelurahan { code } }
			unknown: activity(id: "act-nope") { activityId } }`, map[string]any{"id": a0.ID}, &out)
		g := out.Activity
		if g == nil || g.ActivityID != a0.ID || g.Title != a0.Title || g.Kind != string(a0.Kind) || g.KindLabelID != a0.Kind.LabelID() ||
			g.Date != a0.Date.Format(time.DateOnly) || g.Participants != a0.Participants || g.Forum.ForumID != a0.ForumID {
			t.Fatalf("activity = %+v, want %+v", g, a0)
		}
		if (g.Location == nil) != (a0.Location == nil) || g.Location != nil && !slices.Equal(g.Location.Coordinates, []float64{a0.Location[0], a0.Location[1]}) {
			t.Errorf("location = %+v, want %v", g.Location, a0.Location)
		}
		if g.Kelurahan == nil || g.Kelurahan.Code != a0.KelurahanCode {
			t.Errorf("kelurahan = %+v, want %s", g.Kelurahan, a0.KelurahanCode)
		}
		if out.Unknown != nil {
			t.Errorf("unknown activity = %+v, want null", out.Unknown)
		}
	})
	t.Run("kelurahan.activities", func(t *testing.T) {
		want, err := h.store.Activities(h.ctx(), domain.ActivityFilter{KelurahanCodes: []string{a0.KelurahanCode}}, domain.Page{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		var out struct {
			Kelurahan struct{ Activities struct{ TotalCount int } }
		}
		h.query(t, `query($c: String!) { kelurahan(code: $c) { activities { totalCount } } }`, map[string]any{"c": a0.KelurahanCode}, &out)
		if out.Kelurahan.Activities.TotalCount != want.TotalCount || want.TotalCount == 0 {
			t.Errorf("totalCount %d, want %d", out.Kelurahan.Activities.TotalCount, want.TotalCount)
		}
	})
}
