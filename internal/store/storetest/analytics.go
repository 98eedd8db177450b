package storetest

import (
	"cmp"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/geodesy"
	"github.com/serasi/serasi/internal/store"
)

// Facts of the embedded data for the analytics: Wajo and Wameo leave a
// 13 m sliver gap between them, Wale and Lanto are 118 m apart.
const (
	wajoCode  = "74.72.06.1007"
	wameoCode = "74.72.08.1003"
	lantoCode = "74.72.08.1005"
)

// expectNeighbours derives the neighbour relation by brute force over
// every pair of kelurahan.
func expectNeighbours(ds *dataset.Dataset) map[string][]string {
	out := map[string][]string{}
	for _, a := range ds.Kelurahans {
		out[a.Code] = []string{}
		for _, b := range ds.Kelurahans {
			if a.Code != b.Code && geodesy.PolygonsWithin(a.Geometry, b.Geometry, store.NeighbourToleranceMeters) {
				out[a.Code] = append(out[a.Code], b.Code)
			}
		}
		slices.Sort(out[a.Code])
	}
	return out
}

func servedByActive(ds *dataset.Dataset, forums []domain.Forum) map[string]bool {
	out := map[string]bool{}
	for _, f := range forums {
		if f.Status == domain.ForumActive {
			for _, c := range f.KelurahanCodes {
				out[c] = true
			}
		}
	}
	return out
}

func expectCoverageGaps(ds *dataset.Dataset, forums []domain.Forum) []domain.CoverageGap {
	nb := expectNeighbours(ds)
	served := servedByActive(ds, forums)
	out := []domain.CoverageGap{}
	for _, k := range ds.Kelurahans {
		if !k.ConflictProne || served[k.Code] {
			continue
		}
		g := domain.CoverageGap{KelurahanCode: k.Code, ServedNeighbourCodes: []string{}}
		for _, f := range forums {
			d := geodesy.Distance(k.Centroid, f.Secretariat)
			if f.Status == domain.ForumActive && (g.NearestForumID == "" || d < g.DistanceMeters ||
				d == g.DistanceMeters && f.ID < g.NearestForumID) {
				g.NearestForumID, g.DistanceMeters = f.ID, d
			}
		}
		for _, c := range nb[k.Code] {
			if served[c] {
				g.ServedNeighbourCodes = append(g.ServedNeighbourCodes, c)
			}
		}
		out = append(out, g)
	}
	return out
}

func checkCoverageGaps(t *testing.T, want, got []domain.CoverageGap) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d coverage gaps %v, want %d %v", len(got), got, len(want), want)
	}
	for i := range want {
		w, g := want[i], got[i]
		if g.KelurahanCode != w.KelurahanCode || g.NearestForumID != w.NearestForumID ||
			!closeDistance(g.DistanceMeters, w.DistanceMeters) ||
			!reflect.DeepEqual(g.ServedNeighbourCodes, w.ServedNeighbourCodes) {
			t.Errorf("gap %d = %+v, want %+v", i, g, w)
		}
	}
}

