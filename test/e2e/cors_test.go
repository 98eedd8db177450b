package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/httpx"
	"github.com/serasi/serasi/internal/server"
	"github.com/serasi/serasi/internal/store/memory"
)

// corsScript runs, in a page of another origin, what a map frontend does
// against the API at api: read GeoJSON, TileJSON, a tile and a GraphQL
// query without a token, then a mutation with one. It returns, per
// request, "STATUS body…" or "blocked: …" when the browser refused it.
const corsScript = `(async (api, token) => {
  const out = {};
  const q = async (name, url, init) => {
    try {
      const res = await fetch(api + url, init);
      out[name] = res.status + ' ' + (await res.text()).slice(0, 300) + ' rid=' + (res.headers.get('X-Request-Id') ? 'yes' : 'no');
    } catch (e) { out[name] = 'blocked: ' + e.message; }
  };
  const gql = (query, auth) => ({method: 'POST', body: JSON.stringify({query}),
    headers: Object.assign({'Content-Type': 'application/json'}, auth ? {'Authorization': 'Bearer ' + token} : {})});
  await q('geojson', '/geojson/kecamatan');
  await q('tilejson', '/tiles/kelurahan.json');
  await q('tile', '/tiles/kelurahan/12/3443/2111.mvt');
  await q('ogcapi', '/ogcapi/collections', {headers: {'Accept': 'application/json'}});
  await q('query', '/graphql', gql('{ kelurahanAt(lon: 122.6077, lat: -5.456) { name } }', false));
  await q('get', '/graphql?query=' + encodeURIComponent('{ kecamatans { name } }'));
  await q('write', '/graphql', gql('mutation { createProject(input: {title: "Tugu lintas asal", kind: HARMONY_MONUMENT, year: 2024, budgetRupiah: 1, status: PLANNED, geometry: {type: "Point", coordinates: [122.6077, -5.456]}}) { projectId } }', true));
  return JSON.stringify(out);
})`

// TestCORS serves a page on one loopback port and the API on another, and
// checks from headless Chromium that the page reads without any setting,
// and writes with a token only when its origin is listed.
func TestCORS(t *testing.T) {
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!DOCTYPE html><title>peta lain</title><p>a map page on another origin</p>")
	}))
	t.Cleanup(page.Close)
	pageURL, _ := url.Parse(page.URL)

	api := func(t *testing.T, origins ...string) (string, string) {
		st, err := memory.New(geodata.FS)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		_, secret, err := st.CreateToken(context.Background(), domain.Actor{Name: "test", Role: domain.RoleAdmin}, "peta", domain.RoleEditor)
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(server.New(server.Config{CORS: httpx.CORSOptions{Origins: origins}}, st, nil))
		t.Cleanup(srv.Close)
		return srv.URL, secret
	}
	b := newBrowser(t, pageURL.Host)
	b.do(t, "open the page", chromedp.Navigate(page.URL+"/"), chromedp.WaitVisible(chromedp.CSS("p")))
	call := func(t *testing.T, apiURL, token string) map[string]string {
		t.Helper()
		js := fmt.Sprintf("%s(%q, %q)", corsScript, apiURL, token)
		s := run(t, b, "fetch from the page", chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
		var out map[string]string
		if err := json.Unmarshal([]byte(s), &out); err != nil {
			t.Fatalf("%v: %s", err, s)
		}
		return out
	}
	wantReads := func(t *testing.T, got map[string]string) {
		t.Helper()
		for name, want := range map[string]string{
			"geojson": `200 {"features":[`, "tilejson": `200 {`, "tile": "200 ", "ogcapi": "200 {",
			"query": `200 {"data":{"kelurahanAt":{"name":"Wale"}}}`, "get": `200 {"data":{"kecamatans":`,
		} {
			if !strings.HasPrefix(got[name], want) || !strings.HasSuffix(got[name], "rid=yes") {
				t.Errorf("%s from another origin: %.200q, want %q… with X-Request-Id readable", name, got[name], want)
			}
		}
	}

	t.Run("default: reads, no writes", func(t *testing.T) {
		apiURL, token := api(t)
		got := call(t, apiURL, token)
		wantReads(t, got)
		if !strings.HasPrefix(got["write"], "blocked:") {
			t.Errorf("a write with a token from an unlisted origin: %q, want blocked by the browser", got["write"])
		}
	})
	t.Run("listed origin writes", func(t *testing.T) {
		apiURL, token := api(t, "http://"+pageURL.Host)
		got := call(t, apiURL, token)
		wantReads(t, got)
		if !strings.HasPrefix(got["write"], `200 {"data":{"createProject":{"projectId":`) {
			t.Errorf("a write with a token from a listed origin: %q", got["write"])
		}
	})
	t.Run("another origin listed", func(t *testing.T) {
		apiURL, token := api(t, "https://peta.baubaukota.go.id")
		if got := call(t, apiURL, token); !strings.HasPrefix(got["write"], "blocked:") {
			t.Errorf("write from an origin not in the list: %q", got["write"])
		}
	})
}

// TestGraphiQLDocs opens GraphiQL at / with the default limits and finds
// the schema's types in its docs explorer: its introspection query (15
// levels deep) must pass the depth limit of 12.
func TestGraphiQLDocs(t *testing.T) {
	st, err := memory.New(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv := httptest.NewServer(server.New(server.Config{}, st, nil))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	b := newBrowser(t, u.Host)

	b.do(t, "open /", chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`.graphiql-container .graphiql-query-editor .CodeMirror`)),
		chromedp.Click(chromedp.CSS(`.graphiql-sidebar button[aria-label="Show Documentation Explorer"]`)))
	b.poll(t, "the docs explorer lists the schema's types",
		`[...document.querySelectorAll('.graphiql-doc-explorer a, .graphiql-doc-explorer-type-name')].some(a => a.textContent.trim() === 'Kelurahan')`,
		20*time.Second)
	explorer := eval[string](t, b, `document.querySelector('.graphiql-doc-explorer')?.innerText ?? ''`)
	for _, want := range []string{"Query", "Mutation", "Kecamatan", "Project"} {
		if !strings.Contains(explorer, want) {
			t.Errorf("the docs explorer does not show %s:\n%.500s", want, explorer)
		}
	}
	if strings.Contains(explorer, "QUERY_TOO_DEEP") || strings.Contains(explorer, "Error") {
		t.Errorf("the docs explorer shows an error:\n%.500s", explorer)
	}
	b.check(t)
}
