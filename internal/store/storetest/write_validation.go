package storetest

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/spatial"
	"github.com/serasi/serasi/internal/store"
)

// testProjectValidation refuses every kind of bad project input, naming
// the field, and changes nothing; the edges of each rule are accepted.
func testProjectValidation(t *testing.T, w *wsuite) {
	before := w.state(t)
	long := func(n int) string { return strings.Repeat("é", n) } // characters, not bytes
	manyVertices := make(orb.LineString, spatial.MaxVertices+1)
	for i := range manyVertices {
		manyVertices[i] = orb.Point{walePoint[0] + float64(i)*1e-8, walePoint[1]}
	}
	bowtie := orb.Polygon{{walePoint, {walePoint[0] + 0.0003, walePoint[1] + 0.0003},
		{walePoint[0] + 0.0003, walePoint[1]}, {walePoint[0], walePoint[1] + 0.0003}, walePoint}}
	open := orb.Polygon{{walePoint, {walePoint[0] + 0.0003, walePoint[1]}, {walePoint[0] + 0.0003, walePoint[1] + 0.0003}}}
	otherKel := w.ds.Kelurahans[0].Code
	if otherKel == waleCode {
		otherKel = w.ds.Kelurahans[1].Code
	}
	cases := []struct {
		name   string
		change func(in *domain.ProjectInput)
		field  string // "" = accepted
	}{
		{"empty title", func(in *domain.ProjectInput) { in.Title = "" }, "title"},
		{"blank title", func(in *domain.ProjectInput) { in.Title = " \t " }, "title"},
		{"title of 200 characters", func(in *domain.ProjectInput) { in.Title = long(200) }, ""},
		{"title of 201 characters", func(in *domain.ProjectInput) { in.Title = long(201) }, "title"},
		{"title with a control character", func(in *domain.ProjectInput) { in.Title = "a\x00b" }, "title"},
		{"title not UTF-8", func(in *domain.ProjectInput) { in.Title = "a\xffb" }, "title"},
		{"unknown kind", func(in *domain.ProjectInput) { in.Kind = "ROCKET" }, "kind"},
		{"no geometry", func(in *domain.ProjectInput) { in.Geometry = nil }, "geometry"},
		{"point for a road", func(in *domain.ProjectInput) { in.Kind = domain.VillageRoad }, "geometry"},
		{"line for a road", func(in *domain.ProjectInput) { in.Kind, in.Geometry = domain.VillageRoad, waleLine() }, ""},
		{"line for a monument", func(in *domain.ProjectInput) { in.Geometry = waleLine() }, "geometry"},
		{"polygon for a sports field", func(in *domain.ProjectInput) { in.Kind, in.Geometry = domain.SportsField, waleSquare() }, ""},
		{"line of one point", func(in *domain.ProjectInput) {
			in.Kind, in.Geometry = domain.VillageRoad, orb.LineString{walePoint}
		}, "geometry"},
		{"line of one repeated point", func(in *domain.ProjectInput) {
			in.Kind, in.Geometry = domain.VillageRoad, orb.LineString{walePoint, walePoint}
		}, "geometry"},
		{"ring not closed", func(in *domain.ProjectInput) { in.Kind, in.Geometry = domain.SportsField, open }, "geometry"},
		{"self-intersecting ring", func(in *domain.ProjectInput) { in.Kind, in.Geometry = domain.SportsField, bowtie }, "geometry"},
		{"too many vertices", func(in *domain.ProjectInput) { in.Kind, in.Geometry = domain.VillageRoad, manyVertices }, "geometry"},
		{"NaN coordinate", func(in *domain.ProjectInput) { in.Geometry = orb.Point{math.NaN(), -5.45} }, "geometry"},
		{"longitude out of range", func(in *domain.ProjectInput) { in.Geometry = orb.Point{200, -5.45} }, "geometry"},
		{"in the strait", func(in *domain.ProjectInput) { in.Geometry = straitPoint }, "geometry"},
		{"far from the city", func(in *domain.ProjectInput) { in.Geometry = orb.Point{106.8, -6.2} }, "geometry"},
		{"road leaving the city", func(in *domain.ProjectInput) {
			in.Kind, in.Geometry = domain.VillageRoad, orb.LineString{walePoint, {123.2, -5.0}}
		}, "geometry"},
		{"contradicting kelurahan", func(in *domain.ProjectInput) { in.KelurahanCode = otherKel }, "kelurahanCode"},
		{"agreeing kelurahan", func(in *domain.ProjectInput) { in.KelurahanCode = waleCode }, ""},
		{"year 2014", func(in *domain.ProjectInput) { in.Year = 2014 }, "year"},
		{"year 2015", func(in *domain.ProjectInput) { in.Year, in.StartDate, in.FinishDate = 2015, nil, nil }, ""},
		{"next year", func(in *domain.ProjectInput) { in.Year = nextYear() }, ""},
		{"the year after next", func(in *domain.ProjectInput) { in.Year = nextYear() + 1 }, "year"},
		{"negative budget", func(in *domain.ProjectInput) { in.BudgetRupiah = -1 }, "budgetRupiah"},
		{"zero budget", func(in *domain.ProjectInput) { in.BudgetRupiah = 0 }, ""},
		{"huge budget", func(in *domain.ProjectInput) { in.BudgetRupiah = store.MaxBudgetRupiah + 1 }, "budgetRupiah"},
		{"unknown status", func(in *domain.ProjectInput) { in.Status = "" }, "status"},
		{"finish before start", func(in *domain.ProjectInput) { in.FinishDate = date(2024, 2, 29) }, "finishDate"},
		{"finish on the start", func(in *domain.ProjectInput) { in.FinishDate = in.StartDate }, ""},
		{"finish without start", func(in *domain.ProjectInput) { in.StartDate = nil }, "finishDate"},
		{"start not a calendar date", func(in *domain.ProjectInput) {
			s := in.StartDate.Add(3 * time.Hour)
			in.StartDate = &s
		}, "startDate"},
		{"start in 2014", func(in *domain.ProjectInput) { in.StartDate = date(2014, 12, 31) }, "startDate"},
		{"negative beneficiaries", func(in *domain.ProjectInput) { in.Beneficiaries = -1 }, "beneficiaries"},
		{"description too long", func(in *domain.ProjectInput) { in.Description = long(store.MaxDescriptionLength + 1) }, "description"},
		{"description with lines", func(in *domain.ProjectInput) { in.Description = "satu\ndua\r\n\ttiga" }, ""},
		{"unknown forum", func(in *domain.ProjectInput) { in.ForumID = "fks-nowhere" }, "forumId"},
		{"no forum", func(in *domain.ProjectInput) { in.ForumID = "" }, ""},
		{"before its forum was formed", func(in *domain.ProjectInput) {
			in.ForumID, in.Year, in.StartDate, in.FinishDate = forum2017, 2016, nil, nil
		}, "year"},
		{"bad id", func(in *domain.ProjectInput) { in.ID = "Not An ID" }, "id"},
		{"id too long", func(in *domain.ProjectInput) { in.ID = strings.Repeat("a", store.MaxIDLength+1) }, "id"},
	}
	accepted := 0
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := projectInput()
			tc.change(&in)
			p, err := w.s.CreateProject(w.ctx, editor, in)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				accepted++
				if p.Version != 1 || p.ID == "" {
					t.Errorf("created %q at version %d", p.ID, p.Version)
				}
				return
			}
			wantInvalid(t, err, tc.field)
		})
	}

	t.Run("several fields at once", func(t *testing.T) {
		in := projectInput()
		in.Title, in.Year, in.BudgetRupiah = "", 2014, -5
		_, err := w.s.CreateProject(w.ctx, editor, in)
		for _, f := range []string{"title", "year", "budgetRupiah"} {
			wantInvalid(t, err, f)
		}
	})

	after := w.state(t)
	want := before
	want.projects += accepted
	want.audit += accepted
	if after != want {
		t.Errorf("after the refused writes: %+v, want %+v (only the %d accepted ones)", after, want, accepted)
	}
}