func expectSummaries(t *testing.T, ds *dataset.Dataset, f domain.ProjectFilter) []domain.KelurahanSummary {
	out := make([]domain.KelurahanSummary, len(ds.Kelurahans))
	at := map[string]*domain.KelurahanSummary{}
	for i, k := range ds.Kelurahans {
		out[i] = domain.KelurahanSummary{KelurahanCode: k.Code, AreaSqM: k.AreaSqM,
			ByKind: []domain.SummaryTotal{}, ByYear: []domain.SummaryTotal{}}
		at[k.Code] = &out[i]
	}
	add := func(ts []domain.SummaryTotal, key domain.SummaryTotal, budget int64) []domain.SummaryTotal {
		for i := range ts {
			if ts[i].Kind == key.Kind && ts[i].Year == key.Year {
				ts[i].Count++
				ts[i].BudgetRupiah += budget
				return ts
			}
		}
		key.Count, key.BudgetRupiah = 1, budget
		return append(ts, key)
	}
	for _, m := range matchProjects(t, ds, f, geoFacts{}) {
		s := at[m.p.KelurahanCode]
		s.ProjectCount++
		s.BudgetRupiah += m.p.BudgetRupiah
		s.Beneficiaries += m.p.Beneficiaries
		s.ByKind = add(s.ByKind, domain.SummaryTotal{Kind: m.p.Kind}, m.p.BudgetRupiah)
		s.ByYear = add(s.ByYear, domain.SummaryTotal{Year: m.p.Year}, m.p.BudgetRupiah)
	}
	for _, a := range ds.Activities {
		s := at[a.KelurahanCode]
		s.ActivityCount++
		if s.LastActivityDate == nil || a.Date.After(*s.LastActivityDate) {
			s.LastActivityDate = ptr(a.Date)
		}
	}
	for _, fo := range ds.Forums {
		if fo.Status == domain.ForumActive {
			for _, c := range fo.KelurahanCodes {
				at[c].ActiveForumCount++
			}
		}
	}
	for i := range out {
		slices.SortFunc(out[i].ByKind, func(a, b domain.SummaryTotal) int { return strings.Compare(string(a.Kind), string(b.Kind)) })
		slices.SortFunc(out[i].ByYear, func(a, b domain.SummaryTotal) int { return cmp.Compare(a.Year, b.Year) })
	}
	return out
}

func testAnalytics(t *testing.T, su *suite) {
	t.Run("Neighbours", func(t *testing.T) {
		want := expectNeighbours(su.ds)
		codes := make([]string, 0, len(su.ds.Kelurahans)+1)
		for _, k := range su.ds.Kelurahans {
			codes = append(codes, k.Code)
		}
		codes = append(codes, "74.72.99.9999") // unknown: none
		slices.Reverse(codes)                  // answers follow the order asked
		got, err := su.s.KelurahanNeighbours(su.ctx, codes)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(codes) {
			t.Fatalf("%d answers for %d codes", len(got), len(codes))
		}
		byCode := map[string][]string{}
		for i, c := range codes {
			byCode[c] = got[i]
			w := want[c]
			if w == nil {
				w = []string{}
			}
			if got[i] == nil || !reflect.DeepEqual(got[i], w) {
				t.Errorf("neighbours of %s = %v, want %v", c, got[i], w)
			}
		}
		for a, ns := range byCode {
			for _, b := range ns {
				if !slices.Contains(byCode[b], a) {
					t.Errorf("%s lists %s but not the reverse", a, b)
				}
			}
		}
		if !slices.Contains(byCode[wajoCode], wameoCode) {
			t.Errorf("Wajo and Wameo (13 m sliver gap) are not neighbours: %v", byCode[wajoCode])
		}
		if slices.Contains(byCode[waleCode], lantoCode) {
			t.Errorf("Wale and Lanto (118 m apart) are neighbours: %v", byCode[waleCode])
		}
		if w := []string{"74.72.02.1002", "74.72.02.1004", "74.72.02.1005", "74.72.08.1006"}; !reflect.DeepEqual(byCode[waleCode], w) {
			t.Errorf("neighbours of Wale = %v, want %v (Tomba, Wangkanapi, Batulo, Nganganaumala)", byCode[waleCode], w)
		}
		if got, err := su.s.KelurahanNeighbours(su.ctx, nil); err != nil || len(got) != 0 {
			t.Errorf("no codes: %v, %v", got, err)
		}
	})

	t.Run("CoverageGaps", func(t *testing.T) {
		got, err := su.s.CoverageGaps(su.ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := expectCoverageGaps(su.ds, su.ds.Forums)
		// The README's list: Bataraguru, Baadia, Lakologou, Bonebone (its forum is inactive), Tarafu.
		if n := len(want); n != 5 {
			t.Errorf("the sample data has %d coverage gaps, the README says 5", n)
		}
		checkCoverageGaps(t, want, got)
		for _, g := range got {
			if g.NearestForumID == "" || !(g.DistanceMeters > 0) {
				t.Errorf("gap %s has no nearest active forum: %+v", g.KelurahanCode, g)
			}
		}
	})

	t.Run("Summaries", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			f    domain.ProjectFilter
		}{
			{"all", domain.ProjectFilter{}},
			{"years", domain.ProjectFilter{YearFrom: ptr(2017), YearTo: ptr(2019)}},
			{"kinds", domain.ProjectFilter{Kinds: []domain.ProjectKind{domain.VillageRoad, domain.SportsField}}},
			{"kecamatan", domain.ProjectFilter{KecamatanCodes: []string{"74.72.02"}, Statuses: []domain.ProjectStatus{domain.ProjectCompleted}}},
			{"nothing", domain.ProjectFilter{YearFrom: ptr(2027)}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := su.s.KelurahanSummaries(su.ctx, tc.f)
				if err != nil {
					t.Fatal(err)
				}
				checkSummaries(t, expectSummaries(t, su.ds, tc.f), got)
			})
		}
		_, err := su.s.KelurahanSummaries(su.ctx, domain.ProjectFilter{YearFrom: ptr(2020), YearTo: ptr(2018)})
		wantCode(t, err, domain.EINVALID)
	})
}

