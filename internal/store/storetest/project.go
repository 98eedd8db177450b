package storetest

import (
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/geodesy"
	"github.com/serasi/serasi/internal/spatial"
	"github.com/serasi/serasi/internal/store"
)

// clearRadius returns a radius of about r metres around p that no project
// lies within a few tolerances of, so that stores measuring a little
// differently still agree on which projects are inside.
func clearRadius(ds *dataset.Dataset, p orb.Point, r float64) float64 {
	var ds2 []float64
	for _, pr := range ds.Projects {
		ds2 = append(ds2, geodesy.DistanceToGeometry(p, pr.Geometry))
	}
	for range 1000 {
		margin := 3 * distanceTolerance(r)
		if !slices.ContainsFunc(ds2, func(d float64) bool { return math.Abs(d-r) <= margin }) {
			return r
		}
		r += margin
	}
	return r
}

// trickyBoxes finds, in the data, a box that meets the bound of a line or
// polygon project but not the project itself, and a box that cuts a line
// project without covering it: a store testing bounds instead of
// geometries, or intersection instead of cover, answers them wrongly.
func trickyBoxes(t *testing.T, ds *dataset.Dataset) (corner, cut orb.Bound) {
	t.Helper()
	foundCorner, foundCut := false, false
	for _, p := range ds.Projects {
		b := p.Geometry.Bound()
		w, h := b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]
		if w == 0 || h == 0 {
			continue
		}
		if !foundCorner {
			for _, c := range []orb.Point{b.Min, b.Max, {b.Min[0], b.Max[1]}, {b.Max[0], b.Min[1]}} {
				cb := orb.Bound{Min: c, Max: c}.Pad(math.Min(w, h) / 10)
				if !spatial.Intersects(p.Geometry, cb.ToPolygon()) {
					corner, foundCorner = cb, true
					break
				}
			}
		}
		if ls, ok := p.Geometry.(orb.LineString); ok && !foundCut {
			cut, foundCut = orb.Bound{Min: ls[0], Max: ls[0]}.Pad(math.Min(w, h)/4), true
			if spatial.Covers(cut.ToPolygon(), ls) || !spatial.Intersects(cut.ToPolygon(), ls) {
				foundCut = false
			}
		}
	}
	if !foundCorner || !foundCut {
		t.Fatalf("test data: found a corner box %v, a cutting box %v", foundCorner, foundCut)
	}
	return corner, cut
}

func testProject(t *testing.T, su *suite) {
	for _, want := range su.ds.Projects {
		got, err := su.s.Project(su.ctx, want.ID)
		if err != nil {
			t.Errorf("Project(%s): %v", want.ID, err)
			continue
		}
		checkProject(t, want, got)
	}
	for _, id := range []string{"", "prj-99999", "PRJ-001"} {
		_, err := su.s.Project(su.ctx, id)
		t.Run("unknown "+id, func(t *testing.T) { wantCode(t, err, domain.ENOTFOUND) })
	}
	var kinds []string
	for _, p := range su.ds.Projects {
		kinds = append(kinds, p.Geometry.GeoJSONType())
	}
	for _, gt := range []string{"Point", "LineString", "Polygon"} {
		if !slices.Contains(kinds, gt) {
			t.Errorf("test data: no project has a %s geometry", gt)
		}
	}
}

