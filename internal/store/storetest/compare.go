package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
)

// The check* helpers compare one record with the record of the data set,
// field by field: strings, numbers and geometries exactly, times as
// instants, stored floats nearly.

func checkKecamatan(t *testing.T, want, got domain.Kecamatan) {
	t.Helper()
	if got.Code != want.Code || got.Name != want.Name || !nearlyEqual(got.AreaSqM, want.AreaSqM) ||
		got.KabupatenKotaCode != want.KabupatenKotaCode || !got.Bound.Equal(want.Bound) ||
		!orb.Equal(got.Geometry, want.Geometry) {
		t.Errorf("kecamatan %s: got {%s %q area %v %s}, want {%s %q area %v %s}", want.Code,
			got.Code, got.Name, got.AreaSqM, geometryString(got.Geometry),
			want.Code, want.Name, want.AreaSqM, geometryString(want.Geometry))
	}
}

func checkProvinsi(t *testing.T, want, got domain.Provinsi) {
	t.Helper()
	if got.Code != want.Code || got.Name != want.Name || got.Derived != want.Derived ||
		!nearlyEqual(got.AreaSqM, want.AreaSqM) || !got.Bound.Equal(want.Bound) || !orb.Equal(got.Geometry, want.Geometry) {
		t.Errorf("provinsi %s: got {%s %q derived %v area %v %s}, want {%s %q derived %v area %v %s}", want.Code,
			got.Code, got.Name, got.Derived, got.AreaSqM, geometryString(got.Geometry),
			want.Code, want.Name, want.Derived, want.AreaSqM, geometryString(want.Geometry))
	}
}

func checkKabupatenKota(t *testing.T, want, got domain.KabupatenKota) {
	t.Helper()
	if got.Code != want.Code || got.Name != want.Name || got.ProvinsiCode != want.ProvinsiCode || got.Kind != want.Kind ||
		got.Derived != want.Derived || !nearlyEqual(got.AreaSqM, want.AreaSqM) || !got.Bound.Equal(want.Bound) ||
		!orb.Equal(got.Geometry, want.Geometry) {
		t.Errorf("kabupaten/kota %s: got {%s %q provinsi %s %s derived %v area %v %s}, want {%s %q provinsi %s %s derived %v area %v %s}", want.Code,
			got.Code, got.Name, got.ProvinsiCode, got.Kind, got.Derived, got.AreaSqM, geometryString(got.Geometry),
			want.Code, want.Name, want.ProvinsiCode, want.Kind, want.Derived, want.AreaSqM, geometryString(want.Geometry))
	}
}

func checkKelurahan(t *testing.T, want, got domain.Kelurahan) {
	t.Helper()
	var diffs []string
	if got.Code != want.Code {
		diffs = append(diffs, fmt.Sprintf("code %q", got.Code))
	}
	if got.Name != want.Name {
		diffs = append(diffs, fmt.Sprintf("name %q, want %q", got.Name, want.Name))
	}
	if got.KecamatanCode != want.KecamatanCode {
		diffs = append(diffs, fmt.Sprintf("kecamatan %q, want %q", got.KecamatanCode, want.KecamatanCode))
	}
	if got.Jenis != want.Jenis {
		diffs = append(diffs, fmt.Sprintf("jenis %q, want %q", got.Jenis, want.Jenis))
	}
	if got.ConflictProne != want.ConflictProne {
		diffs = append(diffs, fmt.Sprintf("conflictProne %v", got.ConflictProne))
	}
	if !nearlyEqual(got.AreaSqM, want.AreaSqM) {
		diffs = append(diffs, fmt.Sprintf("area %v, want %v", got.AreaSqM, want.AreaSqM))
	}
	if !nearlyEqual(got.Centroid[0], want.Centroid[0]) || !nearlyEqual(got.Centroid[1], want.Centroid[1]) {
		diffs = append(diffs, fmt.Sprintf("centroid %v, want %v", got.Centroid, want.Centroid))
	}
	if !got.Bound.Equal(want.Bound) {
		diffs = append(diffs, fmt.Sprintf("bound %v, want %v", got.Bound, want.Bound))
	}
	if !orb.Equal(got.Geometry, want.Geometry) {
		diffs = append(diffs, fmt.Sprintf("geometry %s, want %s", geometryString(got.Geometry), geometryString(want.Geometry)))
	}
	if len(diffs) > 0 {
		t.Errorf("kelurahan %s: %s", want.Code, strings.Join(diffs, "; "))
	}
}

func checkForum(t *testing.T, want, got domain.Forum) {
	t.Helper()
	if got.ID != want.ID || got.Name != want.Name || !slices.Equal(got.KelurahanCodes, want.KelurahanCodes) ||
		got.YearFormed != want.YearFormed || got.Status != want.Status || got.MemberCount != want.MemberCount ||
		got.Secretariat != want.Secretariat || got.Description != want.Description {
		t.Errorf("forum %s:\n got %+v\nwant %+v", want.ID, got, want)
	}
}

