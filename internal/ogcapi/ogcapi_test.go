package ogcapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/ogcapi"
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

// storeCounts counts each collection's features straight from the store.
func storeCounts(t *testing.T, s store.Store) map[string]int {
	t.Helper()
	ctx := context.Background()
	kecs, err1 := s.Kecamatans(ctx, domain.KecamatanFilter{})
	kels, err2 := s.Kelurahans(ctx, domain.KelurahanFilter{})
	forums, err3 := s.Forums(ctx, domain.ForumFilter{})
	projects, err4 := s.Projects(ctx, domain.ProjectFilter{}, domain.ProjectOrder{}, domain.Page{Limit: 1})
	provs, err5 := s.Provinsis(ctx)
	kabs, err6 := s.KabupatenKotas(ctx, domain.KabupatenKotaFilter{})
	if err := firstErr(err1, err2, err3, err4, err5, err6); err != nil {
		t.Fatal(err)
	}
	located := 0
	for off := 0; ; off += store.MaxPageSize {
		pg, err := s.Activities(ctx, domain.ActivityFilter{}, domain.Page{Offset: off, Limit: store.MaxPageSize})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range pg.Items {
			if a.Location != nil {
				located++
			}
		}
		if off+store.MaxPageSize >= pg.TotalCount {
			break
		}
	}
	return map[string]int{"provinsi": len(provs), "kabupaten_kota": len(kabs),
		"kecamatan": len(kecs), "kelurahan": len(kels), "forums": len(forums),
		"projects": projects.TotalCount, "activities": located}
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

type link struct {
	Href, Rel, Type string
}

type doc struct {
	Links          []link            `json:"links"`
	ConformsTo     []string          `json:"conformsTo"`
	Collections    []json.RawMessage `json:"collections"`
	ID             string            `json:"id"`
	Type           string            `json:"type"`
	Features       []json.RawMessage `json:"features"`
	NumberMatched  *int              `json:"numberMatched"`
	NumberReturned *int              `json:"numberReturned"`
	TimeStamp      string            `json:"timeStamp"`
	OpenAPI        string            `json:"openapi"`
	Paths          map[string]any    `json:"paths"`
	Errors         []struct {
		Extensions struct {
			Code string `json:"code"`
		} `json:"extensions"`
	} `json:"errors"`
}

func (d doc) link(rel string) (link, bool) {
	for _, l := range d.Links {
		if l.Rel == rel {
			return l, true
		}
	}
	return link{}, false
}

func fetch(t *testing.T, rawURL string, header ...string) (*http.Response, doc, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	var d doc
	if strings.Contains(res.Header.Get("Content-Type"), "json") {
		if err := json.Unmarshal(body, &d); err != nil {
			t.Fatalf("%s: %v\n%s", rawURL, err, body)
		}
	}
	return res, d, body
}

func newServer(t *testing.T, s store.Store) *httptest.Server {
	srv := httptest.NewServer(ogcapi.New(s, ogcapi.Options{}))
	t.Cleanup(srv.Close)
	return srv
}

func TestEndpoints(t *testing.T) {
	s := newStore(t)
	srv := newServer(t, s)
	base := srv.URL + "/ogcapi"
	tests := []struct {
		name, path  string
		status      int
		contentType string
		rels        []string
	}{
		{"landing", "", 200, "application/json", []string{"self", "alternate", "service-desc", "conformance", "data"}},
		{"landing slash", "/", 200, "application/json", []string{"self", "service-desc", "conformance", "data"}},
		{"conformance", "/conformance", 200, "application/json", nil},
		{"api", "/api", 200, "application/vnd.oai.openapi+json;version=3.0", nil},
		{"collections", "/collections", 200, "application/json", []string{"self", "alternate"}},
		{"collection", "/collections/kelurahan", 200, "application/json", []string{"self", "alternate", "items"}},
		{"items", "/collections/projects/items", 200, "application/geo+json", []string{"self", "alternate", "next", "collection"}},
		{"item", "/collections/kelurahan/items/74.72.02.1001", 200, "application/geo+json", []string{"self", "alternate", "collection"}},
		{"html landing", "?f=html", 200, "text/html; charset=utf-8", nil},
		{"html items", "/collections/kelurahan/items?f=html", 200, "text/html; charset=utf-8", nil},
		{"html item", "/collections/projects/items/prj-001?f=html", 200, "text/html; charset=utf-8", nil},
		{"html collections", "/collections?f=html", 200, "text/html; charset=utf-8", nil},
		{"html api", "/api?f=html", 200, "text/html; charset=utf-8", nil},
		{"unknown collection", "/collections/roads", 404, "application/json", nil},
		{"unknown items", "/collections/roads/items", 404, "application/json", nil},
		{"missing item", "/collections/kelurahan/items/74.72.99.9999", 404, "application/json", nil},
		{"unknown path", "/nothing", 404, "application/json", nil},
		{"bad f", "/collections?f=xml", 400, "application/json", nil},
		{"bad limit", "/collections/kelurahan/items?limit=0", 400, "application/json", nil},
		{"bad limit text", "/collections/kelurahan/items?limit=ten", 400, "application/json", nil},
		{"bad offset", "/collections/kelurahan/items?offset=-1", 400, "application/json", nil},
		{"bad bbox", "/collections/kelurahan/items?bbox=1,2", 400, "application/json", nil},
		{"unknown parameter", "/collections/kelurahan/items?colour=red", 400, "application/json", nil},
		{"bad datetime", "/collections/activities/items?datetime=yesterday", 400, "application/json", nil},
		{"cursor", "/collections/projects/items?cursor=azE6cHJqLTAwNQ", 200, "application/geo+json", []string{"self", "alternate", "next", "collection"}},
		{"bad cursor", "/collections/projects/items?cursor=prj-005", 400, "application/json", nil},
		{"bad cursor base64", "/collections/projects/items?cursor=!!", 400, "application/json", nil},
		{"empty cursor", "/collections/projects/items?cursor=", 400, "application/json", nil},
		{"cursor twice", "/collections/projects/items?cursor=azE6cHJqLTAwNQ&cursor=azE6cHJqLTAwNQ", 400, "application/json", nil},
		{"cursor on activities", "/collections/activities/items?cursor=azE6YWN0LTAwMQ", 400, "application/json", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, d, body := fetch(t, base+tc.path)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tc.status, body)
			}
			if ct := res.Header.Get("Content-Type"); ct != tc.contentType {
				t.Errorf("Content-Type %q, want %q", ct, tc.contentType)
			}
			for _, rel := range tc.rels {
				l, ok := d.link(rel)
				if !ok {
					t.Errorf("no %s link in %v", rel, d.Links)
					continue
				}
				if !strings.HasPrefix(l.Href, srv.URL+"/ogcapi") {
					t.Errorf("%s link %q is not absolute under the API", rel, l.Href)
				}
			}
			switch {
			case tc.status >= 400:
				if len(d.Errors) != 1 || d.Errors[0].Extensions.Code == "" {
					t.Errorf("error without code: %s", body)
				}
			case strings.HasPrefix(tc.contentType, "text/html"):
				if !strings.HasPrefix(string(body), "<!DOCTYPE html>") {
					t.Errorf("not an HTML page: %.80s", body)
				}
			}
		})
	}
}

