package storetest

import (
	"cmp"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/spatial"
)

// The expect* functions answer a query by brute force over every record,
// without indexes, straight from the definitions in package domain. The
// read suite takes every geometric answer from the golden file (PostGIS);
// expectKelurahanAt and expectKelurahans' geometric parts use
// internal/spatial and remain for the write suite only.

// expectKelurahanAt returns the code of the lowest-coded kelurahan whose
// polygon covers p, or "".
func expectKelurahanAt(ds *dataset.Dataset, p orb.Point) string {
	best := ""
	for _, k := range ds.Kelurahans {
		if spatial.ContainsPoint(k.Geometry, p) && (best == "" || k.Code < best) {
			best = k.Code
		}
	}
	return best
}

func expectKelurahans(ds *dataset.Dataset, f domain.KelurahanFilter) []string {
	served := map[string]bool{}
	for _, fo := range ds.Forums {
		if fo.Status == domain.ForumActive {
			for _, c := range fo.KelurahanCodes {
				served[c] = true
			}
		}
	}
	out := []string{}
	for _, k := range ds.Kelurahans {
		if f.KecamatanCode != "" && k.KecamatanCode != f.KecamatanCode {
			continue
		}
		if f.NameContains != "" && !strings.Contains(strings.ToLower(k.Name), strings.ToLower(f.NameContains)) {
			continue
		}
		if f.BBox != nil && !spatial.Intersects(k.Geometry, f.BBox.ToPolygon()) {
			continue
		}
		if f.Intersects != nil && !spatial.Intersects(k.Geometry, f.Intersects) {
			continue
		}
		if f.ConflictProne != nil && k.ConflictProne != *f.ConflictProne {
			continue
		}
		if f.HasForum != nil && served[k.Code] != *f.HasForum {
			continue
		}
		out = append(out, k.Code)
	}
	slices.Sort(out)
	return out
}

func expectForums(ds *dataset.Dataset, f domain.ForumFilter) []string {
	out := []string{}
	for _, fo := range ds.Forums {
		if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, fo.Status) {
			continue
		}
		if f.YearFormed != nil && fo.YearFormed != *f.YearFormed {
			continue
		}
		if f.KelurahanCode != "" && !slices.Contains(fo.KelurahanCodes, f.KelurahanCode) {
			continue
		}
		if f.KecamatanCode != "" && !slices.ContainsFunc(fo.KelurahanCodes, func(c string) bool {
			return strings.HasPrefix(c, f.KecamatanCode+".")
		}) {
			continue
		}
		out = append(out, fo.ID)
	}
	slices.Sort(out)
	return out
}

// projectMatch is a project that matched a filter, with its distance when
// the filter had Near.
type projectMatch struct {
	p    domain.Project
	dist float64
}

// geoFacts are the golden answers for a filter's geometric parts: the
// shapes of BBox and Within, the distances from Near's point. A part the
// filter has must have its fact.
type geoFacts struct {
	bbox, within *GoldenShape
	near         *GoldenDistances
}

func matchProjects(t *testing.T, ds *dataset.Dataset, f domain.ProjectFilter, fx geoFacts) []projectMatch {
	t.Helper()
	if f.BBox != nil && fx.bbox == nil || f.Within != nil && fx.within == nil || f.Near != nil && fx.near == nil {
		t.Fatal("test table: a geometric filter without its golden answer")
	}
	var out []projectMatch
	for _, p := range ds.Projects {
		if len(f.Kinds) > 0 && !slices.Contains(f.Kinds, p.Kind) ||
			len(f.Statuses) > 0 && !slices.Contains(f.Statuses, p.Status) ||
			f.YearFrom != nil && p.Year < *f.YearFrom ||
			f.YearTo != nil && p.Year > *f.YearTo ||
			len(f.KelurahanCodes) > 0 && !slices.Contains(f.KelurahanCodes, p.KelurahanCode) ||
			len(f.KecamatanCodes) > 0 && !slices.ContainsFunc(f.KecamatanCodes, func(c string) bool {
				return strings.HasPrefix(p.KelurahanCode, c+".")
			}) ||
			f.ForumID != "" && p.ForumID != f.ForumID ||
			f.IDAfter != "" && p.ID <= f.IDAfter ||
			f.BBox != nil && !slices.Contains(fx.bbox.ProjectsIntersecting, p.ID) ||
			f.Within != nil && !slices.Contains(fx.within.ProjectsCovered, p.ID) {
			continue
		}
		m := projectMatch{p: p}
		if f.Near != nil {
			d, ok := fx.near.Meters[p.ID]
			if !ok {
				t.Fatalf("%s: the distances from %s lack %s; regenerate it: %s", GoldenPath, fx.near.Name, p.ID, GoldenCommand)
			}
			m.dist = d
			if m.dist > f.Near.RadiusMeters {
				continue
			}
		}
		out = append(out, m)
	}
	return out
}