func testForumValidation(t *testing.T, w *wsuite) {
	before := w.state(t)
	tomba := w.ds.Kelurahans[1].Code
	for _, k := range w.ds.Kelurahans {
		if k.Code != waleCode && !spatialCovers(k.Geometry, walePoint) {
			tomba = k.Code
			break
		}
	}
	cases := []struct {
		name   string
		change func(in *domain.ForumInput)
		field  string
	}{
		{"empty name", func(in *domain.ForumInput) { in.Name = "" }, "name"},
		{"no kelurahan", func(in *domain.ForumInput) { in.KelurahanCodes = nil }, "kelurahanCodes"},
		{"kelurahan twice", func(in *domain.ForumInput) { in.KelurahanCodes = []string{waleCode, waleCode} }, "kelurahanCodes[1]"},
		{"unknown kelurahan", func(in *domain.ForumInput) { in.KelurahanCodes = []string{waleCode, "74.72.99.9999"} }, "kelurahanCodes[1]"},
		{"two kelurahan", func(in *domain.ForumInput) { in.KelurahanCodes = []string{waleCode, tomba} }, ""},
		{"secretariat outside the first kelurahan", func(in *domain.ForumInput) { in.KelurahanCodes = []string{tomba, waleCode} }, "secretariat"},
		{"secretariat at sea", func(in *domain.ForumInput) { in.Secretariat = straitPoint }, "secretariat"},
		{"secretariat NaN", func(in *domain.ForumInput) { in.Secretariat = orb.Point{math.NaN(), 0} }, "secretariat"},
		{"formed 2014", func(in *domain.ForumInput) { in.YearFormed = 2014 }, "yearFormed"},
		{"formed the year after next", func(in *domain.ForumInput) { in.YearFormed = nextYear() + 1 }, "yearFormed"},
		{"unknown status", func(in *domain.ForumInput) { in.Status = "DORMANT" }, "status"},
		{"negative members", func(in *domain.ForumInput) { in.MemberCount = -1 }, "memberCount"},
		{"name of 201 characters", func(in *domain.ForumInput) { in.Name = strings.Repeat("x", 201) }, "name"},
	}
	accepted := 0
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := forumInput()
			tc.change(&in)
			_, err := w.s.CreateForum(w.ctx, editor, in)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				accepted++
				return
			}
			wantInvalid(t, err, tc.field)
		})
	}
	after := w.state(t)
	want := before
	want.forums += accepted
	want.audit += accepted
	if after != want {
		t.Errorf("after the refused writes: %+v, want %+v", after, want)
	}
}

