package storetest

import (
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// clearRadius returns a radius of about r metres around gd's point that no
// project lies within a few tolerances of (by the golden distances), so
// that stores measuring a little differently still agree on which projects
// are inside. The radius edges themselves are tested on purpose, 1 m on
// either side, in testRadiusEdges.
func clearRadius(gd *GoldenDistances, r float64) float64 {
	for range 1000 {
		margin := 3 * distanceTolerance(r)
		clear := true
		for _, d := range gd.Meters {
			if math.Abs(d-r) <= margin {
				clear = false
				break
			}
		}
		if clear {
			return r
		}
		r += margin
	}
	return r
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
	ds, g := su.ds, su.g
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
	full := domain.Page{Limit: store.MaxPageSize}
	byID := domain.ProjectOrder{Field: domain.OrderByID}
	// geo names the golden facts of a case's geometric filters: bbox and
	// within name shapes, near a point of the distance lists with a radius.
	type geo struct {
		bbox, within, near string
		radius             float64
	}

	tests := []struct {
		name string
		f    domain.ProjectFilter
		geo  geo
		o    domain.ProjectOrder // the zero order is given to the store; the suite expects its default
		p    domain.Page
		some bool
	}{
		{"no filter", domain.ProjectFilter{}, geo{}, domain.ProjectOrder{}, full, false},
		{"kind", domain.ProjectFilter{Kinds: []domain.ProjectKind{mid.Kind}}, geo{}, byID, full, true},
		{"two kinds", domain.ProjectFilter{Kinds: []domain.ProjectKind{domain.VillageRoad, domain.SportsField}}, geo{}, byID, full, true},
		{"status", domain.ProjectFilter{Statuses: []domain.ProjectStatus{mid.Status}}, geo{}, byID, full, true},
		{"two statuses", domain.ProjectFilter{Statuses: []domain.ProjectStatus{domain.ProjectCompleted, domain.ProjectCancelled}}, geo{}, byID, full, true},
		{"year from", domain.ProjectFilter{YearFrom: ptr(mid.Year)}, geo{}, byID, full, true},
		{"year to", domain.ProjectFilter{YearTo: ptr(mid.Year)}, geo{}, byID, full, true},
		{"one year", domain.ProjectFilter{YearFrom: ptr(mid.Year), YearTo: ptr(mid.Year)}, geo{}, byID, full, true},
		{"kelurahan", domain.ProjectFilter{KelurahanCodes: []string{mid.KelurahanCode}}, geo{}, byID, full, true},
		{"two kelurahan and an unknown", domain.ProjectFilter{KelurahanCodes: []string{prs[0].KelurahanCode, mid.KelurahanCode, "x"}}, geo{}, byID, full, true},
		{"kecamatan", domain.ProjectFilter{KecamatanCodes: []string{kecamatan}}, geo{}, byID, full, true},
		{"kecamatan unknown", domain.ProjectFilter{KecamatanCodes: []string{"74.72.99"}}, geo{}, byID, full, false},
		{"forum", domain.ProjectFilter{ForumID: withForum.ForumID}, geo{}, byID, full, true},
		{"forum unknown", domain.ProjectFilter{ForumID: "nope"}, geo{}, byID, full, false},
		{"bbox", domain.ProjectFilter{}, geo{bbox: "box wale 0.01"}, byID, full, true},
		{"bbox city", domain.ProjectFilter{}, geo{bbox: "box city"}, byID, full, false},
		{"bbox in a corner of a bound, off the geometry", domain.ProjectFilter{}, geo{bbox: "box in a corner of a bound, off the geometry"}, byID, full, false},
		{"bbox sea", domain.ProjectFilter{}, geo{bbox: "box sea 0.005"}, byID, full, false},
		{"bbox corner on a point project", domain.ProjectFilter{}, geo{bbox: "box with its corner on prj-001"}, byID, full, true},
		{"bbox edge through a point project", domain.ProjectFilter{}, geo{bbox: "box with its edge through prj-001"}, byID, full, true},
		{"bbox 1 cm from a point project", domain.ProjectFilter{}, geo{bbox: "box 1 cm from prj-001"}, byID, full, false},
		{"bbox cutting a line", domain.ProjectFilter{}, geo{bbox: "box cutting a line"}, byID, full, true},
		{"within kelurahan", domain.ProjectFilter{}, geo{within: "kelurahan wale"}, byID, full, true},
		{"within kecamatan", domain.ProjectFilter{}, geo{within: "kecamatan " + kecamatan}, byID, full, true},
		{"within box", domain.ProjectFilter{}, geo{within: "polygon wale 0.02"}, byID, full, true},
		{"within, a point project on the corner", domain.ProjectFilter{}, geo{within: "box with its corner on prj-001"}, byID, full, true},
		{"within cuts a line", domain.ProjectFilter{}, geo{within: "box cutting a line"}, byID, full, false},
		{"near", domain.ProjectFilter{}, geo{near: "wale", radius: 1500}, domain.ProjectOrder{}, full, true},
		{"near far", domain.ProjectFilter{}, geo{near: "city centre", radius: 50_000}, domain.ProjectOrder{}, full, false},
		{"near from 45 km north", domain.ProjectFilter{}, geo{near: "north 45 km", radius: 45_000}, domain.ProjectOrder{}, full, true},
		{"near desc", domain.ProjectFilter{}, geo{near: "wale", radius: 3000}, domain.ProjectOrder{Field: domain.OrderByDistance, Desc: true}, full, true},
		{"near by year", domain.ProjectFilter{}, geo{near: "wale", radius: 3000}, domain.ProjectOrder{Field: domain.OrderByYear, Desc: true}, full, true},
		{"near in the sea", domain.ProjectFilter{}, geo{near: "south-west sea", radius: 500}, domain.ProjectOrder{}, full, false},
		{"near and bbox", domain.ProjectFilter{}, geo{near: "wale", radius: 3000, bbox: "box wale 0.01"}, domain.ProjectOrder{}, full, true},
		{"combined", domain.ProjectFilter{Kinds: []domain.ProjectKind{mid.Kind}, YearFrom: ptr(mid.Year - 1)}, geo{bbox: "box city"}, byID, full, false},

		{"order id desc", domain.ProjectFilter{}, geo{}, domain.ProjectOrder{Field: domain.OrderByID, Desc: true}, full, false},
		{"order id desc (default field)", domain.ProjectFilter{}, geo{}, domain.ProjectOrder{Desc: true}, full, false},
		{"order year", domain.ProjectFilter{}, geo{}, domain.ProjectOrder{Field: domain.OrderByYear}, full, false},
		{"order year desc", domain.ProjectFilter{}, geo{}, domain.ProjectOrder{Field: domain.OrderByYear, Desc: true}, full, false},
		{"order budget", domain.ProjectFilter{}, geo{}, domain.ProjectOrder{Field: domain.OrderByBudget}, full, false},
		{"order budget desc", domain.ProjectFilter{}, geo{}, domain.ProjectOrder{Field: domain.OrderByBudget, Desc: true}, full, false},
		{"order title", domain.ProjectFilter{}, geo{}, domain.ProjectOrder{Field: domain.OrderByTitle}, full, false},
		{"order title desc", domain.ProjectFilter{}, geo{}, domain.ProjectOrder{Field: domain.OrderByTitle, Desc: true}, full, false},
		{"order distance", domain.ProjectFilter{}, geo{near: "city centre", radius: 50_000}, domain.ProjectOrder{Field: domain.OrderByDistance}, full, false},

		{"page first", domain.ProjectFilter{}, geo{}, byID, domain.Page{Limit: 7}, false},
		{"page of one at the first", domain.ProjectFilter{}, geo{}, byID, domain.Page{Limit: 1}, false},
		{"page second by year", domain.ProjectFilter{}, geo{}, domain.ProjectOrder{Field: domain.OrderByYear}, domain.Page{Offset: 7, Limit: 7}, false},
		{"page last", domain.ProjectFilter{}, geo{}, byID, domain.Page{Offset: all - 3, Limit: 10}, false},
		{"page of one at the last", domain.ProjectFilter{}, geo{}, byID, domain.Page{Offset: all - 1, Limit: 1}, false},
		{"page ending exactly at the last", domain.ProjectFilter{}, geo{}, byID, domain.Page{Offset: all - 4, Limit: 4}, false},
		{"page exactly at the end", domain.ProjectFilter{}, geo{}, byID, domain.Page{Offset: all, Limit: 10}, false},
		{"page past the end", domain.ProjectFilter{}, geo{}, byID, domain.Page{Offset: all + 100, Limit: 10}, false},
		{"page of nothing", domain.ProjectFilter{ForumID: "nope"}, geo{}, byID, domain.Page{Limit: 10}, false},
		{"page past the end of nothing", domain.ProjectFilter{ForumID: "nope"}, geo{}, byID, domain.Page{Offset: 3, Limit: 10}, false},
		{"limit 0", domain.ProjectFilter{Kinds: []domain.ProjectKind{mid.Kind}}, geo{}, byID, domain.Page{Limit: 0}, false},
		{"limit 1 near", domain.ProjectFilter{}, geo{near: "wale", radius: 3000}, domain.ProjectOrder{}, domain.Page{Offset: 2, Limit: 1}, false},
		{"near, last page", domain.ProjectFilter{}, geo{near: "wale", radius: 3000}, domain.ProjectOrder{}, domain.Page{Offset: 4, Limit: 100}, false},

		{"id after", domain.ProjectFilter{IDAfter: mid.ID}, geo{}, byID, domain.Page{Limit: 7}, true},
		{"id after, not counted", domain.ProjectFilter{IDAfter: mid.ID}, geo{}, byID, domain.Page{Limit: 7, NoCount: true}, false},
		{"id after the last", domain.ProjectFilter{IDAfter: prs[all-1].ID + "~"}, geo{}, byID, domain.Page{Limit: 7, NoCount: true}, false},
		{"id after with bbox and kind", domain.ProjectFilter{IDAfter: prs[0].ID, Kinds: []domain.ProjectKind{mid.Kind}}, geo{bbox: "box city"}, byID, full, false},
		{"id after by year", domain.ProjectFilter{IDAfter: mid.ID}, geo{}, domain.ProjectOrder{Field: domain.OrderByYear}, full, false},
		{"id after near", domain.ProjectFilter{IDAfter: mid.ID}, geo{near: "wale", radius: 3000}, domain.ProjectOrder{}, full, false},
		{"not counted, past the end", domain.ProjectFilter{}, geo{}, byID, domain.Page{Offset: all + 5, Limit: 3, NoCount: true}, false},
		{"box page by id", domain.ProjectFilter{}, geo{bbox: "box city"}, byID, domain.Page{Limit: 5, NoCount: true}, false},
		{"box page by id after a key", domain.ProjectFilter{IDAfter: prs[3].ID}, geo{bbox: "box city"}, byID, domain.Page{Limit: 5, NoCount: true}, false},
		{"box page by id, fewer than a page", domain.ProjectFilter{Kinds: []domain.ProjectKind{mid.Kind}}, geo{bbox: "box wale 0.01"}, byID, domain.Page{Limit: 50, NoCount: true}, false},
		{"box page by id, the last ones", domain.ProjectFilter{IDAfter: prs[all-3].ID}, geo{bbox: "box city"}, byID, domain.Page{Limit: 5, NoCount: true}, false},
		{"not counted near", domain.ProjectFilter{}, geo{near: "wale", radius: 3000}, domain.ProjectOrder{}, domain.Page{Limit: 3, NoCount: true}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.f
			var fx geoFacts
			if tc.geo.bbox != "" {
				fx.bbox = g.shape(t, tc.geo.bbox)
				f.BBox = fx.bbox.Bound()
			}
			if tc.geo.within != "" {
				fx.within = g.shape(t, tc.geo.within)
				f.Within = fx.within.Geom()
			}
			if tc.geo.near != "" {
				fx.near = g.distances(t, tc.geo.near)
				f.Near = &domain.Near{Point: fx.near.P, RadiusMeters: clearRadius(fx.near, tc.geo.radius)}
			}
			o := tc.o
			if o.Field == "" {
				o.Field = domain.OrderByID
				if f.Near != nil {
					o = domain.ProjectOrder{Field: domain.OrderByDistance}
				}
			}
			want, total := expectProjects(t, ds, f, fx, o, tc.p)
			if tc.some && (total == 0 || total == all) {
				t.Fatalf("test data: filter selects %d of %d projects", total, all)
			}
			got, err := su.s.Projects(su.ctx, f, tc.o, tc.p)
			if err != nil {
				t.Fatal(err)
			}
			if got.TotalCount != total {
				t.Errorf("TotalCount = %d, want %d", got.TotalCount, total)
			}
			if diff := sameHits(want, hitsOf(got.Items), f.Near != nil); diff != "" {
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
		{"within a line", domain.ProjectFilter{Within: orb.LineString{walePoint, cityBound(ds).Center()}}, byID, full},
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
	if len(su.g.Distances) < 40 {
		t.Fatalf("%s has distances from %d points; regenerate it: %s", GoldenPath, len(su.g.Distances), GoldenCommand)
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
			for i := range su.g.Distances {
				gd := &su.g.Distances[i]
				want := expectNearest(su.ds, gd, tc.limit, tc.kinds)
				got, err := su.s.NearestProjects(su.ctx, gd.P, tc.limit, tc.kinds)
				if err != nil {
					t.Fatalf("NearestProjects(%s %v): %v", gd.Name, gd.P, err)
				}
				if diff := sameHits(want, hitsOf(got), true); diff != "" {
					t.Errorf("NearestProjects(%s %v, %d, %v): %s", gd.Name, gd.P, tc.limit, tc.kinds, diff)
				}
				for _, h := range got {
					if len(tc.kinds) > 0 && !slices.Contains(tc.kinds, h.Kind) {
						t.Errorf("NearestProjects(%v) returned %s of kind %s", gd.P, h.ID, h.Kind)
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
	waleDistances := su.g.distances(t, "wale")
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
		{"near by kind", domain.ProjectFilter{Near: &domain.Near{Point: walePoint, RadiusMeters: clearRadius(waleDistances, 2500)}}, []domain.StatsDimension{domain.ByKind}},
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
			want := expectStats(t, ds, tc.f, geoFacts{near: waleDistances}, tc.by)
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