func testProjects(t *testing.T, su *suite) {
	ds := su.ds
	prs := ds.Projects
	all := len(prs)
	mid := prs[all/2]
	var withForum domain.Project
	for _, p := range prs {
		if p.ForumID != "" {
			withForum = p
		}
	}
	kecamatan := domain.KecamatanCodeOf(mid.KelurahanCode)
	wale := mustKelurahan(t, su, waleCode)
	city := cityBound(ds)
	centre := city.Center()
	box := func(c orb.Point, d float64) *orb.Bound {
		return &orb.Bound{Min: orb.Point{c[0] - d, c[1] - d}, Max: orb.Point{c[0] + d, c[1] + d}}
	}
	near := func(p orb.Point, r float64) *domain.Near {
		return &domain.Near{Point: p, RadiusMeters: clearRadius(ds, p, r)}
	}
	full := domain.Page{Limit: store.MaxPageSize}
	byID := domain.ProjectOrder{Field: domain.OrderByID}
	cornerBox, cutBox := trickyBoxes(t, ds)

	tests := []struct {
		name string
		f    domain.ProjectFilter
		o    domain.ProjectOrder // the zero order is given to the store; the suite expects its default
		p    domain.Page
		some bool
	}{
		{"no filter", domain.ProjectFilter{}, domain.ProjectOrder{}, full, false},
		{"kind", domain.ProjectFilter{Kinds: []domain.ProjectKind{mid.Kind}}, byID, full, true},
		{"two kinds", domain.ProjectFilter{Kinds: []domain.ProjectKind{domain.VillageRoad, domain.SportsField}}, byID, full, true},
		{"status", domain.ProjectFilter{Statuses: []domain.ProjectStatus{mid.Status}}, byID, full, true},
		{"two statuses", domain.ProjectFilter{Statuses: []domain.ProjectStatus{domain.ProjectCompleted, domain.ProjectCancelled}}, byID, full, true},
		{"year from", domain.ProjectFilter{YearFrom: ptr(mid.Year)}, byID, full, true},
		{"year to", domain.ProjectFilter{YearTo: ptr(mid.Year)}, byID, full, true},
		{"one year", domain.ProjectFilter{YearFrom: ptr(mid.Year), YearTo: ptr(mid.Year)}, byID, full, true},
		{"kelurahan", domain.ProjectFilter{KelurahanCodes: []string{mid.KelurahanCode}}, byID, full, true},
		{"two kelurahan and an unknown", domain.ProjectFilter{KelurahanCodes: []string{prs[0].KelurahanCode, mid.KelurahanCode, "x"}}, byID, full, true},
		{"kecamatan", domain.ProjectFilter{KecamatanCodes: []string{kecamatan}}, byID, full, true},
		{"kecamatan unknown", domain.ProjectFilter{KecamatanCodes: []string{"74.72.99"}}, byID, full, false},
		{"forum", domain.ProjectFilter{ForumID: withForum.ForumID}, byID, full, true},
		{"forum unknown", domain.ProjectFilter{ForumID: "nope"}, byID, full, false},
		{"bbox", domain.ProjectFilter{BBox: box(walePoint, 0.01)}, byID, full, true},
		{"bbox city", domain.ProjectFilter{BBox: &city}, byID, full, false},
		{"bbox in a corner of a bound, off the geometry", domain.ProjectFilter{BBox: &cornerBox}, byID, full, false},
		{"bbox sea", domain.ProjectFilter{BBox: box(southWestSea, 0.005)}, byID, full, false},
		{"within kelurahan", domain.ProjectFilter{Within: wale.Geometry}, byID, full, true},
		{"within kecamatan", domain.ProjectFilter{Within: mustKecamatan(t, su, kecamatan).Geometry}, byID, full, true},
		{"within box", domain.ProjectFilter{Within: box(walePoint, 0.02).ToPolygon()}, byID, full, true},
		{"within cuts a line", domain.ProjectFilter{Within: cutBox.ToPolygon()}, byID, full, false},
		{"near", domain.ProjectFilter{Near: near(walePoint, 1500)}, domain.ProjectOrder{}, full, true},
		{"near far", domain.ProjectFilter{Near: near(centre, 50_000)}, domain.ProjectOrder{}, full, false},
		{"near desc", domain.ProjectFilter{Near: near(walePoint, 3000)}, domain.ProjectOrder{Field: domain.OrderByDistance, Desc: true}, full, true},
		{"near by year", domain.ProjectFilter{Near: near(walePoint, 3000)}, domain.ProjectOrder{Field: domain.OrderByYear, Desc: true}, full, true},
		{"near in the sea", domain.ProjectFilter{Near: near(southWestSea, 500)}, domain.ProjectOrder{}, full, false},
		{"near and bbox", domain.ProjectFilter{Near: near(walePoint, 3000), BBox: box(walePoint, 0.01)}, domain.ProjectOrder{}, full, true},
		{"combined", domain.ProjectFilter{Kinds: []domain.ProjectKind{mid.Kind}, YearFrom: ptr(mid.Year - 1), BBox: &city}, byID, full, false},

		{"order id desc", domain.ProjectFilter{}, domain.ProjectOrder{Field: domain.OrderByID, Desc: true}, full, false},
		{"order id desc (default field)", domain.ProjectFilter{}, domain.ProjectOrder{Desc: true}, full, false},
		{"order year", domain.ProjectFilter{}, domain.ProjectOrder{Field: domain.OrderByYear}, full, false},
		{"order year desc", domain.ProjectFilter{}, domain.ProjectOrder{Field: domain.OrderByYear, Desc: true}, full, false},
		{"order budget", domain.ProjectFilter{}, domain.ProjectOrder{Field: domain.OrderByBudget}, full, false},
		{"order budget desc", domain.ProjectFilter{}, domain.ProjectOrder{Field: domain.OrderByBudget, Desc: true}, full, false},
		{"order title", domain.ProjectFilter{}, domain.ProjectOrder{Field: domain.OrderByTitle}, full, false},
		{"order title desc", domain.ProjectFilter{}, domain.ProjectOrder{Field: domain.OrderByTitle, Desc: true}, full, false},
		{"order distance", domain.ProjectFilter{Near: near(centre, 50_000)}, domain.ProjectOrder{Field: domain.OrderByDistance}, full, false},

		{"page first", domain.ProjectFilter{}, byID, domain.Page{Limit: 7}, false},
		{"page second by year", domain.ProjectFilter{}, domain.ProjectOrder{Field: domain.OrderByYear}, domain.Page{Offset: 7, Limit: 7}, false},
		{"page last", domain.ProjectFilter{}, byID, domain.Page{Offset: all - 3, Limit: 10}, false},
		{"page exactly at the end", domain.ProjectFilter{}, byID, domain.Page{Offset: all, Limit: 10}, false},
		{"page past the end", domain.ProjectFilter{}, byID, domain.Page{Offset: all + 100, Limit: 10}, false},
		{"limit 0", domain.ProjectFilter{Kinds: []domain.ProjectKind{mid.Kind}}, byID, domain.Page{Limit: 0}, false},
		{"limit 1 near", domain.ProjectFilter{Near: near(walePoint, 3000)}, domain.ProjectOrder{}, domain.Page{Offset: 2, Limit: 1}, false},

		{"id after", domain.ProjectFilter{IDAfter: mid.ID}, byID, domain.Page{Limit: 7}, true},
		{"id after, not counted", domain.ProjectFilter{IDAfter: mid.ID}, byID, domain.Page{Limit: 7, NoCount: true}, false},
		{"id after the last", domain.ProjectFilter{IDAfter: prs[all-1].ID + "~"}, byID, domain.Page{Limit: 7, NoCount: true}, false},
		{"id after with bbox and kind", domain.ProjectFilter{IDAfter: prs[0].ID, BBox: &city, Kinds: []domain.ProjectKind{mid.Kind}}, byID, full, false},
		{"id after by year", domain.ProjectFilter{IDAfter: mid.ID}, domain.ProjectOrder{Field: domain.OrderByYear}, full, false},
		{"id after near", domain.ProjectFilter{IDAfter: mid.ID, Near: near(walePoint, 3000)}, domain.ProjectOrder{}, full, false},
		{"not counted, past the end", domain.ProjectFilter{}, byID, domain.Page{Offset: all + 5, Limit: 3, NoCount: true}, false},
		{"box page by id", domain.ProjectFilter{BBox: &city}, byID, domain.Page{Limit: 5, NoCount: true}, false},
		{"box page by id after a key", domain.ProjectFilter{BBox: &city, IDAfter: prs[3].ID}, byID, domain.Page{Limit: 5, NoCount: true}, false},
		{"box page by id, fewer than a page", domain.ProjectFilter{BBox: box(walePoint, 0.01), Kinds: []domain.ProjectKind{mid.Kind}}, byID, domain.Page{Limit: 50, NoCount: true}, false},
		{"box page by id, the last ones", domain.ProjectFilter{BBox: &city, IDAfter: prs[all-3].ID}, byID, domain.Page{Limit: 5, NoCount: true}, false},
		{"not counted near", domain.ProjectFilter{Near: near(walePoint, 3000)}, domain.ProjectOrder{}, domain.Page{Limit: 3, NoCount: true}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.o
			if o.Field == "" {
				o.Field = domain.OrderByID
				if tc.f.Near != nil {
					o = domain.ProjectOrder{Field: domain.OrderByDistance}
				}
			}
			want, total := expectProjects(ds, tc.f, o, tc.p)
			if tc.some && (total == 0 || total == all) {
				t.Fatalf("test data: filter selects %d of %d projects", total, all)
			}
			got, err := su.s.Projects(su.ctx, tc.f, tc.o, tc.p)
			if err != nil {
				t.Fatal(err)
			}
			if got.TotalCount != total {
				t.Errorf("TotalCount = %d, want %d", got.TotalCount, total)
			}
			if diff := sameHits(want, hitsOf(got.Items), tc.f.Near != nil); diff != "" {
				t.Fatal(diff)
			}
			for _, h := range got.Items {
				for _, w := range prs {
					if w.ID == h.ID {
						checkProject(t, w, h.Project)
					}
				}
			}
		})
	}

	t.Run("orders have ties", func(t *testing.T) {
		// Ties by id are only tested if the data has ties.
		years := map[int]int{}
		for _, p := range prs {
			years[p.Year]++
		}
		if len(years) == all {
			t.Error("test data: every project has its own year; the YEAR order tests cannot see ties")
		}
	})

	invalid := []struct {
		name string
		f    domain.ProjectFilter
		o    domain.ProjectOrder
		p    domain.Page
	}{
		{"unknown kind", domain.ProjectFilter{Kinds: []domain.ProjectKind{"BRIDGE"}}, byID, full},
		{"unknown status", domain.ProjectFilter{Statuses: []domain.ProjectStatus{"LOST"}}, byID, full},
		{"years reversed", domain.ProjectFilter{YearFrom: ptr(2020), YearTo: ptr(2019)}, byID, full},
		{"bbox reversed", domain.ProjectFilter{BBox: &orb.Bound{Min: orb.Point{122.7, -5.4}, Max: orb.Point{122.6, -5.5}}}, byID, full},
		{"bbox NaN", domain.ProjectFilter{BBox: &orb.Bound{Min: orb.Point{122.6, math.NaN()}, Max: orb.Point{122.7, -5.4}}}, byID, full},
		{"within a point", domain.ProjectFilter{Within: walePoint}, byID, full},
		{"within a line", domain.ProjectFilter{Within: orb.LineString{walePoint, centre}}, byID, full},
		{"near radius 0", domain.ProjectFilter{Near: &domain.Near{Point: walePoint, RadiusMeters: 0}}, domain.ProjectOrder{}, full},
		{"near radius negative", domain.ProjectFilter{Near: &domain.Near{Point: walePoint, RadiusMeters: -5}}, domain.ProjectOrder{}, full},
		{"near radius over 50 km", domain.ProjectFilter{Near: &domain.Near{Point: walePoint, RadiusMeters: 50_000.5}}, domain.ProjectOrder{}, full},
		{"near radius NaN", domain.ProjectFilter{Near: &domain.Near{Point: walePoint, RadiusMeters: math.NaN()}}, domain.ProjectOrder{}, full},
		{"near point NaN", domain.ProjectFilter{Near: &domain.Near{Point: orb.Point{math.NaN(), -5.4}, RadiusMeters: 100}}, domain.ProjectOrder{}, full},
		{"near point out of range", domain.ProjectFilter{Near: &domain.Near{Point: orb.Point{122.6, -91}, RadiusMeters: 100}}, domain.ProjectOrder{}, full},
		{"distance order without near", domain.ProjectFilter{}, domain.ProjectOrder{Field: domain.OrderByDistance}, full},
		{"unknown order", domain.ProjectFilter{}, domain.ProjectOrder{Field: "COLOUR"}, full},
		{"limit 501", domain.ProjectFilter{}, byID, domain.Page{Limit: store.MaxPageSize + 1}},
		{"limit negative", domain.ProjectFilter{}, byID, domain.Page{Limit: -1}},
		{"offset negative", domain.ProjectFilter{}, byID, domain.Page{Offset: -1, Limit: 1}},
	}
	for _, tc := range invalid {
		t.Run("invalid/"+tc.name, func(t *testing.T) {
			_, err := su.s.Projects(su.ctx, tc.f, tc.o, tc.p)
			wantCode(t, err, domain.EINVALID)
		})
	}
	t.Run("near radius 50 km is allowed", func(t *testing.T) {
		_, err := su.s.Projects(su.ctx, domain.ProjectFilter{Near: &domain.Near{Point: walePoint, RadiusMeters: 50_000}}, domain.ProjectOrder{}, domain.Page{Limit: 1})
		wantCode(t, err, "")
	})
}

