package servertest

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
)

type projectEdgeJSON struct {
	Cursor         string
	DistanceMeters *float64
	Node           struct{ ProjectID string }
}

type projectConnJSON struct {
	TotalCount int
	PageInfo   struct {
		HasNextPage, HasPreviousPage bool
		StartCursor, EndCursor       *string
	}
	Edges []projectEdgeJSON
}

const projectConnFields = `totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor distanceMeters node { projectId } }`

func projectIDs(c projectConnJSON) []string {
	return codesOf(c.Edges, func(e projectEdgeJSON) string { return e.Node.ProjectID })
}

func hitIDs(hits []domain.ProjectHit) []string {
	return codesOf(hits, func(h domain.ProjectHit) string { return h.ID })
}

func testProjects(t *testing.T, h *harness) {
	all, err := h.store.Projects(h.ctx(), domain.ProjectFilter{}, domain.ProjectOrder{}, domain.Page{Limit: 500})
	if err != nil || len(all.Items) == 0 {
		t.Fatalf("store projects: %v, %d", err, all.TotalCount)
	}
	p0 := all.Items[0].Project
	wale, err := h.store.Kelurahan(h.ctx(), "74.72.02.1001")
	if err != nil {
		t.Fatal(err)
	}
	y1, y2 := 2016, 2019
	waleRing := orb.Polygon{orb.Ring{
		{wale.Bound.Min[0], wale.Bound.Min[1]}, {wale.Bound.Max[0], wale.Bound.Min[1]},
		{wale.Bound.Max[0], wale.Bound.Max[1]}, {wale.Bound.Min[0], wale.Bound.Max[1]}, {wale.Bound.Min[0], wale.Bound.Min[1]}}}
	c := wale.Centroid

	tests := []struct {
		name    string
		filter  map[string]any
		orderBy map[string]any
		want    domain.ProjectFilter
		order   domain.ProjectOrder
	}{
		{"kinds", map[string]any{"kinds": []string{"VILLAGE_ROAD", "SPORTS_FIELD"}}, nil,
			domain.ProjectFilter{Kinds: []domain.ProjectKind{domain.VillageRoad, domain.SportsField}}, domain.ProjectOrder{}},
		{"statuses", map[string]any{"statuses": []string{"COMPLETED"}}, nil,
			domain.ProjectFilter{Statuses: []domain.ProjectStatus{domain.ProjectCompleted}}, domain.ProjectOrder{}},
		{"years", map[string]any{"yearFrom": y1, "yearTo": y2}, nil, domain.ProjectFilter{YearFrom: &y1, YearTo: &y2}, domain.ProjectOrder{}},
		{"kelurahanCodes", map[string]any{"kelurahanCodes": []string{p0.KelurahanCode}}, nil,
			domain.ProjectFilter{KelurahanCodes: []string{p0.KelurahanCode}}, domain.ProjectOrder{}},
		{"kecamatanCodes", map[string]any{"kecamatanCodes": []string{"74.72.02", "74.72.06"}}, nil,
			domain.ProjectFilter{KecamatanCodes: []string{"74.72.02", "74.72.06"}}, domain.ProjectOrder{}},
		{"forumId", map[string]any{"forumId": p0.ForumID}, nil, domain.ProjectFilter{ForumID: p0.ForumID}, domain.ProjectOrder{}},
		{"bbox", map[string]any{"bbox": []float64{wale.Bound.Min[0], wale.Bound.Min[1], wale.Bound.Max[0], wale.Bound.Max[1]}}, nil,
			domain.ProjectFilter{BBox: &wale.Bound}, domain.ProjectOrder{}},
		{"within", map[string]any{"within": map[string]any{"type": "Polygon", "coordinates": waleRing}}, nil,
			domain.ProjectFilter{Within: waleRing}, domain.ProjectOrder{}},
		{"near", map[string]any{"near": map[string]any{"lon": c[0], "lat": c[1], "radiusMeters": 1500}}, nil,
			domain.ProjectFilter{Near: &domain.Near{Point: c, RadiusMeters: 1500}}, domain.ProjectOrder{}},
		{"near by budget", map[string]any{"near": map[string]any{"lon": c[0], "lat": c[1], "radiusMeters": 3000}},
			map[string]any{"field": "BUDGET", "direction": "DESC"},
			domain.ProjectFilter{Near: &domain.Near{Point: c, RadiusMeters: 3000}}, domain.ProjectOrder{Field: domain.OrderByBudget, Desc: true}},
		{"order by title", nil, map[string]any{"field": "TITLE"}, domain.ProjectFilter{}, domain.ProjectOrder{Field: domain.OrderByTitle}},
		{"order by year desc", nil, map[string]any{"field": "YEAR", "direction": "DESC"}, domain.ProjectFilter{}, domain.ProjectOrder{Field: domain.OrderByYear, Desc: true}},
		{"order by distance", map[string]any{"near": map[string]any{"lon": c[0], "lat": c[1], "radiusMeters": 50000}},
			map[string]any{"field": "DISTANCE", "direction": "DESC"},
			domain.ProjectFilter{Near: &domain.Near{Point: c, RadiusMeters: 50000}}, domain.ProjectOrder{Field: domain.OrderByDistance, Desc: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want, err := h.store.Projects(h.ctx(), tc.want, tc.order, domain.Page{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			var out struct{ Projects projectConnJSON }
			h.query(t, `query($f: ProjectFilter, $o: ProjectOrder) { projects(filter: $f, orderBy: $o, first: 500) { `+projectConnFields+` } }`,
				map[string]any{"f": tc.filter, "o": tc.orderBy}, &out)
			got := out.Projects
			if !slices.Equal(projectIDs(got), hitIDs(want.Items)) || got.TotalCount != want.TotalCount {
				t.Fatalf("got %d %v\nwant %d %v", got.TotalCount, projectIDs(got), want.TotalCount, hitIDs(want.Items))
			}
			if tc.filter != nil && tc.order.Field == "" && (want.TotalCount == 0 || want.TotalCount == all.TotalCount) {
				t.Errorf("filter %v keeps %d of %d projects: it tests nothing", tc.filter, want.TotalCount, all.TotalCount)
			}
			for i, e := range got.Edges {
				switch {
				case tc.want.Near == nil && e.DistanceMeters != nil:
					t.Errorf("edge %d has distanceMeters without near", i)
				case tc.want.Near != nil && (e.DistanceMeters == nil || math.Abs(*e.DistanceMeters-want.Items[i].DistanceMeters) > 1e-6):
					t.Errorf("edge %d distanceMeters %v, want %g", i, e.DistanceMeters, want.Items[i].DistanceMeters)
				}
			}
		})
	}

	t.Run("near orders nearest first", func(t *testing.T) {
		var out struct{ Projects projectConnJSON }
		h.query(t, `query($lon: Float!, $lat: Float!) { projects(filter: {near: {lon: $lon, lat: $lat, radiusMeters: 50000}}) { `+projectConnFields+` } }`,
			map[string]any{"lon": c[0], "lat": c[1]}, &out)
		if len(out.Projects.Edges) < 2 {
			t.Fatalf("%d projects within 50 km of Wale", len(out.Projects.Edges))
		}
		for i, e := range out.Projects.Edges {
			if e.DistanceMeters == nil {
				t.Fatalf("edge %d has no distanceMeters", i)
			}
		}
		for i := 1; i < len(out.Projects.Edges); i++ {
			if *out.Projects.Edges[i].DistanceMeters < *out.Projects.Edges[i-1].DistanceMeters {
				t.Fatalf("edge %d is nearer than edge %d", i, i-1)
			}
		}
	})

	t.Run("one", func(t *testing.T) {
		var p domain.Project
		for _, it := range all.Items {
			if it.ForumID != "" && it.StartDate != nil {
				p = it.Project
				break
			}
		}
		var out struct {
			Project *struct {
				ProjectID, Title, Kind, KindLabelID, Status, StatusLabelID, Description string
				Year, Beneficiaries                                                     int
				BudgetRupiah                                                            float64
				StartDate                                                               *string
				Kelurahan                                                               struct{ Code string }
				Forum                                                                   *struct{ ForumID string }
				Geometry                                                                struct{ Type string }
			}
			Unknown *struct{ ProjectID string }
		}
		h.query(t, `query($id: String!) {
			project(id: $id) { projectId title kind kindLabelId status statusLabelId description year beneficiaries
				budgetRupiah startDate kelurahan { code } forum { forumId } geometry }
			unknown: project(id: "prj-nope") { projectId } }`, map[string]any{"id": p.ID}, &out)
		g := out.Project
		if g == nil || g.ProjectID != p.ID || g.Title != p.Title || g.Kind != string(p.Kind) || g.KindLabelID != p.Kind.LabelID() ||
			g.Status != string(p.Status) || g.StatusLabelID != p.Status.LabelID() || g.Year != p.Year ||
			g.Beneficiaries != p.Beneficiaries || g.BudgetRupiah != float64(p.BudgetRupiah) || g.Description != p.Description {
			t.Fatalf("project = %+v, want %+v", g, p)
		}
		if g.StartDate == nil || *g.StartDate != p.StartDate.Format(time.DateOnly) {
			t.Errorf("startDate = %v, want %s", g.StartDate, p.StartDate)
		}
		if g.Kelurahan.Code != p.KelurahanCode || g.Forum == nil || g.Forum.ForumID != p.ForumID || g.Geometry.Type != p.Geometry.GeoJSONType() {
			t.Errorf("relations = %+v, want %s, %s, %s", g, p.KelurahanCode, p.ForumID, p.Geometry.GeoJSONType())
		}
		if out.Unknown != nil {
			t.Errorf("unknown project = %+v, want null", out.Unknown)
		}
	})

	t.Run("budgets are plain numbers", func(t *testing.T) {
		res := h.post(t, `{ projects(first: 500) { edges { node { budgetRupiah } } } }`, nil)
		if len(res.Errors) > 0 || strings.Contains(string(res.Data), "e+") {
			t.Errorf("budgets in exponent notation: %.300s", res.Data)
		}
	})

	t.Run("kelurahan.projects", func(t *testing.T) {
		want, err := h.store.Projects(h.ctx(), domain.ProjectFilter{KelurahanCodes: []string{p0.KelurahanCode}}, domain.ProjectOrder{}, domain.Page{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		var out struct {
			Kelurahan struct{ All, Other, Kind projectConnJSON }
		}
		h.query(t, `query($code: String!, $kind: ProjectKind!) { kelurahan(code: $code) {
			all: projects { `+projectConnFields+` }
			other: projects(filter: {kelurahanCodes: ["74.72.99.9999"]}) { `+projectConnFields+` }
			kind: projects(filter: {kinds: [$kind]}) { `+projectConnFields+` } } }`,
			map[string]any{"code": p0.KelurahanCode, "kind": p0.Kind}, &out)
		if !slices.Equal(projectIDs(out.Kelurahan.All), hitIDs(want.Items)) {
			t.Errorf("projects = %v, want %v", projectIDs(out.Kelurahan.All), hitIDs(want.Items))
		}
		if out.Kelurahan.Other.TotalCount != 0 || len(out.Kelurahan.Other.Edges) != 0 {
			t.Errorf("a filter on another kelurahan gives %+v, want an empty connection", out.Kelurahan.Other)
		}
		if !slices.Contains(projectIDs(out.Kelurahan.Kind), p0.ID) || out.Kelurahan.Kind.TotalCount > want.TotalCount {
			t.Errorf("kind filter: %v", projectIDs(out.Kelurahan.Kind))
		}
	})
}

func testNearestProjects(t *testing.T, h *harness) {
	p := orb.Point{122.6077, -5.4560}
	tests := []struct {
		name  string
		args  map[string]any
		limit int
		kinds []domain.ProjectKind
	}{
		{"default limit", map[string]any{}, 10, nil},
		{"limit 3", map[string]any{"limit": 3}, 3, nil},
		{"kinds", map[string]any{"kinds": []string{"SPORTS_FIELD"}, "limit": 100}, 100, []domain.ProjectKind{domain.SportsField}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want, err := h.store.NearestProjects(h.ctx(), p, tc.limit, tc.kinds)
			if err != nil {
				t.Fatal(err)
			}
			vars := map[string]any{"lon": p[0], "lat": p[1], "limit": 10, "kinds": nil}
			for k, v := range tc.args {
				vars[k] = v
			}
			var out struct {
				NearestProjects []struct {
					DistanceMeters float64
					Project        struct{ ProjectID string }
				}
			}
			h.query(t, `query($lon: Float!, $lat: Float!, $limit: Int, $kinds: [ProjectKind!]) {
				nearestProjects(lon: $lon, lat: $lat, limit: $limit, kinds: $kinds) { distanceMeters project { projectId } } }`, vars, &out)
			if len(out.NearestProjects) != len(want) || len(want) == 0 {
				t.Fatalf("%d hits, want %d (non-zero)", len(out.NearestProjects), len(want))
			}
			for i, hit := range out.NearestProjects {
				if hit.Project.ProjectID != want[i].ID || math.Abs(hit.DistanceMeters-want[i].DistanceMeters) > 1e-6 {
					t.Errorf("hit %d = %+v, want %s at %g m", i, hit, want[i].ID, want[i].DistanceMeters)
				}
			}
		})
	}
}

func testProjectStats(t *testing.T, h *harness) {
	all, err := h.store.Projects(h.ctx(), domain.ProjectFilter{}, domain.ProjectOrder{}, domain.Page{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var budget int64
	for _, p := range all.Items {
		budget += p.BudgetRupiah
	}
	type row struct {
		Year          *int
		Kind, Status  *string
		Kelurahan     *struct{ Code string }
		Kecamatan     *struct{ Code string }
		Forum         *struct{ ForumID string }
		Count         int
		BudgetRupiah  float64
		Beneficiaries int
	}
	const fields = `year kind status kelurahan { code } kecamatan { code } forum { forumId } count budgetRupiah beneficiaries`
	t.Run("totals", func(t *testing.T) {
		var out struct{ ProjectStats []row }
		h.query(t, `{ projectStats { `+fields+` } }`, nil, &out)
		if len(out.ProjectStats) != 1 {
			t.Fatalf("%d rows, want 1", len(out.ProjectStats))
		}
		r := out.ProjectStats[0]
		if r.Count != all.TotalCount || r.BudgetRupiah != float64(budget) || r.Year != nil || r.Kind != nil || r.Kelurahan != nil || r.Forum != nil {
			t.Errorf("row = %+v, want %d projects, %d rupiah, no keys", r, all.TotalCount, budget)
		}
	})
	for _, by := range [][]string{{"YEAR", "KIND"}, {"KELURAHAN"}, {"KECAMATAN", "STATUS"}, {"FORUM"}} {
		t.Run("by "+by[0], func(t *testing.T) {
			dims := make([]domain.StatsDimension, len(by))
			for i, d := range by {
				dims[i] = domain.StatsDimension(d)
			}
			want, err := h.store.ProjectStats(h.ctx(), domain.ProjectFilter{}, dims)
			if err != nil {
				t.Fatal(err)
			}
			var out struct{ ProjectStats []row }
			h.query(t, `query($by: [StatsDimension!]) { projectStats(groupBy: $by) { `+fields+` } }`, map[string]any{"by": by}, &out)
			if len(out.ProjectStats) != len(want) || len(want) < 2 {
				t.Fatalf("%d rows, want %d (at least 2)", len(out.ProjectStats), len(want))
			}
			count, sum := 0, 0.0
			for i, r := range out.ProjectStats {
				w := want[i]
				count += r.Count
				sum += r.BudgetRupiah
				if r.Count != w.Count || r.BudgetRupiah != float64(w.BudgetRupiah) || r.Beneficiaries != w.Beneficiaries {
					t.Errorf("row %d = %+v, want %+v", i, r, w)
				}
				grouped := func(d string) bool { return slices.Contains(by, d) }
				if (r.Year != nil) != grouped("YEAR") || (r.Kind != nil) != grouped("KIND") || (r.Status != nil) != grouped("STATUS") ||
					(r.Kelurahan != nil) != grouped("KELURAHAN") || (r.Kecamatan != nil) != grouped("KECAMATAN") {
					t.Errorf("row %d = %+v: keys do not match groupBy %v", i, r, by)
				}
				if r.Kelurahan != nil && r.Kelurahan.Code != w.KelurahanCode || r.Kecamatan != nil && r.Kecamatan.Code != w.KecamatanCode ||
					r.Forum != nil && r.Forum.ForumID != w.ForumID || r.Year != nil && *r.Year != w.Year {
					t.Errorf("row %d keys = %+v, want %+v", i, r, w)
				}
			}
			if count != all.TotalCount || sum != float64(budget) {
				t.Errorf("rows add up to %d projects, %g rupiah; want %d, %d", count, sum, all.TotalCount, budget)
			}
		})
	}
}
