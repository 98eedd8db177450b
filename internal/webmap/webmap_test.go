package webmap_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/serasi/serasi/internal/webmap"
)

func get(t *testing.T, h http.Handler, method, target string, header http.Header) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var attrRE = regexp.MustCompile(`(?i)\b(src|href|data-worker)="([^"]*)"`)

// localRefs returns the src, href and data-worker values of a page and
// fails the test for any that leaves the serving host.
func localRefs(t *testing.T, page string) []string {
	t.Helper()
	var refs []string
	for _, m := range attrRE.FindAllStringSubmatch(page, -1) {
		u, err := url.Parse(m[2])
		if err != nil {
			t.Errorf("%s=%q: %v", m[1], m[2], err)
			continue
		}
		if u.Scheme != "" || u.Host != "" || !strings.HasPrefix(m[2], "/") {
			t.Errorf("%s=%q is not a path on this host", m[1], m[2])
			continue
		}
		refs = append(refs, u.Path)
	}
	return refs
}

func TestPages(t *testing.T) {
	h := webmap.Handler(webmap.Options{})
	tests := []struct {
		name, path string
		wantRefs   []string // substrings of asset paths the page must load
	}{
		{"graphiql", "/", []string{"/graphiql/assets/graphiql-", ".css"}},
		{"map", "/map", []string{"/map/assets/map-", "/map/assets/maplibre-gl-csp-worker-", ".css"}},
		{"impor", "/impor", []string{"/impor/assets/impor-", ".css"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := get(t, h, http.MethodGet, tc.path, nil)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d", res.StatusCode)
			}
			if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if cc := res.Header.Get("Cache-Control"); cc != "no-cache" {
				t.Errorf("Cache-Control %q, want no-cache (the page names the hashed assets)", cc)
			}
			if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
				t.Errorf("Content-Security-Policy %q", csp)
			}
			page := body(t, res)
			if strings.Contains(page, "http://") || strings.Contains(page, "https://") {
				t.Errorf("page names an absolute URL:\n%s", page)
			}
			if strings.Contains(page, "__SERASI_") || strings.Contains(page, "{{") {
				t.Errorf("page has an unfilled placeholder:\n%s", page)
			}
			refs := localRefs(t, page)
			for _, want := range tc.wantRefs {
				found := false
				for _, r := range refs {
					found = found || strings.Contains(r, want)
				}
				if !found {
					t.Errorf("page loads nothing like %q; it loads %q", want, refs)
				}
			}
			// Every asset a page names is served, hashed and cacheable.
			for _, ref := range refs {
				if ref == "/" || ref == "/map" || strings.HasPrefix(ref, "/templates/") {
					continue // links between the pages, and the API's templates
				}
				res := get(t, h, http.MethodGet, ref, nil)
				if res.StatusCode != http.StatusOK {
					t.Errorf("%s: status %d", ref, res.StatusCode)
					continue
				}
				if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
					t.Errorf("%s: Cache-Control %q", ref, cc)
				}
				if res.Header.Get("ETag") == "" {
					t.Errorf("%s: no ETag", ref)
				}
			}
		})
	}
}

func TestAssetContentTypes(t *testing.T) {
	h := webmap.Handler(webmap.Options{})
	refs := append(localRefs(t, body(t, get(t, h, http.MethodGet, "/map", nil))),
		localRefs(t, body(t, get(t, h, http.MethodGet, "/", nil)))...)
	want := map[string]string{
		".js":  "text/javascript; charset=utf-8",
		".css": "text/css; charset=utf-8",
	}
	seen := map[string]bool{}
	for _, ref := range refs {
		ext := path.Ext(ref)
		ct, ok := want[ext]
		if !ok {
			continue
		}
		seen[ext] = true
		t.Run(ref, func(t *testing.T) {
			res := get(t, h, http.MethodGet, ref, nil)
			if got := res.Header.Get("Content-Type"); got != ct {
				t.Errorf("Content-Type %q, want %q", got, ct)
			}
			if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q", got)
			}
		})
	}
	if !seen[".js"] || !seen[".css"] {
		t.Errorf("pages load no .js or no .css: %q", refs)
	}
}