func checkProject(t *testing.T, want, got domain.Project) {
	t.Helper()
	var diffs []string
	add := func(field string, g, w any) { diffs = append(diffs, fmt.Sprintf("%s %v, want %v", field, g, w)) }
	if got.ID != want.ID {
		add("id", got.ID, want.ID)
	}
	if got.Title != want.Title {
		add("title", got.Title, want.Title)
	}
	if got.Kind != want.Kind {
		add("kind", got.Kind, want.Kind)
	}
	if !orb.Equal(got.Geometry, want.Geometry) {
		add("geometry", geometryString(got.Geometry), geometryString(want.Geometry))
	}
	if got.KelurahanCode != want.KelurahanCode {
		add("kelurahan", got.KelurahanCode, want.KelurahanCode)
	}
	if got.ForumID != want.ForumID {
		add("forum", got.ForumID, want.ForumID)
	}
	if got.Year != want.Year {
		add("year", got.Year, want.Year)
	}
	if got.BudgetRupiah != want.BudgetRupiah {
		add("budget", got.BudgetRupiah, want.BudgetRupiah)
	}
	if got.Status != want.Status {
		add("status", got.Status, want.Status)
	}
	if !sameDate(got.StartDate, want.StartDate) {
		add("startDate", got.StartDate, want.StartDate)
	}
	if !sameDate(got.FinishDate, want.FinishDate) {
		add("finishDate", got.FinishDate, want.FinishDate)
	}
	if got.Beneficiaries != want.Beneficiaries {
		add("beneficiaries", got.Beneficiaries, want.Beneficiaries)
	}
	if got.Description != want.Description {
		add("description", got.Description, want.Description)
	}
	if len(diffs) > 0 {
		t.Errorf("project %s: %s", want.ID, strings.Join(diffs, "; "))
	}
}

func checkActivity(t *testing.T, want, got domain.Activity) {
	t.Helper()
	sameLoc := (got.Location == nil) == (want.Location == nil) && (got.Location == nil || *got.Location == *want.Location)
	if got.ID != want.ID || got.Title != want.Title || got.ForumID != want.ForumID || got.Kind != want.Kind ||
		!got.Date.Equal(want.Date) || got.Participants != want.Participants || !sameLoc ||
		got.KelurahanCode != want.KelurahanCode || got.Description != want.Description {
		t.Errorf("activity %s:\n got %+v\nwant %+v", want.ID, got, want)
	}
}

func sameDate(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

func geometryString(g orb.Geometry) string {
	if g == nil {
		return "<nil>"
	}
	n := 0
	first := orb.Point{}
	walkPoints(g, func(p orb.Point) {
		if n == 0 {
			first = p
		}
		n++
	})
	return fmt.Sprintf("%s(%d points from %v)", g.GeoJSONType(), n, first)
}

// walkPoints calls fn for every vertex of g.
func walkPoints(g orb.Geometry, fn func(orb.Point)) {
	switch g := g.(type) {
	case orb.Point:
		fn(g)
	case orb.MultiPoint:
		for _, p := range g {
			fn(p)
		}
	case orb.LineString:
		for _, p := range g {
			fn(p)
		}
	case orb.Ring:
		for _, p := range g {
			fn(p)
		}
	case orb.MultiLineString:
		for _, l := range g {
			walkPoints(l, fn)
		}
	case orb.Polygon:
		for _, r := range g {
			walkPoints(r, fn)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			walkPoints(p, fn)
		}
	case orb.Collection:
		for _, c := range g {
			walkPoints(c, fn)
		}
	}
}

// idHit is an answer reduced to what lists are compared on.
type idHit struct {
	id   string
	dist float64
}

func hitsOf(hs []domain.ProjectHit) []idHit {
	out := make([]idHit, len(hs))
	for i, h := range hs {
		out[i] = idHit{h.ID, h.DistanceMeters}
	}
	return out
}

// sameHits reports how got differs from want ("" when it does not): the
// same ids in the same order, distances within tolerance. Where two
// distances are within tolerance of each other, their order may differ
// (two stores may round a near-tie either way); exact ties go by id in both.
func sameHits(want, got []idHit, withDistance bool) string {
	if len(got) != len(want) {
		return fmt.Sprintf("got %d items %v, want %d %v", len(got), ids(got), len(want), ids(want))
	}
	wantIDs := map[string]bool{}
	for _, w := range want {
		wantIDs[w.id] = true
	}
	for i := range want {
		g, w := got[i], want[i]
		if withDistance && !closeDistance(g.dist, w.dist) {
			return fmt.Sprintf("item %d (%s): distance %.3f m, want %.3f m (%s)", i, g.id, g.dist, w.dist, w.id)
		}
		if !withDistance && g.dist != 0 {
			return fmt.Sprintf("item %d (%s): distance %v set without near", i, g.id, g.dist)
		}
		if g.id == w.id {
			continue
		}
		if !withDistance || !wantIDs[g.id] || !nearTie(want, i) {
			return fmt.Sprintf("item %d: got %s, want %s\n got %v\nwant %v", i, g.id, w.id, ids(got), ids(want))
		}
	}
	seen := map[string]bool{}
	for _, g := range got {
		if seen[g.id] {
			return fmt.Sprintf("%s appears twice: %v", g.id, ids(got))
		}
		seen[g.id] = true
	}
	return ""
}

// nearTie reports whether want[i] has a neighbour at nearly the same distance.
func nearTie(want []idHit, i int) bool {
	return (i > 0 && closeDistance(want[i-1].dist, want[i].dist)) ||
		(i+1 < len(want) && closeDistance(want[i+1].dist, want[i].dist))
}

func ids(hs []idHit) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.id
	}
	return out
}

func kelurahanCodes(ks []domain.Kelurahan) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.Code
	}
	return out
}

func forumIDs(fs []domain.Forum) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.ID
	}
	return out
}

func activityIDs(as []domain.Activity) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.ID
	}
	return out
}