func testActivityValidation(t *testing.T, w *wsuite) {
	before := w.state(t)
	wale, _ := w.ds.Forum(waleForum)
	cases := []struct {
		name   string
		change func(in *domain.ActivityInput)
		field  string
	}{
		{"empty title", func(in *domain.ActivityInput) { in.Title = "" }, "title"},
		{"no forum", func(in *domain.ActivityInput) { in.ForumID = "" }, "forumId"},
		{"unknown forum", func(in *domain.ActivityInput) { in.ForumID = "fks-nowhere" }, "forumId"},
		{"unknown kind", func(in *domain.ActivityInput) { in.Kind = "PARTY" }, "kind"},
		{"date not a calendar date", func(in *domain.ActivityInput) { in.Date = in.Date.Add(time.Minute) }, "date"},
		{"date in 2014", func(in *domain.ActivityInput) { in.Date = *date(2014, 6, 1) }, "date"},
		{"date the year after next", func(in *domain.ActivityInput) { in.Date = *date(nextYear()+1, 1, 1) }, "date"},
		{"before its forum was formed", func(in *domain.ActivityInput) {
			in.ForumID, in.Location, in.Date = forum2017, nil, *date(2016, 6, 1)
		}, "date"},
		{"negative participants", func(in *domain.ActivityInput) { in.Participants = -3 }, "participants"},
		{"location at sea", func(in *domain.ActivityInput) { p := straitPoint; in.Location = &p }, "location"},
		{"location NaN", func(in *domain.ActivityInput) { p := orb.Point{0, math.NaN()}; in.Location = &p }, "location"},
		{"contradicting kelurahan", func(in *domain.ActivityInput) { in.KelurahanCode = wale.KelurahanCodes[1] }, "kelurahanCode"},
		{"no location, not the forum's kelurahan", func(in *domain.ActivityInput) {
			in.Location, in.KelurahanCode = nil, wale.KelurahanCodes[1]
		}, "kelurahanCode"},
		{"no location", func(in *domain.ActivityInput) { in.Location = nil }, ""},
	}
	accepted := 0
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := activityInput()
			tc.change(&in)
			_, err := w.s.CreateActivity(w.ctx, editor, in)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				accepted++
				return
			}
			wantInvalid(t, err, tc.field)
		})
	}
	after := w.state(t)
	want := before
	want.activities += accepted
	want.audit += accepted
	if after != want {
		t.Errorf("after the refused writes: %+v, want %+v", after, want)
	}
}