func testNearestProjects(t *testing.T, su *suite) {
	ds := su.ds
	city := cityBound(ds)
	points := []orb.Point{walePoint, city.Center(), straitPoint, southWestSea, {0, 0}}
	for _, k := range ds.Kelurahans {
		points = append(points, k.Centroid)
	}
	tests := []struct {
		name  string
		limit int
		kinds []domain.ProjectKind
	}{
		{"limit 1", 1, nil},
		{"limit 10", 10, nil},
		{"limit 100", store.MaxNearest, nil},
		{"one kind", 5, []domain.ProjectKind{domain.SportsField}},
		{"two kinds", 7, []domain.ProjectKind{domain.HarmonyMonument, domain.VillageRoad}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, p := range points {
				want := expectNearest(ds, p, tc.limit, tc.kinds)
				got, err := su.s.NearestProjects(su.ctx, p, tc.limit, tc.kinds)
				if err != nil {
					t.Fatalf("NearestProjects(%v): %v", p, err)
				}
				if diff := sameHits(want, hitsOf(got), true); diff != "" {
					t.Errorf("NearestProjects(%v, %d, %v): %s", p, tc.limit, tc.kinds, diff)
				}
				for _, h := range got {
					if len(tc.kinds) > 0 && !slices.Contains(tc.kinds, h.Kind) {
						t.Errorf("NearestProjects(%v) returned %s of kind %s", p, h.ID, h.Kind)
					}
				}
			}
		})
	}
	invalid := []struct {
		name  string
		p     orb.Point
		limit int
		kinds []domain.ProjectKind
	}{
		{"limit 0", walePoint, 0, nil},
		{"limit negative", walePoint, -1, nil},
		{"limit 101", walePoint, store.MaxNearest + 1, nil},
		{"point NaN", orb.Point{math.NaN(), math.NaN()}, 5, nil},
		{"point out of range", orb.Point{200, 0}, 5, nil},
		{"unknown kind", walePoint, 5, []domain.ProjectKind{"BRIDGE"}},
	}
	for _, tc := range invalid {
		t.Run("invalid/"+tc.name, func(t *testing.T) {
			_, err := su.s.NearestProjects(su.ctx, tc.p, tc.limit, tc.kinds)
			wantCode(t, err, domain.EINVALID)
		})
	}
}

