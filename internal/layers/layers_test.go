package layers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/layers"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/memory"
)

func newStore(t testing.TB) store.Store {
	t.Helper()
	s, err := memory.New(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// allProjects and allActivities page through the store directly, to count
// without going through the layer code under test.
func allProjects(t *testing.T, s store.Store, f domain.ProjectFilter) []domain.Project {
	t.Helper()
	var out []domain.Project
	for off := 0; ; off += store.MaxPageSize {
		pg, err := s.Projects(context.Background(), f, domain.ProjectOrder{}, domain.Page{Offset: off, Limit: store.MaxPageSize})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range pg.Items {
			out = append(out, h.Project)
		}
		if off+store.MaxPageSize >= pg.TotalCount {
			return out
		}
	}
}

func locatedActivities(t *testing.T, s store.Store) []domain.Activity {
	t.Helper()
	var out []domain.Activity
	for off := 0; ; off += store.MaxPageSize {
		pg, err := s.Activities(context.Background(), domain.ActivityFilter{}, domain.Page{Offset: off, Limit: store.MaxPageSize})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range pg.Items {
			if a.Location != nil {
				out = append(out, a)
			}
		}
		if off+store.MaxPageSize >= pg.TotalCount {
			return out
		}
	}
}

func TestFetchMatchesStore(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	kecs, _ := s.Kecamatans(ctx, domain.KecamatanFilter{})
	kels, _ := s.Kelurahans(ctx, domain.KelurahanFilter{})
	forums, _ := s.Forums(ctx, domain.ForumFilter{})
	provs, _ := s.Provinsis(ctx)
	kabs, _ := s.KabupatenKotas(ctx, domain.KabupatenKotaFilter{})
	want := map[string]int{
		"provinsi":       len(provs),
		"kabupaten_kota": len(kabs),
		"kecamatan":      len(kecs),
		"kelurahan":      len(kels),
		"forums":         len(forums),
		"projects":       len(allProjects(t, s, domain.ProjectFilter{})),
		"activities":     len(locatedActivities(t, s)),
	}
	reg := layers.New()
	var names []string
	for _, l := range reg.All() {
		names = append(names, l.Name)
	}
	if !slices.Equal(names, []string{"kecamatan", "kelurahan", "forums", "projects", "activities", "provinsi", "kabupaten_kota"}) {
		t.Fatalf("layers = %v", names)
	}
	for _, l := range reg.All() {
		t.Run(l.Name, func(t *testing.T) {
			if want[l.Name] == 0 {
				t.Fatalf("the store has no %s: the test would prove nothing", l.Name)
			}
			res, err := l.Fetch(ctx, s, layers.Query{})
			if err != nil {
				t.Fatal(err)
			}
			if res.NumberMatched != want[l.Name] || len(res.Features) != want[l.Name] {
				t.Errorf("matched %d, returned %d, want %d", res.NumberMatched, len(res.Features), want[l.Name])
			}
			fields := map[string]bool{}
			for _, f := range l.Fields {
				fields[f.Name] = true
			}
			seen := map[any]bool{}
			for _, f := range res.Features {
				if seen[f.ID] {
					t.Errorf("id %v twice", f.ID)
				}
				seen[f.ID] = true
				if f.Properties[l.IDProperty] != f.ID {
					t.Errorf("%s = %v, id %v", l.IDProperty, f.Properties[l.IDProperty], f.ID)
				}
				for k := range f.Properties {
					if !fields[k] {
						t.Errorf("property %q is not a declared field", k)
					}
				}
				for k := range fields {
					if _, ok := f.Properties[k]; !ok {
						t.Errorf("feature %v lacks field %q", f.ID, k)
					}
				}
				if f.Geometry == nil || !slices.Contains(l.GeometryTypes, f.Geometry.GeoJSONType()) {
					t.Errorf("feature %v geometry %T not in %v", f.ID, f.Geometry, l.GeometryTypes)
				}
			}
			// Get agrees with Fetch.
			one, err := l.Feature(ctx, s, res.Features[0].ID.(string))
			if err != nil || one.ID != res.Features[0].ID {
				t.Errorf("Feature(%v) = %v, %v", res.Features[0].ID, one, err)
			}
			if _, err := l.Feature(ctx, s, "no-such-id"); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Errorf("Feature(missing) err = %v, want ENOTFOUND", err)
			}
		})
	}
}

// TestWindow pages through every layer by offset and, where the layer
// has keys, by key as the OGC API's next links do: every feature once, in
// the full list's order; More says whether a page follows; NumberMatched is
// exact or -1, never wrong.
func TestWindow(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	for _, l := range layers.New().All() {
		t.Run(l.Name, func(t *testing.T) {
			all, err := l.Fetch(ctx, s, layers.Query{})
			if err != nil {
				t.Fatal(err)
			}
			n := len(all.Features)
			if all.NumberMatched != n || all.More {
				t.Fatalf("whole layer: matched %d more %t, %d features", all.NumberMatched, all.More, n)
			}
			var want []any
			for _, f := range all.Features {
				want = append(want, f.ID)
			}
			const size = 7
			check := func(what string, res layers.Result, seen int) {
				t.Helper()
				if len(res.Features) > size {
					t.Fatalf("%s: %d features", what, len(res.Features))
				}
				if m := res.NumberMatched; m != n && m != -1 {
					t.Fatalf("%s: matched %d, want %d or -1", what, m, n)
				}
				if res.More != (seen+len(res.Features) < n) {
					t.Fatalf("%s: more %t after %d of %d", what, res.More, seen+len(res.Features), n)
				}
			}
			var got []any
			for off := 0; off < n+size; off += size {
				res, err := l.Fetch(ctx, s, layers.Query{Offset: off, Limit: size})
				if err != nil {
					t.Fatal(err)
				}
				check(fmt.Sprintf("offset %d", off), res, min(off, n))
				for _, f := range res.Features {
					got = append(got, f.ID)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("paged by offset, ids differ from the full list (%d vs %d)", len(got), len(want))
			}
			if !l.Keyset {
				if _, err := l.Fetch(ctx, s, layers.Query{After: "x", Limit: size}); domain.ErrorCode(err) != domain.EINVALID {
					t.Errorf("After on a layer without keys: %v, want EINVALID", err)
				}
				return
			}
			got = nil
			for after, pages := "", 0; ; pages++ {
				res, err := l.Fetch(ctx, s, layers.Query{After: after, Limit: size})
				if err != nil {
					t.Fatal(err)
				}
				check("after "+after, res, len(got))
				for _, f := range res.Features {
					got = append(got, f.ID)
				}
				if !res.More || pages > n {
					break
				}
				after = res.Features[len(res.Features)-1].ID.(string)
			}
			if !slices.Equal(got, want) {
				t.Errorf("paged by key, ids differ from the full list (%d vs %d)", len(got), len(want))
			}
		})
	}
}

func TestFilters(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	reg := layers.New()
	kels, _ := s.Kelurahans(ctx, domain.KelurahanFilter{})
	someKind := domain.ProjectKinds[0]
	tests := []struct {
		layer  string
		params string
		want   int
	}{
		{"projects", "kinds=" + string(someKind), len(allProjects(t, s, domain.ProjectFilter{Kinds: []domain.ProjectKind{someKind}}))},
		{"projects", "kind=" + strings.ToLower(string(someKind)) + "," + string(domain.SportsField), len(allProjects(t, s, domain.ProjectFilter{Kinds: []domain.ProjectKind{someKind, domain.SportsField}}))},
		{"projects", "kecamatanCodes=74.72.02", len(allProjects(t, s, domain.ProjectFilter{KecamatanCodes: []string{"74.72.02"}}))},
		{"projects", "yearFrom=2016&yearTo=2017", len(allProjects(t, s, domain.ProjectFilter{YearFrom: ptr(2016), YearTo: ptr(2017)}))},
		{"projects", "year=2016", len(allProjects(t, s, domain.ProjectFilter{YearFrom: ptr(2016), YearTo: ptr(2016)}))},
		{"kelurahan", "kode=" + kels[0].Code + "," + kels[1].Code, 2},
		{"kelurahan", "kecamatanCode=" + kels[0].KecamatanCode, countKel(kels, kels[0].KecamatanCode)},
		{"kecamatan", "kode=74.72.02", 1},
	}
	for _, tc := range tests {
		t.Run(tc.layer+"?"+tc.params, func(t *testing.T) {
			if tc.want == 0 {
				t.Fatal("no record matches in the store: the case proves nothing")
			}
			l, _ := reg.Lookup(tc.layer)
			v, _ := url.ParseQuery(tc.params)
			res, err := l.Fetch(ctx, s, layers.Query{Filter: v})
			if err != nil {
				t.Fatal(err)
			}
			if res.NumberMatched != tc.want {
				t.Errorf("matched %d, want %d", res.NumberMatched, tc.want)
			}
		})
	}
}

func countKel(kels []domain.Kelurahan, kec string) int {
	n := 0
	for _, k := range kels {
		if k.KecamatanCode == kec {
			n++
		}
	}
	return n
}

func ptr[T any](v T) *T { return &v }

func TestFilterErrors(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	reg := layers.New()
	tests := []struct {
		layer, params, field string
	}{
		{"projects", "kinds=ROCKET", "kinds"},
		{"projects", "kind=ROCKET", "kind"},
		{"projects", "yearFrom=abc", "yearFrom"},
		{"projects", "yearFrom=2020&yearTo=2019", "yearFrom"},
		{"projects", "year=2020&yearTo=2021", "year"},
		{"projects", "color=red", "color"},
		{"activities", "dateFrom=01-02-2020", "dateFrom"},
		{"kelurahan", "conflictProne=maybe", "conflictProne"},
		{"forums", "statuses=SLEEPING", "statuses"},
		{"forums", "yearFormed=1&yearFormed=2", "yearFormed"},
		{"kecamatan", "nama=Wolio", "nama"},
	}
	for _, tc := range tests {
		t.Run(tc.layer+"?"+tc.params, func(t *testing.T) {
			l, _ := reg.Lookup(tc.layer)
			v, _ := url.ParseQuery(tc.params)
			_, err := l.Fetch(ctx, s, layers.Query{Filter: v})
			var e *domain.Error
			if domain.ErrorCode(err) != domain.EINVALID || !errorAs(err, &e) || e.Field != tc.field {
				t.Errorf("err = %v, want EINVALID on %s", err, tc.field)
			}
		})
	}
}

func errorAs(err error, target **domain.Error) bool {
	e, ok := err.(*domain.Error)
	*target = e
	return ok
}

// TestBBox compares the layers' bbox filter with a brute-force test of
// each feature against the box.
func TestBBox(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	box := orb.Bound{Min: orb.Point{122.58, -5.50}, Max: orb.Point{122.63, -5.45}}
	kels, _ := s.Kelurahans(ctx, domain.KelurahanFilter{BBox: &box})
	kecs := map[string]bool{}
	for _, k := range kels {
		kecs[k.KecamatanCode] = true
	}
	forums, _ := s.Forums(ctx, domain.ForumFilter{})
	nForums := 0
	for _, f := range forums {
		if box.Contains(f.Secretariat) {
			nForums++
		}
	}
	nAct := 0
	for _, a := range locatedActivities(t, s) {
		if box.Contains(*a.Location) {
			nAct++
		}
	}
	// The one provinsi and the one kota are Baubau's outline: the box
	// meets both, and a box at sea neither (below).
	want := map[string]int{"kecamatan": len(kecs), "kelurahan": len(kels), "forums": nForums, "activities": nAct,
		"projects": len(allProjects(t, s, domain.ProjectFilter{BBox: &box})), "provinsi": 1, "kabupaten_kota": 1}
	whole := map[string]bool{"kecamatan": true, "provinsi": true, "kabupaten_kota": true}
	for _, l := range layers.New().All() {
		t.Run(l.Name, func(t *testing.T) {
			res, err := l.Fetch(ctx, s, layers.Query{BBox: &box})
			if err != nil {
				t.Fatal(err)
			}
			all, _ := l.Fetch(ctx, s, layers.Query{})
			if res.NumberMatched != want[l.Name] || res.NumberMatched == 0 || res.NumberMatched == all.NumberMatched && !whole[l.Name] {
				t.Errorf("matched %d of %d, want %d (and a proper subset)", res.NumberMatched, all.NumberMatched, want[l.Name])
			}
		})
	}
	sea := orb.Bound{Min: orb.Point{122.40, -5.60}, Max: orb.Point{122.45, -5.55}}
	for _, name := range []string{"provinsi", "kabupaten_kota"} {
		l, _ := layers.New().Lookup(name)
		res, err := l.Fetch(ctx, s, layers.Query{BBox: &sea})
		if err != nil || res.NumberMatched != 0 {
			t.Errorf("%s in a box at sea: %d matched (%v)", name, res.NumberMatched, err)
		}
	}
}

func TestParseBBox(t *testing.T) {
	tests := []struct {
		in   string
		want *orb.Bound
	}{
		{"122.5,-5.6,122.7,-5.4", &orb.Bound{Min: orb.Point{122.5, -5.6}, Max: orb.Point{122.7, -5.4}}},
		{"122.5,-5.6,0,122.7,-5.4,10", &orb.Bound{Min: orb.Point{122.5, -5.6}, Max: orb.Point{122.7, -5.4}}},
		{"122.5,-5.6,122.7", nil},
		{"a,b,c,d", nil},
		{"122.7,-5.6,122.5,-5.4", nil},
		{"122.5,-95,122.7,-5.4", nil},
		{"NaN,1,2,3", nil},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := layers.ParseBBox("bbox", tc.in)
			if tc.want == nil {
				if domain.ErrorCode(err) != domain.EINVALID {
					t.Errorf("err = %v, want EINVALID", err)
				}
				return
			}
			if err != nil || *got != *tc.want {
				t.Errorf("= %v, %v", got, err)
			}
		})
	}
}