func TestConformanceAndAPI(t *testing.T) {
	srv := newServer(t, newStore(t))
	_, conf, _ := fetch(t, srv.URL+"/ogcapi/conformance")
	for _, c := range []string{"core", "oas30", "geojson", "html"} {
		if !slices.Contains(conf.ConformsTo, "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"+c) {
			t.Errorf("conformsTo lacks %s: %v", c, conf.ConformsTo)
		}
	}
	_, api, _ := fetch(t, srv.URL+"/ogcapi/api")
	if !strings.HasPrefix(api.OpenAPI, "3.0") {
		t.Errorf("openapi %q", api.OpenAPI)
	}
	for _, p := range []string{"/", "/conformance", "/api", "/collections", "/collections/projects", "/collections/projects/items", "/collections/projects/items/{featureId}"} {
		if _, ok := api.Paths[p]; !ok {
			t.Errorf("OpenAPI lacks path %s", p)
		}
	}
	items := api.Paths["/collections/projects/items"].(map[string]any)["get"].(map[string]any)["parameters"].([]any)
	var names []string
	for _, p := range items {
		if name, ok := p.(map[string]any)["name"].(string); ok {
			names = append(names, name)
		}
	}
	for _, want := range []string{"kinds", "kind", "statuses", "yearFrom", "forumId"} {
		if !slices.Contains(names, want) {
			t.Errorf("projects items parameters %v lack %s", names, want)
		}
	}
}