// docHosts are hosts that the bundled libraries only name, never load
// from: XML namespaces, links in help texts and error messages, and the
// MapLibre attribution link. The end-to-end test checks at run time that
// the browser requests nothing from any other host.
var docHosts = map[string]string{
	"www.w3.org":       "SVG/XHTML namespace URIs",
	"github.com":       "links in GraphiQL's UI and MapLibre's error messages",
	"reactjs.org":      "React's error decoder link",
	"en.wikipedia.org": "GraphQL spec scalar descriptions",
	"commonmark.org":   "GraphQL spec directive descriptions",
	"codemirror.net":   "GraphiQL's key map help link",
	"yarnpkg.com":      "graphql-js duplicate-module error text",
	"maplibre.org":     "MapLibre attribution and logo link",
	"maplibre.invalid": "base for MapLibre's URL sanitiser (reserved TLD)",
	// terra-draw's marker mode's default icon; the map uses no marker mode.
	"raw.githubusercontent.com": "terra-draw's default marker icon (TerraDrawMarkerMode, unused)",
}

var absURLRE = regexp.MustCompile(`https?://([a-zA-Z0-9.-]+)`)

func TestAssetsNameNoOtherHost(t *testing.T) {
	h := webmap.Handler(webmap.Options{})
	refs := append(localRefs(t, body(t, get(t, h, http.MethodGet, "/map", nil))),
		localRefs(t, body(t, get(t, h, http.MethodGet, "/", nil)))...)
	cssURL := regexp.MustCompile(`url\(\s*["']?([^"')]*)`)
	for _, ref := range refs {
		if !strings.HasSuffix(ref, ".js") && !strings.HasSuffix(ref, ".css") {
			continue
		}
		t.Run(ref, func(t *testing.T) {
			src := body(t, get(t, h, http.MethodGet, ref, nil))
			for _, m := range absURLRE.FindAllStringSubmatch(src, -1) {
				if _, ok := docHosts[strings.ToLower(m[1])]; !ok {
					t.Errorf("names %s, a host outside the allow list", m[0])
				}
			}
			if strings.HasSuffix(ref, ".css") {
				// Stylesheets load what url() names: fonts and images must
				// be inlined or local.
				for _, m := range cssURL.FindAllStringSubmatch(src, -1) {
					if u := m[1]; !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "#") &&
						(strings.Contains(u, "//") || strings.HasPrefix(u, "http")) {
						t.Errorf("url(%s) leaves the host", u)
					}
				}
			}
		})
	}
}

func TestCachingAndEncoding(t *testing.T) {
	h := webmap.Handler(webmap.Options{})
	refs := localRefs(t, body(t, get(t, h, http.MethodGet, "/map", nil)))
	var script string
	for _, r := range refs {
		if strings.HasPrefix(r, "/map/assets/map-") && strings.HasSuffix(r, ".js") {
			script = r
		}
	}
	if script == "" {
		t.Fatalf("no map script in %q", refs)
	}
	plain := get(t, h, http.MethodGet, script, nil)
	plainBody := body(t, plain)
	etag := plain.Header.Get("ETag")

	for _, p := range []string{script, "/map", "/"} {
		t.Run("304 "+p, func(t *testing.T) {
			first := get(t, h, http.MethodGet, p, nil)
			res := get(t, h, http.MethodGet, p, http.Header{"If-None-Match": {first.Header.Get("ETag")}})
			if res.StatusCode != http.StatusNotModified {
				t.Errorf("status %d, want 304", res.StatusCode)
			}
		})
	}
	t.Run("gzip", func(t *testing.T) {
		res := get(t, h, http.MethodGet, script, http.Header{"Accept-Encoding": {"gzip, br"}})
		if res.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("Content-Encoding %q", res.Header.Get("Content-Encoding"))
		}
		if res.Header.Get("ETag") == etag {
			t.Errorf("gzip and identity share ETag %s", etag)
		}
		zr, err := gzip.NewReader(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, []byte(plainBody)) {
			t.Errorf("gzip body differs from identity body")
		}
	})
	t.Run("gzip refused", func(t *testing.T) {
		res := get(t, h, http.MethodGet, script, http.Header{"Accept-Encoding": {"gzip;q=0"}})
		if res.Header.Get("Content-Encoding") != "" {
			t.Errorf("Content-Encoding %q for gzip;q=0", res.Header.Get("Content-Encoding"))
		}
	})
	t.Run("HEAD", func(t *testing.T) {
		res := get(t, h, http.MethodHead, script, nil)
		if res.StatusCode != http.StatusOK || body(t, res) != "" {
			t.Errorf("HEAD: status %d with a body", res.StatusCode)
		}
	})
}

