package domain_test

import (
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
)

func TestYearInProgram(t *testing.T) {
	now := time.Date(2026, 12, 31, 23, 0, 0, 0, time.FixedZone("WITA", 8*3600)) // 15:00 UTC
	for _, tc := range []struct {
		year int
		want bool
	}{{2014, false}, {2015, true}, {2026, true}, {2027, true}, {2028, false}} {
		if got := domain.YearInProgram(tc.year, now); got != tc.want {
			t.Errorf("YearInProgram(%d) = %v, want %v", tc.year, got, tc.want)
		}
	}
}

func TestGeometryTypeOf(t *testing.T) {
	for k, want := range map[domain.ProjectKind]string{
		domain.VillageRoad: "LineString", domain.DrainageRehabilitation: "LineString",
		domain.SportsField: "Polygon", domain.HarmonyMonument: "Point",
	} {
		if got := domain.GeometryTypeOf(k); got != want {
			t.Errorf("GeometryTypeOf(%s) = %s, want %s", k, got, want)
		}
	}
}

func TestSameContent(t *testing.T) {
	d := func(y int) *time.Time { t := time.Date(y, 1, 2, 0, 0, 0, 0, time.UTC); return &t }
	base := domain.Project{ID: "prj-1", Title: "Jalan", Kind: domain.VillageRoad,
		Geometry: orb.LineString{{1, 2}, {3, 4}}, KelurahanCode: "74.72.02.1001", Year: 2020,
		StartDate: d(2020), Version: 3}
	same := base
	same.Version = 9                               // versions do not count
	same.Geometry = orb.LineString{{1, 2}, {3, 4}} // an equal copy
	local := d(2020).In(time.FixedZone("WITA", 8*3600))
	same.StartDate = &local // the same instant in another zone
	if !base.SameContent(same) {
		t.Error("equal projects differ")
	}
	for name, change := range map[string]func(p *domain.Project){
		"title":    func(p *domain.Project) { p.Title = "Jalan baru" },
		"geometry": func(p *domain.Project) { p.Geometry = orb.LineString{{1, 2}, {3, 5}} },
		"no start": func(p *domain.Project) { p.StartDate = nil },
		"finish":   func(p *domain.Project) { p.FinishDate = d(2021) },
		"budget":   func(p *domain.Project) { p.BudgetRupiah = 1 },
	} {
		p := base
		change(&p)
		if base.SameContent(p) {
			t.Errorf("%s changed, but the projects are the same", name)
		}
	}
	f := domain.Forum{ID: "fks-1", KelurahanCodes: []string{"a", "b"}, Secretariat: orb.Point{1, 2}}
	g := f
	g.KelurahanCodes = []string{"b", "a"}
	if f.SameContent(g) {
		t.Error("forums serving kelurahan in another order are the same")
	}
	loc := orb.Point{1, 2}
	a := domain.Activity{ID: "act-1", Location: &loc, Date: *d(2020)}
	b := a
	b.Location = nil
	if a.SameContent(b) || !a.SameContent(a) {
		t.Error("activity locations compare wrongly")
	}
}