func TestHandler(t *testing.T) {
	s := newStore(t)
	srv := httptest.NewServer(layers.Routes(s, layers.Options{}))
	defer srv.Close()
	all := len(allProjects(t, s, domain.ProjectFilter{}))
	roads := len(allProjects(t, s, domain.ProjectFilter{Kinds: []domain.ProjectKind{domain.VillageRoad}}))
	tests := []struct {
		name, path string
		status     int
		code       string // error code, or "" for a FeatureCollection
		features   int    // -1: do not check
	}{
		{"all projects", "/geojson/projects", 200, "", all},
		{"filtered", "/geojson/projects?kinds=VILLAGE_ROAD", 200, "", roads},
		{"window", "/geojson/projects?limit=3&offset=1", 200, "", 3},
		{"simplified", "/geojson/kelurahan?simplify=10&precision=5", 200, "", 43},
		{"empty bbox", "/geojson/kelurahan?bbox=0,0,1,1", 200, "", 0},
		{"unknown layer", "/geojson/roads", 404, "NOT_FOUND", -1},
		{"bad bbox", "/geojson/projects?bbox=1,2,3", 400, "BAD_USER_INPUT", -1},
		{"bad kind", "/geojson/projects?kinds=ROCKET", 400, "BAD_USER_INPUT", -1},
		{"bad precision", "/geojson/projects?precision=99", 400, "BAD_USER_INPUT", -1},
		{"bad simplify", "/geojson/projects?simplify=-1", 400, "BAD_USER_INPUT", -1},
		{"unknown param", "/geojson/kelurahan?kinds=X", 400, "BAD_USER_INPUT", -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := http.Get(srv.URL + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tc.status)
			}
			if tc.code != "" {
				var body layers.ErrorBody
				if err := json.NewDecoder(res.Body).Decode(&body); err != nil || len(body.Errors) != 1 || body.Errors[0].Extensions.Code != tc.code || body.Errors[0].Message == "" {
					t.Errorf("error body %+v, %v; want code %s", body, err, tc.code)
				}
				return
			}
			if ct := res.Header.Get("Content-Type"); ct != "application/geo+json" {
				t.Errorf("Content-Type %q", ct)
			}
			var fc geojson.FeatureCollection
			if err := json.NewDecoder(res.Body).Decode(&fc); err != nil {
				t.Fatal(err)
			}
			if fc.Type != "FeatureCollection" || len(fc.Features) != tc.features {
				t.Errorf("%s with %d features, want %d", fc.Type, len(fc.Features), tc.features)
			}
		})
	}
}

// TestHandlerRenders checks that precision reaches the output coordinates.
func TestHandlerRenders(t *testing.T) {
	srv := httptest.NewServer(layers.Routes(newStore(t), layers.Options{BasePath: "/maps/geojson"}))
	defer srv.Close()
	res, err := http.Get(srv.URL + "/maps/geojson/kelurahan?precision=3")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var fc geojson.FeatureCollection
	if err := json.NewDecoder(res.Body).Decode(&fc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range fc.Features {
		for _, p := range points(f.Geometry) {
			n++
			for _, c := range p {
				if d := c*1000 - float64(int64(c*1000)); d > 1e-6 && d < 1-1e-6 {
					t.Fatalf("coordinate %v has more than 3 decimals", c)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no coordinates")
	}
}

func points(g orb.Geometry) []orb.Point {
	switch g := g.(type) {
	case orb.Polygon:
		var out []orb.Point
		for _, r := range g {
			out = append(out, r...)
		}
		return out
	case orb.MultiPolygon:
		var out []orb.Point
		for _, p := range g {
			out = append(out, points(p)...)
		}
		return out
	}
	return nil
}