func TestOtherPaths(t *testing.T) {
	h := webmap.Handler(webmap.Options{})
	tests := []struct {
		name, method, path string
		want               int
	}{
		{"unknown asset", http.MethodGet, "/map/assets/nothing-ABC.js", http.StatusNotFound},
		{"unknown page", http.MethodGet, "/mapx", http.StatusNotFound},
		{"asset dir", http.MethodGet, "/map/assets/", http.StatusNotFound},
		{"traversal", http.MethodGet, "/map/assets/../index.html", http.StatusNotFound},
		{"trailing slash", http.MethodGet, "/map/", http.StatusMovedPermanently},
		{"post", http.MethodPost, "/map", http.StatusMethodNotAllowed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if res := get(t, h, tc.method, tc.path, nil); res.StatusCode != tc.want {
				t.Errorf("%s %s: status %d, want %d", tc.method, tc.path, res.StatusCode, tc.want)
			}
		})
	}
}

func TestEndpointsFilled(t *testing.T) {
	h := webmap.Handler(webmap.Options{GraphQLPath: `/api/graphql?x="1"`, TilesPath: "/v1/tiles/"})
	tests := []struct{ path, want string }{
		{"/map", `data-graphql="/api/graphql?x=&#34;1&#34;"`},
		{"/map", `data-tiles="/v1/tiles"`},
		{"/", `data-graphql="/api/graphql?x=&#34;1&#34;"`},
	}
	for _, tc := range tests {
		t.Run(tc.path+" "+tc.want, func(t *testing.T) {
			if page := body(t, get(t, h, http.MethodGet, tc.path, nil)); !strings.Contains(page, tc.want) {
				t.Errorf("page lacks %s:\n%s", tc.want, page)
			}
		})
	}
}

func TestMissingBuild(t *testing.T) {
	tests := []struct {
		name  string
		files fstest.MapFS
	}{
		{"empty", fstest.MapFS{}},
		{"no assets", fstest.MapFS{
			"index.html":     {Data: []byte("<p>g</p>")},
			"map/index.html": {Data: []byte("<p>m</p>")},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := webmap.New(webmap.Options{Files: tc.files}); err == nil {
				t.Error("New: no error")
			}
			if res := get(t, webmap.Handler(webmap.Options{Files: tc.files}), http.MethodGet, "/map", nil); res.StatusCode != http.StatusInternalServerError {
				t.Errorf("status %d, want 500", res.StatusCode)
			}
		})
	}
}

func TestPatternsMount(t *testing.T) {
	mux := http.NewServeMux()
	h := webmap.Handler(webmap.Options{})
	for _, p := range webmap.Patterns() {
		mux.Handle(p, h)
	}
	mux.HandleFunc("POST /graphql", func(w http.ResponseWriter, r *http.Request) {})
	for _, p := range []string{"/", "/map"} {
		if res := get(t, mux, http.MethodGet, p, nil); res.StatusCode != http.StatusOK {
			t.Errorf("%s through the mux: status %d", p, res.StatusCode)
		}
	}
	if res := get(t, mux, http.MethodGet, "/elsewhere", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("/elsewhere: status %d; the handler must claim only its own paths", res.StatusCode)
	}
}