// testKelurahanAssignment: the kelurahan is the one at the first position,
// by the KelurahanAt rule, overlaps included.
func testKelurahanAssignment(t *testing.T, w *wsuite) {
	t.Run("point", func(t *testing.T) {
		p := w.createProject(t, projectInput())
		if p.KelurahanCode != waleCode {
			t.Errorf("kelurahan %s, want %s", p.KelurahanCode, waleCode)
		}
	})
	t.Run("line and polygon go by their first position", func(t *testing.T) {
		for _, k := range w.ds.Kelurahans[:6] {
			inside, clear := wellInside(w.ds, k)
			if clear < 50 {
				continue
			}
			// A road from inside k that ends in Wale, and a field whose
			// first vertex is inside k.
			in := projectInput()
			in.Kind, in.Geometry = domain.VillageRoad, orb.LineString{inside, walePoint}
			p := w.createProject(t, in)
			if p.KelurahanCode != k.Code {
				t.Errorf("road from %s: kelurahan %s", k.Code, p.KelurahanCode)
			}
			d := 0.0002
			in.Kind, in.Geometry = domain.SportsField, orb.Polygon{{inside, {inside[0] + d, inside[1]},
				{inside[0] + d, inside[1] + d}, {inside[0], inside[1] + d}, inside}}
			p = w.createProject(t, in)
			if p.KelurahanCode != k.Code {
				t.Errorf("field in %s: kelurahan %s", k.Code, p.KelurahanCode)
			}
		}
	})
	t.Run("overlaps go to the lowest code", func(t *testing.T) {
		pts := overlapPoints(w.ds, 5)
		if len(pts) == 0 {
			t.Fatal("test data: no overlap point")
		}
		for _, pt := range pts {
			in := projectInput()
			in.Geometry = pt
			p := w.createProject(t, in)
			if want := expectKelurahanAt(w.ds, pt); p.KelurahanCode != want {
				t.Errorf("at %v: kelurahan %s, want %s", pt, p.KelurahanCode, want)
			}
		}
	})
	t.Run("activity", func(t *testing.T) {
		a, err := w.s.CreateActivity(w.ctx, editor, activityInput())
		if err != nil || a.KelurahanCode != waleCode {
			t.Errorf("with a location in Wale: %q, %v", a.KelurahanCode, err)
		}
		in := activityInput()
		in.ForumID, in.Location, in.Date = forum2017, nil, *date(2018, 1, 5)
		a, err = w.s.CreateActivity(w.ctx, editor, in)
		f, _ := w.ds.Forum(forum2017)
		if err != nil || a.KelurahanCode != f.KelurahanCodes[0] || a.Location != nil {
			t.Errorf("without a location: %q %v, %v; want the forum's %s", a.KelurahanCode, a.Location, err, f.KelurahanCodes[0])
		}
	})
	t.Run("KelurahanAt is unaffected", func(t *testing.T) {
		for _, p := range append(overlapPoints(w.ds, 3), walePoint, straitPoint) {
			got, err := w.s.KelurahanAt(w.ctx, p)
			want := expectKelurahanAt(w.ds, p)
			if want == "" {
				wantCode(t, err, domain.ENOTFOUND)
			} else if err != nil || got.Code != want {
				t.Errorf("KelurahanAt(%v) = %s, %v; want %s", p, got.Code, err, want)
			}
		}
	})
}

func spatialCovers(g orb.Geometry, p orb.Point) bool { return spatial.ContainsPoint(g, p) }