func TestNegotiation(t *testing.T) {
	srv := newServer(t, newStore(t))
	tests := []struct {
		accept, query, want string
	}{
		{"", "", "application/json"},
		{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "", "text/html; charset=utf-8"},
		{"application/json;q=0.9,text/html;q=0.5", "", "application/json"},
		{"text/html", "?f=json", "application/json"},
		{"application/json", "?f=html", "text/html; charset=utf-8"},
	}
	for _, tc := range tests {
		t.Run(tc.accept+tc.query, func(t *testing.T) {
			res, _, _ := fetch(t, srv.URL+"/ogcapi/collections"+tc.query, "Accept", tc.accept)
			if ct := res.Header.Get("Content-Type"); ct != tc.want {
				t.Errorf("Content-Type %q, want %q", ct, tc.want)
			}
		})
	}
}

func TestCollections(t *testing.T) {
	s := newStore(t)
	srv := newServer(t, s)
	_, d, _ := fetch(t, srv.URL+"/ogcapi/collections")
	var ids []string
	for _, raw := range d.Collections {
		var c struct {
			ID     string
			Links  []link
			Extent struct{ Spatial struct{ BBox [][]float64 } }
		}
		if err := json.Unmarshal(raw, &c); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
		if len(c.Extent.Spatial.BBox) != 1 || len(c.Extent.Spatial.BBox[0]) != 4 {
			t.Errorf("%s extent %v", c.ID, c.Extent)
		}
		hasItems := slices.ContainsFunc(c.Links, func(l link) bool { return l.Rel == "items" && l.Type == "application/geo+json" })
		if !hasItems {
			t.Errorf("%s has no GeoJSON items link", c.ID)
		}
	}
	if !slices.Equal(ids, []string{"kecamatan", "kelurahan", "forums", "projects", "activities", "provinsi", "kabupaten_kota"}) {
		t.Errorf("collections %v", ids)
	}
}

// TestPaging follows next links until exhausted and checks every feature
// comes exactly once and numberMatched, when given, is the store's count.
// Keyed collections carry a cursor in the next link and no prev link past
// the first page; activities page by offset.
func TestPaging(t *testing.T) {
	s := newStore(t)
	srv := newServer(t, s)
	counts := storeCounts(t, s)
	for name, want := range counts {
		t.Run(name, func(t *testing.T) {
			if want == 0 {
				t.Fatal("nothing in the store: the test would prove nothing")
			}
			seen := map[string]int{}
			next := srv.URL + "/ogcapi/collections/" + name + "/items?limit=7"
			pages := 0
			for next != "" {
				pages++
				if pages > want+2 {
					t.Fatal("next links do not end")
				}
				res, d, body := fetch(t, next)
				if res.StatusCode != 200 {
					t.Fatalf("%s: status %d %s", next, res.StatusCode, body)
				}
				if d.NumberMatched != nil && *d.NumberMatched != want {
					t.Fatalf("numberMatched %v, want %d or none", *d.NumberMatched, want)
				}
				if *d.NumberReturned != len(d.Features) || len(d.Features) > 7 || d.TimeStamp == "" {
					t.Fatalf("numberReturned %d with %d features, timeStamp %q", *d.NumberReturned, len(d.Features), d.TimeStamp)
				}
				byOffset := name == "activities"
				if _, ok := d.link("prev"); ok != (byOffset && pages > 1) {
					t.Errorf("page %d: prev link present = %v", pages, ok)
				}
				for _, raw := range d.Features {
					var f struct{ ID string }
					json.Unmarshal(raw, &f)
					seen[f.ID]++
				}
				l, ok := d.link("next")
				next = l.Href
				if ok && !strings.Contains(next, "limit=7") {
					t.Errorf("next link %q lost the limit", next)
				}
				if ok && strings.Contains(next, "cursor=") == byOffset {
					t.Errorf("next link %q: cursor where offset was expected, or the reverse", next)
				}
			}
			if len(seen) != want {
				t.Errorf("%d distinct features over %d pages, want %d", len(seen), pages, want)
			}
			for id, n := range seen {
				if n != 1 {
					t.Errorf("feature %s seen %d times", id, n)
				}
			}
		})
	}
}

