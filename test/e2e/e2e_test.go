package e2e

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/paulmach/orb"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/layers"
	"github.com/serasi/serasi/internal/ogcapi"
	"github.com/serasi/serasi/internal/server"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/memory"
	"github.com/serasi/serasi/internal/tiles"
	"github.com/serasi/serasi/internal/webmap"
)

// newStack serves what a deployment serves over the embedded data: the
// GraphQL API, vector tiles, GeoJSON and the pages.
func newStack(t *testing.T) (*httptest.Server, store.Store) {
	t.Helper()
	st, err := memory.New(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	mux := http.NewServeMux()
	mux.Handle("/graphql", server.New(server.Config{}, st, nil))
	mux.Handle("/tiles/", tiles.New(st, tiles.Options{}))
	mux.Handle("/geojson/", layers.Routes(st, layers.Options{}))
	ogc := ogcapi.New(st, ogcapi.Options{})
	mux.Handle("/ogcapi", ogc)
	mux.Handle("/ogcapi/", ogc)
	pages := webmap.Handler(webmap.Options{})
	for _, p := range webmap.Patterns() {
		mux.Handle(p, pages)
	}
	srv := httptest.NewServer(mux) // listens on 127.0.0.1
	t.Cleanup(srv.Close)
	return srv, st
}

// chromiumPath finds the browser; without one the test skips, except in CI,
// where a missing browser is a broken machine setup.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium not found (apt-get install chromium); CI=true requires it")
	}
	t.Skip("chromium not found; apt-get install chromium to run the browser tests")
	return ""
}

// browser is one headless Chromium tab that records what the page does
// that a test should fail on.
type browser struct {
	ctx context.Context

	mu       sync.Mutex
	foreign  []string // requests to any host but the test server's
	problems []string // console errors and uncaught exceptions
}

func newBrowser(t *testing.T, allowedHost string) *browser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.WindowSize(1280, 860),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// WebGL without a GPU: ANGLE over SwiftShader, a CPU renderer.
		chromedp.Flag("use-angle", "swiftshader"),
		chromedp.Flag("enable-unsafe-swiftshader", true),
		chromedp.Flag("ignore-gpu-blocklist", true),
	}
	b := &browser{}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx, chromedp.WithListener(b.listen(allowedHost)))
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	// The first Do starts the browser; it must not carry the timeout, which
	// would stop the browser with it.
	// The window size of headless Chromium includes its (invisible) frame;
	// the viewport is what the page sees.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 860)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	var cancelTimeout context.CancelFunc
	b.ctx, cancelTimeout = context.WithTimeout(ctx, 8*time.Minute)
	t.Cleanup(cancelTimeout)
	return b
}

// listen records requests to other hosts and page errors; it runs on the
// goroutine that reads the tab's messages, so it only appends.
func (b *browser) listen(allowedHost string) func(ev any) {
	return func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			u, err := url.Parse(ev.Request.URL)
			if err == nil && (u.Scheme == "data" || u.Scheme == "blob") {
				return
			}
			if err != nil || u.Host != allowedHost {
				b.foreign = append(b.foreign, ev.Request.URL)
			}
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			b.problems = append(b.problems, "exception: "+msg)
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, strings.Trim(string(a.Value), `"`)+a.Description)
				}
				b.problems = append(b.problems, "console.error: "+strings.Join(parts, " "))
			}
		}
	}
}

func (b *browser) do(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// run runs one action that returns a value.
func run[T any](t *testing.T, b *browser, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

func eval[T any](t *testing.T, b *browser, js string) T {
	t.Helper()
	return run(t, b, "evaluate "+js, chromedp.Evaluate[T](js))
}

func (b *browser) poll(t *testing.T, what, js string, timeout time.Duration) {
	t.Helper()
	run(t, b, what, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(timeout)))
}

// check fails the test for anything the page should not have done.
func (b *browser) check(t *testing.T) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, u := range b.foreign {
		t.Errorf("the page requested %s: everything must come from the serving host", u)
	}
	for _, p := range b.problems {
		t.Errorf("page error: %s", p)
	}
}

// waitReady waits until the map says every source loaded and it went idle.
func (b *browser) waitReady(t *testing.T, what string) {
	t.Helper()
	b.poll(t, what+": wait for data-ready", `document.body.dataset.ready === 'true'`, 60*time.Second)
}