// expectProjects returns the window p of the projects matching f in order o
// (o already normalised: a field is set), and the total count.
func expectProjects(t *testing.T, ds *dataset.Dataset, f domain.ProjectFilter, fx geoFacts, o domain.ProjectOrder, p domain.Page) ([]idHit, int) {
	t.Helper()
	ms := matchProjects(t, ds, f, fx)
	slices.SortFunc(ms, func(a, b projectMatch) int {
		var c int
		switch o.Field {
		case domain.OrderByID:
			c = strings.Compare(a.p.ID, b.p.ID)
		case domain.OrderByYear:
			c = cmp.Compare(a.p.Year, b.p.Year)
		case domain.OrderByBudget:
			c = cmp.Compare(a.p.BudgetRupiah, b.p.BudgetRupiah)
		case domain.OrderByTitle:
			c = strings.Compare(a.p.Title, b.p.Title)
		case domain.OrderByDistance:
			c = cmp.Compare(a.dist, b.dist)
		default:
			t.Fatalf("test table: order field %q", o.Field)
		}
		if o.Desc {
			c = -c
		}
		return cmp.Or(c, strings.Compare(a.p.ID, b.p.ID))
	})
	total := len(ms)
	start := min(p.Offset, total)
	end := min(start+p.Limit, total)
	out := []idHit{}
	for _, m := range ms[start:end] {
		out = append(out, idHit{m.p.ID, m.dist})
	}
	if p.NoCount {
		total = -1
	}
	return out, total
}

// expectNearest is the nearest projects by the golden distances gd.
func expectNearest(ds *dataset.Dataset, gd *GoldenDistances, limit int, kinds []domain.ProjectKind) []idHit {
	var all []idHit
	for _, pr := range ds.Projects {
		if len(kinds) > 0 && !slices.Contains(kinds, pr.Kind) {
			continue
		}
		all = append(all, idHit{pr.ID, gd.Meters[pr.ID]})
	}
	slices.SortFunc(all, func(a, b idHit) int { return cmp.Or(cmp.Compare(a.dist, b.dist), strings.Compare(a.id, b.id)) })
	return all[:min(limit, len(all))]
}

// expectKelurahansIn is expectKelurahans with the geometric part (BBox or
// Intersects, at most one) answered by the golden shape sh.
func expectKelurahansIn(t *testing.T, ds *dataset.Dataset, f domain.KelurahanFilter, sh *GoldenShape) []string {
	t.Helper()
	if (f.BBox != nil || f.Intersects != nil) != (sh != nil) {
		t.Fatal("test table: a geometric kelurahan filter without its golden answer")
	}
	f.BBox, f.Intersects = nil, nil
	out := []string{}
	for _, c := range expectKelurahans(ds, f) {
		if sh == nil || slices.Contains(sh.Kelurahans, c) {
			out = append(out, c)
		}
	}
	return out
}

func expectStats(t *testing.T, ds *dataset.Dataset, f domain.ProjectFilter, fx geoFacts, by []domain.StatsDimension) []domain.StatsRow {
	t.Helper()
	var rows []domain.StatsRow
	if len(by) == 0 {
		rows = append(rows, domain.StatsRow{})
	}
	for _, m := range matchProjects(t, ds, f, fx) {
		var key domain.StatsRow
		for _, d := range by {
			switch d {
			case domain.ByYear:
				key.Year = m.p.Year
			case domain.ByKind:
				key.Kind = m.p.Kind
			case domain.ByStatus:
				key.Status = m.p.Status
			case domain.ByKelurahan:
				key.KelurahanCode = m.p.KelurahanCode
			case domain.ByKecamatan:
				key.KecamatanCode = m.p.KelurahanCode[:len("74.72.00")]
			case domain.ByForum:
				key.ForumID = m.p.ForumID
			}
		}
		i := slices.IndexFunc(rows, func(r domain.StatsRow) bool {
			r.Count, r.BudgetRupiah, r.Beneficiaries = 0, 0, 0
			return r == key
		})
		if i < 0 {
			rows = append(rows, key)
			i = len(rows) - 1
		}
		rows[i].Count++
		rows[i].BudgetRupiah += m.p.BudgetRupiah
		rows[i].Beneficiaries += m.p.Beneficiaries
	}
	slices.SortFunc(rows, func(a, b domain.StatsRow) int {
		for _, d := range by {
			var c int
			switch d {
			case domain.ByYear:
				c = cmp.Compare(a.Year, b.Year)
			case domain.ByKind:
				c = cmp.Compare(a.Kind, b.Kind)
			case domain.ByStatus:
				c = cmp.Compare(a.Status, b.Status)
			case domain.ByKelurahan:
				c = cmp.Compare(a.KelurahanCode, b.KelurahanCode)
			case domain.ByKecamatan:
				c = cmp.Compare(a.KecamatanCode, b.KecamatanCode)
			case domain.ByForum:
				c = cmp.Compare(a.ForumID, b.ForumID)
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
	return rows
}

func expectActivities(ds *dataset.Dataset, f domain.ActivityFilter, p domain.Page) ([]string, int) {
	var ms []domain.Activity
	for _, a := range ds.Activities {
		if len(f.Kinds) > 0 && !slices.Contains(f.Kinds, a.Kind) ||
			f.ForumID != "" && a.ForumID != f.ForumID ||
			len(f.KelurahanCodes) > 0 && !slices.Contains(f.KelurahanCodes, a.KelurahanCode) ||
			f.DateFrom != nil && a.Date.Before(*f.DateFrom) ||
			f.DateTo != nil && a.Date.After(*f.DateTo) ||
			f.BBox != nil && (a.Location == nil || !f.BBox.Contains(*a.Location)) {
			continue
		}
		ms = append(ms, a)
	}
	slices.SortFunc(ms, func(a, b domain.Activity) int { return cmp.Or(a.Date.Compare(b.Date), strings.Compare(a.ID, b.ID)) })
	start := min(p.Offset, len(ms))
	end := min(start+p.Limit, len(ms))
	total := len(ms)
	if p.NoCount {
		total = -1
	}
	return activityIDs(ms[start:end]), total
}