func checkSummaries(t *testing.T, want, got []domain.KelurahanSummary) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d summaries, want %d", len(got), len(want))
	}
	total := 0
	for i := range want {
		w, g := want[i], got[i]
		total += g.ProjectCount
		if !nearlyEqual(g.AreaSqM, w.AreaSqM) || !sameDate(g.LastActivityDate, w.LastActivityDate) {
			t.Errorf("%s: area %v, last activity %v; want %v, %v", w.KelurahanCode, g.AreaSqM, g.LastActivityDate, w.AreaSqM, w.LastActivityDate)
		}
		g.AreaSqM, g.LastActivityDate, w.AreaSqM, w.LastActivityDate = 0, nil, 0, nil
		if !reflect.DeepEqual(g, w) {
			t.Errorf("summary %d =\n %+v, want\n %+v", i, g, w)
		}
	}
	t.Logf("%d projects over %d kelurahan", total, len(got))
}

// testAnalyticsWrites checks that the coverage gaps and summaries follow
// the writes: a forum for a gap closes it, a project counts at once.
func testAnalyticsWrites(t *testing.T, w *wsuite) {
	gaps, err := w.s.CoverageGaps(w.ctx)
	if err != nil || len(gaps) == 0 {
		t.Fatalf("coverage gaps: %v, %v", gaps, err)
	}
	gap := gaps[0].KelurahanCode
	in := forumInput()
	in.KelurahanCodes = []string{gap}
	in.Secretariat, _ = wellInside(w.ds, mustKelurahanOf(t, w, gap))
	f, err := w.s.CreateForum(w.ctx, editor, in)
	if err != nil {
		t.Fatal(err)
	}
	after, err := w.s.CoverageGaps(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	forums, err := w.s.Forums(w.ctx, domain.ForumFilter{})
	if err != nil {
		t.Fatal(err)
	}
	checkCoverageGaps(t, expectCoverageGaps(w.ds, forums), after)
	for _, g := range after {
		if g.KelurahanCode == gap {
			t.Errorf("%s is still a gap after forum %s", gap, f.ID)
		}
	}

	before, err := w.s.KelurahanSummaries(w.ctx, domain.ProjectFilter{})
	if err != nil {
		t.Fatal(err)
	}
	p := w.createProject(t, projectInput())
	sums, err := w.s.KelurahanSummaries(w.ctx, domain.ProjectFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range sums {
		wantCount, wantBudget := before[i].ProjectCount, before[i].BudgetRupiah
		if s.KelurahanCode == p.KelurahanCode {
			wantCount++
			wantBudget += p.BudgetRupiah
		}
		if s.ProjectCount != wantCount || s.BudgetRupiah != wantBudget {
			t.Errorf("%s after a new project: %d projects, %d rupiah; want %d, %d",
				s.KelurahanCode, s.ProjectCount, s.BudgetRupiah, wantCount, wantBudget)
		}
		if s.KelurahanCode == p.KelurahanCode && s.ActiveForumCount != before[i].ActiveForumCount {
			t.Errorf("%s: active forums changed with a project", s.KelurahanCode)
		}
	}
}

func mustKelurahanOf(t *testing.T, w *wsuite, code string) domain.Kelurahan {
	t.Helper()
	k, err := w.s.Kelurahan(w.ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