func testProjectStats(t *testing.T, su *suite) {
	ds := su.ds
	mid := ds.Projects[len(ds.Projects)/2]
	dims := []domain.StatsDimension{domain.ByYear, domain.ByKind, domain.ByStatus, domain.ByKelurahan, domain.ByKecamatan, domain.ByForum}
	tests := []struct {
		name string
		f    domain.ProjectFilter
		by   []domain.StatsDimension
	}{
		{"totals", domain.ProjectFilter{}, nil},
		{"totals of a filter", domain.ProjectFilter{Kinds: []domain.ProjectKind{mid.Kind}}, nil},
		{"totals of nothing", domain.ProjectFilter{ForumID: "nope"}, nil},
		{"grouped nothing", domain.ProjectFilter{ForumID: "nope"}, []domain.StatsDimension{domain.ByYear}},
		{"year and kind", domain.ProjectFilter{}, []domain.StatsDimension{domain.ByYear, domain.ByKind}},
		{"kind and year", domain.ProjectFilter{}, []domain.StatsDimension{domain.ByKind, domain.ByYear}},
		{"kecamatan and status", domain.ProjectFilter{}, []domain.StatsDimension{domain.ByKecamatan, domain.ByStatus}},
		{"forum, kelurahan", domain.ProjectFilter{YearFrom: ptr(mid.Year)}, []domain.StatsDimension{domain.ByForum, domain.ByKelurahan}},
		{"near by kind", domain.ProjectFilter{Near: &domain.Near{Point: walePoint, RadiusMeters: clearRadius(ds, walePoint, 2500)}}, []domain.StatsDimension{domain.ByKind}},
		{"all dimensions", domain.ProjectFilter{}, dims},
	}
	for _, d := range dims {
		tests = append(tests, struct {
			name string
			f    domain.ProjectFilter
			by   []domain.StatsDimension
		}{"by " + string(d), domain.ProjectFilter{}, []domain.StatsDimension{d}})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := expectStats(ds, tc.f, tc.by)
			got, err := su.s.ProjectStats(su.ctx, tc.f, tc.by)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("got  %+v\nwant %+v", got, want)
			}
		})
	}
	t.Run("totals are the sums", func(t *testing.T) {
		var count, benef int
		var budget int64
		for _, p := range ds.Projects {
			count++
			budget += p.BudgetRupiah
			benef += p.Beneficiaries
		}
		got, err := su.s.ProjectStats(su.ctx, domain.ProjectFilter{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := []domain.StatsRow{{Count: count, BudgetRupiah: budget, Beneficiaries: benef}}
		if !slices.Equal(got, want) {
			t.Fatalf("got %+v, want %+v", got, want)
		}
		byForum, err := su.s.ProjectStats(su.ctx, domain.ProjectFilter{}, []domain.StatsDimension{domain.ByForum})
		if err != nil {
			t.Fatal(err)
		}
		var sum domain.StatsRow
		for _, r := range byForum {
			sum.Count += r.Count
			sum.BudgetRupiah += r.BudgetRupiah
			sum.Beneficiaries += r.Beneficiaries
		}
		if sum != want[0] {
			t.Errorf("rows by forum add up to %+v, want %+v", sum, want[0])
		}
	})
	invalid := []struct {
		name string
		f    domain.ProjectFilter
		by   []domain.StatsDimension
	}{
		{"unknown dimension", domain.ProjectFilter{}, []domain.StatsDimension{"COLOUR"}},
		{"dimension twice", domain.ProjectFilter{}, []domain.StatsDimension{domain.ByYear, domain.ByKind, domain.ByYear}},
		{"bad filter", domain.ProjectFilter{Near: &domain.Near{Point: walePoint, RadiusMeters: -1}}, nil},
		{"within a point", domain.ProjectFilter{Within: walePoint}, nil},
	}
	for _, tc := range invalid {
		t.Run("invalid/"+tc.name, func(t *testing.T) {
			_, err := su.s.ProjectStats(su.ctx, tc.f, tc.by)
			wantCode(t, err, domain.EINVALID)
		})
	}
}