// rendered lists what MapLibre drew for some layers, one entry per feature id
// (a feature split over tiles counts once).
type rendered struct {
	ID     string  `json:"id"`
	Kind   string  `json:"kind"`
	Status string  `json:"status"`
	Year   int     `json:"year"`
	X      float64 `json:"x"` // page pixel of a point feature, else 0
	Y      float64 `json:"y"`
}

func (b *browser) rendered(t *testing.T, idProp string, layerIDs ...string) []rendered {
	t.Helper()
	layerJSON, _ := json.Marshal(layerIDs)
	js := fmt.Sprintf(`(() => {
		const m = window.serasiMap, r = m.getCanvas().getBoundingClientRect(), seen = new Map();
		for (const f of m.queryRenderedFeatures({layers: %s})) {
			const id = String(f.properties[%q]);
			if (seen.has(id)) continue;
			let x = 0, y = 0;
			if (f.geometry.type === 'Point') {
				const p = m.project(f.geometry.coordinates);
				x = p.x + r.left; y = p.y + r.top;
			}
			seen.set(id, {id, kind: f.properties.kind ?? '', status: f.properties.status ?? '', year: f.properties.year ?? 0, x, y});
		}
		return [...seen.values()];
	})()`, layerJSON, idProp)
	return eval[[]rendered](t, b, js)
}

var projectLayers = []string{"projects-fill", "projects-line", "projects-circle"}

// setSelect chooses a value in a <select> as a user would, firing change.
func setSelect(t *testing.T, b *browser, id string, value int) {
	t.Helper()
	eval[bool](t, b, fmt.Sprintf(`(() => { const s = document.getElementById(%q); s.value = '%d';
		s.dispatchEvent(new Event('change')); return true; })()`, id, value))
}

