package servertest

import (
	"math"
	"slices"
	"testing"

	"github.com/serasi/serasi/graph/relay"
	"github.com/serasi/serasi/internal/domain"
)

// testAnalytics covers Kelurahan.neighbours, coverageGaps and
// kelurahanSummary through GraphQL, and the single-record queries taking
// global ids.
func testAnalytics(t *testing.T, h *harness) {
	t.Run("neighbours", func(t *testing.T) {
		var out struct {
			Kelurahans []struct {
				Code       string
				Neighbours []struct{ Code string }
			}
		}
		h.counter.Reset()
		h.query(t, `{ kelurahans { code neighbours { code } } }`, nil, &out)
		// Batched: one call, or a few more when keys miss the loader's
		// window under load (see maxLateBatches); N+1 would be 43.
		if n := h.counter.Calls()["KelurahanNeighbours"]; n < 1 || n > 1+maxLateBatches {
			t.Errorf("KelurahanNeighbours called %d times for one list, want 1 (batched, at most %d more under load)", n, maxLateBatches)
		}
		codes := make([]string, len(out.Kelurahans))
		for i, k := range out.Kelurahans {
			codes[i] = k.Code
		}
		want, err := h.store.KelurahanNeighbours(h.ctx(), codes)
		if err != nil {
			t.Fatal(err)
		}
		most := 0
		for i, k := range out.Kelurahans {
			got := []string{}
			for _, n := range k.Neighbours {
				got = append(got, n.Code)
			}
			if !slices.Equal(got, want[i]) {
				t.Errorf("neighbours of %s = %v, want %v", k.Code, got, want[i])
			}
			most = max(most, len(got))
		}
		if most == 0 || most > 12 {
			t.Errorf("the most neighbours is %d; graph/complexity.go bounds them by 12", most)
		}
	})
	t.Run("neighbours complexity", func(t *testing.T) {
		h.queryError(t, `{ kelurahans { neighbours { neighbours { neighbours { code } } } } }`, nil, "COMPLEXITY_LIMIT_EXCEEDED")
	})
	t.Run("coverageGaps", func(t *testing.T) {
		want, err := h.store.CoverageGaps(h.ctx())
		if err != nil {
			t.Fatal(err)
		}
		var out struct {
			CoverageGaps []struct {
				Kelurahan        struct{ Code, Name string }
				NearestForum     *struct{ ForumID string }
				DistanceMeters   *float64
				NeighbourServed  bool
				ServedNeighbours []struct{ Code string }
			}
		}
		h.query(t, `{ coverageGaps { kelurahan { code name } nearestForum { forumId } distanceMeters
			neighbourServed servedNeighbours { code } } }`, nil, &out)
		if len(out.CoverageGaps) != len(want) || len(want) == 0 {
			t.Fatalf("%d gaps, want %d", len(out.CoverageGaps), len(want))
		}
		for i, g := range out.CoverageGaps {
			w := want[i]
			var served []string
			for _, k := range g.ServedNeighbours {
				served = append(served, k.Code)
			}
			if g.Kelurahan.Code != w.KelurahanCode || g.NearestForum == nil || g.NearestForum.ForumID != w.NearestForumID ||
				g.DistanceMeters == nil || *g.DistanceMeters != w.DistanceMeters ||
				g.NeighbourServed != (len(w.ServedNeighbourCodes) > 0) || !slices.Equal(served, w.ServedNeighbourCodes) && len(served)+len(w.ServedNeighbourCodes) > 0 {
				t.Errorf("gap %d = %+v, want %+v", i, g, w)
			}
		}
	})
	t.Run("kelurahanSummary", func(t *testing.T) {
		year2016 := 2016
		f := domain.ProjectFilter{YearFrom: &year2016, Kinds: []domain.ProjectKind{domain.VillageRoad, domain.DrainageRehabilitation}}
		want, err := h.store.KelurahanSummaries(h.ctx(), f)
		if err != nil {
			t.Fatal(err)
		}
		var out struct {
			KelurahanSummary []struct {
				Kelurahan     struct{ Code string }
				ProjectCount  int
				BudgetRupiah  float64
				BudgetPerSqKm float64
				Beneficiaries int
				ByKind        []struct {
					Kind         *string
					Year         *int
					Count        int
					BudgetRupiah float64
				}
				ByYear []struct {
					Kind         *string
					Year         *int
					Count        int
					BudgetRupiah float64
				}
				ActivityCount    int
				LastActivityDate *string
				ActiveForumCount int
			}
		}
		h.counter.Reset()
		h.query(t, `query($f: ProjectFilter) { kelurahanSummary(filter: $f) { kelurahan { code } projectCount budgetRupiah
			budgetPerSqKm beneficiaries byKind { kind year count budgetRupiah } byYear { kind year count budgetRupiah }
			activityCount lastActivityDate activeForumCount } }`,
			map[string]any{"f": map[string]any{"yearFrom": 2016, "kinds": []string{"VILLAGE_ROAD", "DRAINAGE_REHABILITATION"}}}, &out)
		if n := h.counter.Calls()["KelurahanSummaries"]; n != 1 {
			t.Errorf("KelurahanSummaries called %d times, want 1", n)
		}
		if len(out.KelurahanSummary) != len(want) {
			t.Fatalf("%d summaries, want %d", len(out.KelurahanSummary), len(want))
		}
		sawDate := false
		for i, g := range out.KelurahanSummary {
			w := want[i]
			perKm := float64(w.BudgetRupiah) / (w.AreaSqM / 1e6)
			if g.Kelurahan.Code != w.KelurahanCode || g.ProjectCount != w.ProjectCount || g.BudgetRupiah != float64(w.BudgetRupiah) ||
				math.Abs(g.BudgetPerSqKm-perKm) > 1e-6*perKm || g.ActivityCount != w.ActivityCount || g.ActiveForumCount != w.ActiveForumCount ||
				len(g.ByKind) != len(w.ByKind) || len(g.ByYear) != len(w.ByYear) {
				t.Errorf("summary %d = %+v, want %+v", i, g, w)
				continue
			}
			for j, k := range g.ByKind {
				if k.Kind == nil || *k.Kind != string(w.ByKind[j].Kind) || k.Year != nil || k.Count != w.ByKind[j].Count {
					t.Errorf("%s byKind[%d] = %+v, want %+v", w.KelurahanCode, j, k, w.ByKind[j])
				}
			}
			for j, y := range g.ByYear {
				if y.Year == nil || *y.Year != w.ByYear[j].Year || y.Kind != nil || y.BudgetRupiah != float64(w.ByYear[j].BudgetRupiah) {
					t.Errorf("%s byYear[%d] = %+v, want %+v", w.KelurahanCode, j, y, w.ByYear[j])
				}
			}
			if (g.LastActivityDate == nil) != (w.LastActivityDate == nil) ||
				g.LastActivityDate != nil && *g.LastActivityDate != w.LastActivityDate.Format("2006-01-02") {
				t.Errorf("%s lastActivityDate %v, want %v", w.KelurahanCode, g.LastActivityDate, w.LastActivityDate)
			}
			sawDate = sawDate || g.LastActivityDate != nil
		}
		if !sawDate {
			t.Error("no kelurahan has a last activity date")
		}
		e := h.queryError(t, `{ kelurahanSummary(filter: {yearFrom: 2020, yearTo: 2018}) { projectCount } }`, nil, "BAD_USER_INPUT")
		if e.Extensions.Field != "filter.yearFrom" {
			t.Errorf("field %q, want filter.yearFrom", e.Extensions.Field)
		}
	})
	t.Run("global ids", func(t *testing.T) {
		var out struct {
			Projects struct {
				Edges []struct {
					Node struct{ ID, ProjectID string }
				}
			}
			Forums     []struct{ ID, ForumID string }
			Activities struct {
				Edges []struct {
					Node struct{ ID, ActivityID string }
				}
			}
		}
		h.query(t, `{ projects(first: 1) { edges { node { id projectId } } } forums { id forumId }
			activities(first: 1) { edges { node { id activityId } } } }`, nil, &out)
		if len(out.Projects.Edges) == 0 || len(out.Forums) == 0 || len(out.Activities.Edges) == 0 {
			t.Fatal("no records")
		}
		p, f, a := out.Projects.Edges[0].Node, out.Forums[0], out.Activities.Edges[0].Node
		var got struct {
			PG, PL   *struct{ ProjectID string }
			FG, FL   *struct{ ForumID string }
			AG, AL   *struct{ ActivityID string }
			Wrong    *struct{ ProjectID string }
			Nonsense *struct{ ProjectID string }
		}
		h.query(t, `query($pg: String!, $pl: String!, $fg: String!, $fl: String!, $ag: String!, $al: String!, $wrong: String!) {
			PG: project(id: $pg) { projectId } PL: project(id: $pl) { projectId }
			FG: forum(id: $fg) { forumId } FL: forum(id: $fl) { forumId }
			AG: activity(id: $ag) { activityId } AL: activity(id: $al) { activityId }
			Wrong: project(id: $wrong) { projectId } Nonsense: project(id: "UHJvamVjdDo=") { projectId } }`,
			map[string]any{"pg": p.ID, "pl": p.ProjectID, "fg": f.ID, "fl": f.ForumID, "ag": a.ID, "al": a.ActivityID,
				"wrong": relay.GlobalID(relay.TypeForum, p.ProjectID)}, &got)
		if got.PG == nil || got.PG.ProjectID != p.ProjectID || got.PL == nil || got.PL.ProjectID != p.ProjectID {
			t.Errorf("project by global id %+v, by own id %+v; want %s", got.PG, got.PL, p.ProjectID)
		}
		if got.FG == nil || got.FG.ForumID != f.ForumID || got.FL == nil || got.FL.ForumID != f.ForumID {
			t.Errorf("forum by global id %+v, by own id %+v; want %s", got.FG, got.FL, f.ForumID)
		}
		if got.AG == nil || got.AG.ActivityID != a.ActivityID || got.AL == nil || got.AL.ActivityID != a.ActivityID {
			t.Errorf("activity by global id %+v, by own id %+v; want %s", got.AG, got.AL, a.ActivityID)
		}
		if got.Wrong != nil || got.Nonsense != nil {
			t.Errorf("a forum's global id or an empty one found project %+v / %+v, want null", got.Wrong, got.Nonsense)
		}
	})
}