func TestItemsQuery(t *testing.T) {
	s := newStore(t)
	srv := newServer(t, s)
	ctx := context.Background()
	roads, _ := s.Projects(ctx, domain.ProjectFilter{Kinds: []domain.ProjectKind{domain.VillageRoad}}, domain.ProjectOrder{}, domain.Page{Limit: 1})
	wolio, _ := s.Kelurahans(ctx, domain.KelurahanFilter{KecamatanCode: "74.72.02"})
	counts := storeCounts(t, s)
	tests := []struct {
		name, query string
		matched     int
		returned    int
	}{
		// More projects than the page: not counted.
		{"default limit", "/collections/projects/items", -1, min(10, counts["projects"])},
		{"limit clamped", "/collections/projects/items?limit=5000", counts["projects"], min(ogcapi.MaxLimit, counts["projects"])},
		{"property filter kode", "/collections/kelurahan/items?kode=74.72.02.1001", 1, 1},
		{"property filter kind", "/collections/projects/items?kind=VILLAGE_ROAD&limit=1000", roads.TotalCount, roads.TotalCount},
		{"filter kecamatan", "/collections/kelurahan/items?kecamatanCode=74.72.02&limit=100", len(wolio), len(wolio)},
		{"bbox far away", "/collections/kelurahan/items?bbox=0,0,1,1", 0, 0},
		{"offset past end", "/collections/kecamatan/items?offset=100", 8, 0},
		{"datetime ignored where no time", "/collections/kecamatan/items?datetime=2020-01-01", 8, 8},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, d, body := fetch(t, srv.URL+"/ogcapi"+tc.query)
			if res.StatusCode != 200 {
				t.Fatalf("status %d: %s", res.StatusCode, body)
			}
			matched := -1
			if d.NumberMatched != nil {
				matched = *d.NumberMatched
			}
			if matched != tc.matched || *d.NumberReturned != tc.returned {
				t.Errorf("matched %d returned %d, want %d and %d (-1: none)", matched, *d.NumberReturned, tc.matched, tc.returned)
			}
			self, _ := d.link("self")
			u, _ := url.Parse(self.Href)
			if tc.name == "limit clamped" && u.Query().Get("limit") != "1000" {
				t.Errorf("self link %s does not show the clamped limit", self.Href)
			}
		})
	}
}

func TestDatetimeActivities(t *testing.T) {
	s := newStore(t)
	srv := newServer(t, s)
	_, all, _ := fetch(t, srv.URL+"/ogcapi/collections/activities/items?limit=1000")
	var dates []string
	for _, raw := range all.Features {
		var f struct{ Properties struct{ Date string } }
		json.Unmarshal(raw, &f)
		dates = append(dates, f.Properties.Date)
	}
	if len(dates) < 2 {
		t.Skip("too few located activities")
	}
	slices.Sort(dates)
	mid := dates[len(dates)/2]
	want := 0
	for _, d := range dates {
		if d >= mid {
			want++
		}
	}
	_, d, body := fetch(t, srv.URL+"/ogcapi/collections/activities/items?limit=1000&datetime="+mid+"/..")
	if d.NumberMatched == nil || *d.NumberMatched != want {
		t.Errorf("datetime=%s/..: %s; want %d", mid, body[:min(len(body), 200)], want)
	}
}

func TestBasePath(t *testing.T) {
	srv := httptest.NewServer(ogcapi.New(newStore(t), ogcapi.Options{BasePath: "/v1/features/"}))
	defer srv.Close()
	res, d, _ := fetch(t, srv.URL+"/v1/features")
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	data, _ := d.link("data")
	if data.Href != srv.URL+"/v1/features/collections" {
		t.Errorf("data link %q", data.Href)
	}
	if res, _, _ := fetch(t, data.Href); res.StatusCode != 200 {
		t.Errorf("collections: status %d", res.StatusCode)
	}
}