func TestMap(t *testing.T) {
	srv, st := newStack(t)
	u, _ := url.Parse(srv.URL)
	b := newBrowser(t, u.Host)
	ctx := context.Background()

	b.do(t, "open /map", chromedp.Navigate(srv.URL+"/map"))
	b.waitReady(t, "first load")

	gl := eval[string](t, b, `(() => { const g = serasiMap.painter.context.gl; const d = g.getExtension('WEBGL_debug_renderer_info');
		return d ? g.getParameter(d.UNMASKED_RENDERER_WEBGL) : g.getParameter(g.RENDERER); })()`)
	t.Logf("WebGL renderer: %s", gl)

	kels, err := st.Kelurahans(ctx, domain.KelurahanFilter{})
	if err != nil {
		t.Fatal(err)
	}
	all, err := st.Projects(ctx, domain.ProjectFilter{}, domain.ProjectOrder{}, domain.Page{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("fitted to the city", func(t *testing.T) {
		// The first view shows every kelurahan and almost every project.
		got := b.rendered(t, "kode", "kelurahan-fill")
		if len(got) != len(kels) {
			t.Errorf("%d kelurahan drawn, want all %d", len(got), len(kels))
		}
		projects := b.rendered(t, "id", projectLayers...)
		if len(projects) < all.TotalCount*9/10 {
			t.Errorf("%d projects drawn of %d", len(projects), all.TotalCount)
		}
		v := eval[[4]float64](t, b, `serasiMap.getBounds().toArray().flat()`)
		view := orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}
		// The view holds all of Kota Baubau (about 122.56..122.77 E,
		// 5.54..5.31 S) without a wide region around it.
		city := kels[0].Bound
		for _, k := range kels[1:] {
			city = city.Union(k.Bound)
		}
		if !view.Contains(city.Min) || !view.Contains(city.Max) {
			t.Errorf("view %v does not hold the city %v", view, city)
		}
		if view.Right()-view.Left() > 3*(city.Right()-city.Left()) && view.Top()-view.Bottom() > 3*(city.Top()-city.Bottom()) {
			t.Errorf("view %v is far larger than the city %v", view, city)
		}
	})

	t.Run("legend", func(t *testing.T) {
		labels := eval[[]string](t, b, `[...document.querySelectorAll('#legend-kinds label')].map(l => l.textContent.trim())`)
		var want []string
		for _, k := range domain.ProjectKinds {
			want = append(want, k.LabelID())
		}
		if !slices.Equal(labels, want) {
			t.Errorf("legend kinds %q, want %q", labels, want)
		}
		kec := eval[[]string](t, b, `[...document.querySelectorAll('#legend-kecamatan li')].map(l => l.textContent.trim())`)
		if n, _ := st.Kecamatans(ctx, domain.KecamatanFilter{}); len(kec) != len(n) {
			t.Errorf("legend has %d kecamatan, want %d", len(kec), len(n))
		}
	})

	t.Run("status filter", func(t *testing.T) {
		before := b.rendered(t, "id", projectLayers...)
		hidden := domain.ProjectCompleted
		if !slices.ContainsFunc(before, func(r rendered) bool { return r.Status == string(hidden) }) {
			t.Fatalf("no %s project drawn before filtering: the test cannot tell the filter works", hidden)
		}
		box := chromedp.CSS(fmt.Sprintf(`#statuses label[data-status=%q] input`, hidden))
		b.do(t, "uncheck "+string(hidden), chromedp.Click(box))
		b.waitReady(t, "status filter")
		after := b.rendered(t, "id", projectLayers...)
		for _, r := range after {
			if r.Status == string(hidden) {
				t.Errorf("project %s is %s but still drawn", r.ID, r.Status)
			}
		}
		if len(after) == 0 || len(after) >= len(before) {
			t.Errorf("%d projects drawn after hiding %s, %d before", len(after), hidden, len(before))
		}
		// The count shown agrees with the store.
		var others []domain.ProjectStatus
		for _, s := range domain.ProjectStatuses {
			if s != hidden {
				others = append(others, s)
			}
		}
		want, err := st.Projects(ctx, domain.ProjectFilter{Statuses: others}, domain.ProjectOrder{}, domain.Page{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		b.poll(t, "count", fmt.Sprintf(`document.getElementById('count').textContent.startsWith('%d ')`, want.TotalCount), 10*time.Second)

		b.do(t, "check "+string(hidden)+" again", chromedp.Click(box))
		b.waitReady(t, "status filter undone")
		if again := b.rendered(t, "id", projectLayers...); len(again) != len(before) {
			t.Errorf("%d projects drawn after undoing the filter, %d before", len(again), len(before))
		}
	})

	t.Run("year filter", func(t *testing.T) {
		years := eval[[]int](t, b, `[...document.querySelectorAll('#year-from option')].map(o => Number(o.value))`)
		if len(years) < 2 {
			t.Fatalf("year choices %v", years)
		}
		last := years[len(years)-1]
		setSelect(t, b, "year-from", last)
		b.waitReady(t, "year filter")
		after := b.rendered(t, "id", projectLayers...)
		if len(after) == 0 {
			t.Errorf("no project drawn for %d", last)
		}
		for _, r := range after {
			if r.Year != last {
				t.Errorf("project %s of %d drawn with the years from %d", r.ID, r.Year, last)
			}
		}
		setSelect(t, b, "year-from", years[0])
		b.waitReady(t, "year filter undone")
	})

	t.Run("search", func(t *testing.T) {
		target := kels[len(kels)/2]
		b.do(t, "type "+target.Name,
			chromedp.Click(chromedp.CSS("#search")),
			chromedp.SendKeys(chromedp.CSS("#search"), strings.ToLower(target.Name)),
		)
		item := chromedp.CSS(fmt.Sprintf(`#search-results li[data-code=%q]`, target.Code))
		b.do(t, "pick "+target.Name, chromedp.WaitVisible(item), chromedp.Click(item))
		b.waitReady(t, "search")
		center := eval[[2]float64](t, b, `serasiMap.getCenter().toArray()`)
		if !target.Bound.Pad(1e-6).Contains(orb.Point{center[0], center[1]}) {
			t.Errorf("map centred on %v, outside %s %v", center, target.Name, target.Bound)
		}
		sel := b.rendered(t, "kode", "kelurahan-selected")
		if len(sel) != 1 || sel[0].ID != target.Code {
			t.Errorf("outlined %v, want only %s", sel, target.Code)
		}
	})

	t.Run("kelurahan popup", func(t *testing.T) {
		// Back to the whole city, as a user who zooms out again.
		eval[bool](t, b, `serasiMap.fitBounds(serasiMap.getStyle().sources.kelurahan.bounds, {padding: 24, duration: 0}) && true`)
		b.waitReady(t, "zoom out")
		// The centroid of the largest kelurahan, away from the projects.
		layersJSON, _ := json.Marshal(projectLayers)
		big := slices.MaxFunc(kels, func(a, b domain.Kelurahan) int { return cmp.Compare(a.AreaSqM, b.AreaSqM) })
		want, err := st.KelurahanAt(ctx, big.Centroid)
		if err != nil {
			t.Fatalf("kelurahan at %v: %v", big.Centroid, err)
		}
		xy := eval[[3]float64](t, b, fmt.Sprintf(`(() => { const m = serasiMap, r = m.getCanvas().getBoundingClientRect();
			const p = m.project([%f, %f]);
			const near = m.queryRenderedFeatures([[p.x - 10, p.y - 10], [p.x + 10, p.y + 10]], {layers: %s}).length;
			return [p.x + r.left, p.y + r.top, near]; })()`, big.Centroid[0], big.Centroid[1], layersJSON))
		if xy[2] > 0 {
			t.Skipf("a project is drawn at the centroid of %s", big.Name)
		}
		b.do(t, "click "+big.Name, chromedp.MouseClickXY(math.Round(xy[0]), math.Round(xy[1])))
		h3 := chromedp.CSS(`.maplibregl-popup .popup.kelurahan h3`)
		b.do(t, "popup", chromedp.WaitVisible(h3))
		if got := run(t, b, "popup title", chromedp.Text(h3)); got != "Kelurahan "+want.Name {
			t.Errorf("popup title %q, want %q", got, "Kelurahan "+want.Name)
		}
		b.waitReady(t, "outline")
		if sel := b.rendered(t, "kode", "kelurahan-selected"); len(sel) != 1 || sel[0].ID != want.Code {
			t.Errorf("outlined %v, want only %s", sel, want.Code)
		}
	})

	t.Run("project popup", func(t *testing.T) {
		// The point nearest the middle of the map, so the popup has room.
		mid := eval[[2]float64](t, b, `(() => { const r = serasiMap.getCanvas().getBoundingClientRect();
			return [r.left + r.width / 2, r.top + r.height / 2]; })()`)
		var pick *rendered
		for _, r := range b.rendered(t, "id", "projects-circle") {
			if pick == nil || math.Hypot(r.X-mid[0], r.Y-mid[1]) < math.Hypot(pick.X-mid[0], pick.Y-mid[1]) {
				pick = &r
			}
		}
		if pick == nil {
			t.Fatal("no project point drawn to click")
		}
		b.do(t, "click "+pick.ID, chromedp.MouseClickXY(math.Round(pick.X), math.Round(pick.Y)))
		h3 := chromedp.CSS(`.maplibregl-popup .popup.project h3`)
		b.do(t, "popup", chromedp.WaitVisible(h3))
		id := run(t, b, "popup id", chromedp.AttributeValue(chromedp.CSS(`.maplibregl-popup .popup.project`), "data-id")).Value
		title := run(t, b, "popup title", chromedp.Text(h3))
		p, err := st.Project(ctx, id)
		if err != nil {
			t.Fatalf("popup for %q: %v", id, err)
		}
		if title != p.Title {
			t.Errorf("popup title %q, want %q", title, p.Title)
		}
		text := run(t, b, "popup text", chromedp.Text(chromedp.CSS(`.maplibregl-popup`)))
		for _, want := range []string{p.Kind.LabelID(), p.Status.LabelID(), "Rp"} {
			if !strings.Contains(text, want) {
				t.Errorf("popup lacks %q:\n%s", want, text)
			}
		}
	})

	t.Run("screenshot", func(t *testing.T) {
		shot := run(t, b, "screenshot", chromedp.CaptureScreenshot())
		path := os.Getenv("E2E_SCREENSHOT")
		if path == "" {
			f, err := os.CreateTemp("", "serasi-map-*.png")
			if err != nil {
				t.Fatal(err)
			}
			path = f.Name()
			f.Close()
		}
		if err := os.WriteFile(path, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", path)
		checkPainted(t, shot)
	})

	b.check(t)
}

// checkPainted proves WebGL drew the map: a canvas that failed to render
// is one flat colour, a drawn one shows the sea, the kelurahan and more.
func checkPainted(t *testing.T, b []byte) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	// The map is right of the 300 px panel.
	r := img.Bounds()
	mapArea := image.Rect(r.Min.X+320, r.Min.Y+10, r.Max.X-10, r.Max.Y-10)
	colours := map[[3]uint32]int{}
	sea := 0
	for y := mapArea.Min.Y; y < mapArea.Max.Y; y += 3 {
		for x := mapArea.Min.X; x < mapArea.Max.X; x += 3 {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			c := [3]uint32{cr >> 8, cg >> 8, cb >> 8}
			colours[c]++
			if near(c, [3]uint32{0xb9, 0xd7, 0xea}) {
				sea++
			}
		}
	}
	total := (mapArea.Dx() / 3) * (mapArea.Dy() / 3)
	t.Logf("map area: %d colours, %d%% sea", len(colours), sea*100/total)
	if len(colours) < 50 {
		t.Errorf("the map shows %d colours: WebGL did not draw it", len(colours))
	}
	if sea == 0 || sea > total*9/10 {
		t.Errorf("sea covers %d of %d sampled pixels: the land is not drawn", sea, total)
	}
}

func near(a, b [3]uint32) bool {
	for i := range a {
		if d := int(a[i]) - int(b[i]); d < -3 || d > 3 {
			return false
		}
	}
	return true
}

func TestGraphiQL(t *testing.T) {
	srv, _ := newStack(t)
	u, _ := url.Parse(srv.URL)
	b := newBrowser(t, u.Host)

	b.do(t, "open /", chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`.graphiql-container .graphiql-query-editor .CodeMirror`)))
	// Run the default query and see the API's answer in the result pane.
	b.do(t, "run the query", chromedp.Click(chromedp.CSS(`.graphiql-execute-button`)))
	b.poll(t, "result", `(document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror?.getValue() ?? '').includes('"kelurahans"')`,
		20*time.Second)
	result := eval[string](t, b, `document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue()`)
	if strings.Contains(result, `"errors"`) {
		t.Errorf("the default query failed:\n%s", result)
	}
	b.check(t)
}

// TestOGCPages opens the OGC API's HTML pages at 1400 px: Indonesian, and
// the items table of the widest collection (projects) fits the window
// without scrolling sideways, page or table. E2E_OGC_SCREENSHOT names where
// the items page's screenshot goes (default: a temporary file, logged).
func TestOGCPages(t *testing.T) {
	srv, _ := newStack(t)
	u, _ := url.Parse(srv.URL)
	b := newBrowser(t, u.Host)
	b.do(t, "viewport", chromedp.EmulateViewport(1400, 900))

	b.do(t, "open the items page", chromedp.Navigate(srv.URL+"/ogcapi/collections/projects/items?f=html&limit=30"),
		chromedp.WaitVisible(chromedp.CSS(`table`)))
	if lang := eval[string](t, b, `document.documentElement.lang`); lang != "id" {
		t.Errorf("lang %q, want id", lang)
	}
	text := run(t, b, "page text", chromedp.Text(chromedp.CSS(`main`)))
	for _, want := range []string{"Kegiatan fisik", "Titik", "Judul", "Anggaran (Rp)", "Halaman berikutnya", "Tautan"} {
		if !strings.Contains(text, want) {
			t.Errorf("items page lacks %q", want)
		}
	}
	for _, english := range []string{"Links", "features.", "Next page", "geometry"} {
		if strings.Contains(text, english) {
			t.Errorf("items page still says %q", english)
		}
	}
	rows := eval[int](t, b, `document.querySelectorAll('table tr').length`)
	if rows != 31 {
		t.Errorf("%d table rows, want a heading and 30 projects", rows)
	}
	type fit struct{ Page, Window, Table, Box int }
	f := eval[fit](t, b, `({Page: document.documentElement.scrollWidth, Window: window.innerWidth,
		Table: document.querySelector('table').scrollWidth, Box: document.querySelector('.box').clientWidth})`)
	if f.Page > f.Window || f.Table > f.Box {
		t.Errorf("at 1400 px the page is %d px wide in a %d px window, the table %d px in a %d px box", f.Page, f.Window, f.Table, f.Box)
	}
	shot := run(t, b, "screenshot", chromedp.CaptureScreenshot())
	path := os.Getenv("E2E_OGC_SCREENSHOT")
	if path == "" {
		tmp, err := os.CreateTemp("", "serasi-ogc-*.png")
		if err != nil {
			t.Fatal(err)
		}
		path = tmp.Name()
		tmp.Close()
	}
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%+v)", path, f)

	b.do(t, "open an item", chromedp.Click(chromedp.CSS(`table tr:nth-child(2) td a`)), chromedp.WaitVisible(chromedp.CSS(`table.kv`)))
	item := run(t, b, "item text", chromedp.Text(chromedp.CSS(`main`)))
	for _, want := range []string{"Keterangan", "Jenis", "Kegiatan fisik"} {
		if !strings.Contains(item, want) {
			t.Errorf("item page lacks %q", want)
		}
	}
	if w := eval[int](t, b, `document.documentElement.scrollWidth`); w > 1400 {
		t.Errorf("item page %d px wide at 1400 px", w)
	}
	b.check(t)
}
