package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/paulmach/orb"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/server"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/memory"
)

// workbench is the real server (server.New: GraphQL with writes, tiles,
// pages) over a fresh embedded store, with a token of each role.
type workbench struct {
	srv                   *httptest.Server
	st                    store.ReadWriter
	viewer, editor, admin string
}

func newWorkbench(t *testing.T) *workbench {
	t.Helper()
	st, err := memory.New(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w := &workbench{st: st}
	cli := domain.Actor{Name: "e2e", Role: domain.RoleAdmin}
	for _, tc := range []struct {
		dst  *string
		name string
		role domain.Role
	}{{&w.viewer, "Staf baca", domain.RoleViewer}, {&w.editor, "Staf Linjamsos", domain.RoleEditor}, {&w.admin, "Kepala bidang", domain.RoleAdmin}} {
		_, secret, err := st.CreateToken(context.Background(), cli, tc.name, tc.role)
		if err != nil {
			t.Fatal(err)
		}
		*tc.dst = secret
	}
	w.srv = httptest.NewServer(server.New(server.Config{}, st, nil))
	t.Cleanup(w.srv.Close)
	return w
}

// shots is where the workbench screenshots go: E2E_SHOTS, or a temp dir.
func shots(t *testing.T) string {
	if d := os.Getenv("E2E_SHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

func (b *browser) screenshot(t *testing.T, dir, name string) {
	t.Helper()
	shot := run(t, b, "screenshot "+name, chromedp.CaptureScreenshot())
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// clickAt clicks the page where the map shows lon/lat.
func (b *browser) clickAt(t *testing.T, lon, lat float64) {
	t.Helper()
	xy := eval[[2]float64](t, b, fmt.Sprintf(`(() => { const m = serasiMap, r = m.getCanvas().getBoundingClientRect();
		const p = m.project([%f, %f]); return [p.x + r.left, p.y + r.top]; })()`, lon, lat))
	b.do(t, fmt.Sprintf("click %f,%f", lon, lat), chromedp.MouseClickXY(math.Round(xy[0]), math.Round(xy[1])))
	time.Sleep(150 * time.Millisecond) // terra-draw tells a click from a drag by time
}

func (b *browser) signIn(t *testing.T, token, wantRole string) {
	t.Helper()
	b.do(t, "sign in as "+wantRole,
		chromedp.WaitVisible(chromedp.CSS(`#token`)),
		chromedp.Focus(chromedp.CSS(`#token`)),
		chromedp.SendKeys(chromedp.CSS(`#token`), token+"\r"), // Enter submits: keyboard only
		chromedp.WaitVisible(chromedp.CSS(`#role`)))
	if got := run(t, b, "role", chromedp.AttributeValue(chromedp.CSS(`#role`), "data-role")).Value; got != wantRole {
		t.Errorf("role %q shown, want %q", got, wantRole)
	}
	if got := eval[string](t, b, `location.href`); strings.Contains(got, token) {
		t.Errorf("the token is in the URL %s", got)
	}
}

func (b *browser) signOut(t *testing.T) {
	t.Helper()
	b.do(t, "sign out", chromedp.Click(chromedp.CSS(`#signout`)), chromedp.WaitVisible(chromedp.CSS(`#token`)))
	if kept := eval[bool](t, b, `sessionStorage.length > 0`); kept {
		t.Error("sessionStorage still holds something after signing out")
	}
}

// chartValue reads one bar of a chart from the numbers it carries.
func chartValue(t *testing.T, b *browser, canvas, label string) float64 {
	t.Helper()
	var rows [][2]any
	raw := eval[string](t, b, fmt.Sprintf(`document.getElementById(%q).dataset.values ?? '[]'`, canvas))
	if err := json.Unmarshal([]byte(raw), &rows); err != nil {
		t.Fatalf("chart %s values %q: %v", canvas, raw, err)
	}
	for _, r := range rows {
		if r[0] == label {
			v, _ := r[1].(float64)
			return v
		}
	}
	return 0
}

func (b *browser) waitAnalytics(t *testing.T, after string) string {
	t.Helper()
	b.poll(t, "analytics", fmt.Sprintf(`(d => d && d !== 'loading' && d !== %q)(document.body.dataset.analytics)`, after), 30*time.Second)
	return eval[string](t, b, `document.body.dataset.analytics`)
}

// axe runs axe-core (from web/node_modules, as npm installed it) in the
// page and fails on WCAG 2 A/AA violations: contrast, labels, names, ...
func (b *browser) axe(t *testing.T, what string) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "..", "web", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("axe-core: %v (cd web && npm ci)", err)
		}
		t.Skipf("axe-core not installed (cd web && npm ci): %v", err)
	}
	eval[bool](t, b, string(src)+"\n;true")
	js := `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } })
		.then(r => r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => ({ target: n.target.map(String) })) })))`
	violations := run(t, b, "axe "+what, chromedp.Evaluate[[]axeViolation](js, chromedp.EvalAwaitPromise))
	for _, v := range violations {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, strings.Join(n.Target, " "))
		}
		t.Errorf("axe (%s): %s [%s] %s at %s", what, v.ID, v.Impact, v.Help, strings.Join(where, ", "))
	}
}

type axeViolation struct {
	ID, Impact, Help string
	Nodes            []struct{ Target []string }
}

func TestWorkbench(t *testing.T) {
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"laptop", 1400, 900}, {"tablet", 800, 1200}} {
		t.Run(size.name, func(t *testing.T) { workbenchFlow(t, size.name, size.width, size.height) })
	}
}

func workbenchFlow(t *testing.T, name string, width, height int64) {
	w := newWorkbench(t)
	u, _ := url.Parse(w.srv.URL)
	b := newBrowser(t, u.Host)
	dir := shots(t)
	ctx := context.Background()
	b.do(t, "viewport", chromedp.EmulateViewport(width, height))
	b.do(t, "open /map", chromedp.Navigate(w.srv.URL+"/map"))
	b.waitReady(t, "first load")
	seq := b.waitAnalytics(t, "")

	t.Run("viewer sees no edit controls", func(t *testing.T) {
		b.signIn(t, w.viewer, "VIEWER")
		if eval[bool](t, b, `!document.getElementById('edit-tools').hidden`) {
			t.Error("a viewer sees the edit tools")
		}
		b.signOut(t)
	})

	b.signIn(t, w.editor, "EDITOR")
	if eval[bool](t, b, `document.getElementById('edit-tools').hidden`) {
		t.Fatal("an editor does not see the edit tools")
	}
	const roadLabel = "Jalan lingkungan"
	roadsBefore := chartValue(t, b, "chart-kind", roadLabel)
	line := [][2]float64{{122.6070, -5.4553}, {122.6079, -5.4559}, {122.6087, -5.4565}}
	var created domain.Project

	t.Run("draw a project, see a field error, fix it, save", func(t *testing.T) {
		eval[bool](t, b, `(serasiMap.jumpTo({center: [122.6079, -5.4559], zoom: 16.5}), true)`)
		b.waitReady(t, "zoom to Wale")
		b.do(t, "new project", chromedp.Click(chromedp.CSS(`#new-project`)), chromedp.WaitVisible(chromedp.CSS(`#f-title`)))
		b.do(t, "kind: road", chromedp.SetValue(chromedp.CSS(`#f-kind`), "VILLAGE_ROAD"))
		eval[bool](t, b, `document.getElementById('f-kind').dispatchEvent(new Event('change')) || true`)
		for _, p := range line {
			b.clickAt(t, p[0], p[1])
		}
		b.clickAt(t, line[2][0], line[2][1]) // the last point again ends the line
		b.poll(t, "kelurahan of the drawn line", `(document.getElementById('f-kelurahan')?.textContent ?? '') === 'Kelurahan Wale'`, 10*time.Second)
		// Title left empty and a negative budget: two field errors.
		b.do(t, "bad budget", chromedp.SendKeys(chromedp.CSS(`#f-budgetRupiah`), "-5"))
		b.do(t, "save", chromedp.Click(chromedp.CSS(`#editor button[type=submit]`)))
		b.poll(t, "field error", `document.getElementById('err-title').textContent !== ''`, 10*time.Second)
		if got := run(t, b, "title error", chromedp.Text(chromedp.CSS(`#err-title`))); got != "wajib diisi" {
			t.Errorf("title error %q, want %q", got, "wajib diisi")
		}
		if !eval[bool](t, b, `document.getElementById('f-title').getAttribute('aria-invalid') === 'true' &&
			document.getElementById('err-budgetRupiah').textContent.startsWith('harus antara')`) {
			t.Error("the title is not marked invalid, or the budget has no error beside it")
		}
		b.screenshot(t, dir, name+"-1-field-error")
		b.axe(t, "project form with errors")

		// Keyboard: Tab goes from the title to the next field.
		b.do(t, "tab", chromedp.Focus(chromedp.CSS(`#f-title`)), chromedp.KeyEvent("\t"))
		if id := eval[string](t, b, `document.activeElement.id`); id != "f-kind" {
			t.Errorf("Tab from the title went to %q, want f-kind", id)
		}
		b.do(t, "fix", chromedp.SendKeys(chromedp.CSS(`#f-title`), "Jalan setapak Wale uji"),
			chromedp.SetValue(chromedp.CSS(`#f-budgetRupiah`), "250000000"),
			chromedp.Click(chromedp.CSS(`#editor button[type=submit]`)),
			chromedp.WaitNotVisible(chromedp.CSS(`#editor`)))
		page, err := w.st.Projects(ctx, domain.ProjectFilter{Kinds: []domain.ProjectKind{domain.VillageRoad}}, domain.ProjectOrder{}, domain.Page{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range page.Items {
			if h.Title == "Jalan setapak Wale uji" {
				created = h.Project
			}
		}
		if created.ID == "" || created.KelurahanCode != "74.72.02.1001" || created.BudgetRupiah != 250_000_000 {
			t.Fatalf("saved project %+v", created)
		}
	})
	if created.ID == "" {
		t.FailNow()
	}

	t.Run("on the map and in the chart", func(t *testing.T) {
		seq = b.waitAnalytics(t, seq)
		b.waitReady(t, "tiles after the write")
		b.poll(t, "new project drawn", fmt.Sprintf(`serasiMap.queryRenderedFeatures({layers: ['projects-line']}).some(f => f.properties.id === %q)`, created.ID), 20*time.Second)
		// The year filter grows to the new project's year, then the charts follow.
		b.poll(t, "chart", fmt.Sprintf(`JSON.parse(document.getElementById('chart-kind').dataset.values).some(([l, v]) => l === %q && v === %v)`,
			roadLabel, roadsBefore+1), 20*time.Second)
		if got := chartValue(t, b, "chart-kind", roadLabel); got != roadsBefore+1 {
			t.Errorf("%s in the chart: %v, want %v", roadLabel, got, roadsBefore+1)
		}
		// Kelurahan names are drawn with the built-in glyphs.
		names := eval[[]string](t, b, `serasiMap.queryRenderedFeatures({layers: ['kelurahan-labels']}).map(f => f.properties.nama)`)
		if !slices.Contains(names, "Wale") {
			t.Errorf("labels drawn: %v, want Wale among them", names)
		}
		b.screenshot(t, dir, name+"-2-saved")
		eval[bool](t, b, `(document.getElementById('charts').scrollIntoView(), true)`)
		b.screenshot(t, dir, name+"-2-charts")
	})

	t.Run("conflict", func(t *testing.T) {
		mid := line[1]
		b.clickAt(t, mid[0], mid[1])
		b.do(t, "edit from the popup", chromedp.WaitVisible(chromedp.CSS(`.popup.project .edit-record`)),
			chromedp.Click(chromedp.CSS(`.popup.project .edit-record`)), chromedp.WaitVisible(chromedp.CSS(`#f-title`)))
		// Someone else changes it meanwhile.
		in := domain.ProjectInput{Title: "Jalan setapak Wale (diubah)", Kind: created.Kind, Geometry: created.Geometry,
			Year: created.Year, BudgetRupiah: created.BudgetRupiah, Status: created.Status, Beneficiaries: created.Beneficiaries}
		if _, err := w.st.UpdateProject(ctx, domain.Actor{Name: "rekan", Role: domain.RoleEditor}, created.ID, created.Version, in); err != nil {
			t.Fatal(err)
		}
		b.do(t, "save the stale one", chromedp.SetValue(chromedp.CSS(`#f-beneficiaries`), "120"),
			chromedp.Click(chromedp.CSS(`#editor button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`#reload`)))
		if msg := run(t, b, "conflict", chromedp.Text(chromedp.CSS(`#form-error`))); !strings.Contains(msg, "Orang lain telah mengubah") {
			t.Errorf("conflict message %q", msg)
		}
		b.screenshot(t, dir, name+"-3-conflict")
		b.do(t, "reload", chromedp.Click(chromedp.CSS(`#reload`)))
		b.poll(t, "reloaded", `document.getElementById('f-title')?.value === 'Jalan setapak Wale (diubah)'`, 10*time.Second)
		b.do(t, "close", chromedp.Click(chromedp.CSS(`#editor button[type=button]:not(.danger):not(#f-redraw)`)), chromedp.WaitNotVisible(chromedp.CSS(`#editor`)))
	})

	t.Run("move a point; the form follows its kelurahan", func(t *testing.T) {
		page, err := w.st.Projects(ctx, domain.ProjectFilter{Kinds: []domain.ProjectKind{domain.HarmonyMonument}}, domain.ProjectOrder{}, domain.Page{Limit: 50})
		if err != nil || len(page.Items) == 0 {
			t.Fatalf("no monument to move: %v", err)
		}
		p := page.Items[0].Project
		at := p.Geometry.(orb.Point)
		eval[bool](t, b, fmt.Sprintf(`(serasiMap.jumpTo({center: [%f, %f], zoom: 16}), true)`, at[0], at[1]))
		b.waitReady(t, "zoom to "+p.ID)
		b.clickAt(t, at[0], at[1])
		b.do(t, "edit "+p.ID, chromedp.WaitVisible(chromedp.CSS(`.popup.project .edit-record`)),
			chromedp.Click(chromedp.CSS(`.popup.project .edit-record`)), chromedp.WaitVisible(chromedp.CSS(`#f-title`)))
		kel, err := w.st.Kelurahan(ctx, p.KelurahanCode)
		if err != nil {
			t.Fatal(err)
		}
		b.poll(t, "its kelurahan", fmt.Sprintf(`document.getElementById('f-kelurahan')?.textContent === 'Kelurahan %s'`, kel.Name), 10*time.Second)
		// Drag it 120 px to the left and 80 px down.
		from := eval[[2]float64](t, b, fmt.Sprintf(`(() => { const m = serasiMap, r = m.getCanvas().getBoundingClientRect();
			const q = m.project([%f, %f]); return [q.x + r.left, q.y + r.top]; })()`, at[0], at[1]))
		to := [2]float64{from[0] - 120, from[1] + 80}
		// The left button held down during the moves, as a real drag has it.
		pressed := func(p *input.DispatchMouseEventParams) { p.Buttons = 1 }
		steps := []chromedp.Action[chromedp.Void]{chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, from[0], from[1], chromedp.ButtonLeft, pressed, chromedp.ClickCount(1))}
		for i := 1; i <= 8; i++ {
			f := float64(i) / 8
			steps = append(steps, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, from[0]+(to[0]-from[0])*f, from[1]+(to[1]-from[1])*f, chromedp.ButtonLeft, pressed))
		}
		steps = append(steps, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, to[0], to[1], chromedp.ButtonLeft, chromedp.ClickCount(1)))
		b.do(t, "drag", steps...)
		dest := eval[[2]float64](t, b, fmt.Sprintf(`(() => { const r = serasiMap.getCanvas().getBoundingClientRect();
			return serasiMap.unproject([%f - r.left, %f - r.top]).toArray(); })()`, to[0], to[1]))
		want, err := w.st.KelurahanAt(ctx, orb.Point{dest[0], dest[1]})
		if err != nil {
			t.Fatalf("kelurahan at %v: %v", dest, err)
		}
		b.poll(t, "the kelurahan where it was dropped", fmt.Sprintf(`document.getElementById('f-kelurahan')?.textContent === 'Kelurahan %s'`, want.Name), 10*time.Second)
		b.screenshot(t, dir, name+"-3b-moved")
		b.do(t, "save the move", chromedp.Click(chromedp.CSS(`#editor button[type=submit]`)), chromedp.WaitNotVisible(chromedp.CSS(`#editor`)))
		moved, err := w.st.Project(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		mp := moved.Geometry.(orb.Point)
		if math.Abs(mp[0]-dest[0]) > 2e-5 || math.Abs(mp[1]-dest[1]) > 2e-5 || moved.KelurahanCode != want.Code {
			t.Errorf("moved to %v in %s, want %v in %s", mp, moved.KelurahanCode, dest, want.Code)
		}
	})

	t.Run("choropleth and a coverage gap", func(t *testing.T) {
		gaps, err := w.st.CoverageGaps(ctx)
		if err != nil || len(gaps) == 0 {
			t.Fatalf("gaps %v %v", gaps, err)
		}
		eval[bool](t, b, `serasiMap.fitBounds(serasiMap.getStyle().sources.kelurahan.bounds, {padding: 24, duration: 0}) && true`)
		b.waitReady(t, "whole city")
		b.do(t, "coverage", chromedp.SetValue(chromedp.CSS(`#mode`), "coverage"))
		eval[bool](t, b, `document.getElementById('mode').dispatchEvent(new Event('change')) || true`)
		b.waitReady(t, "coverage drawn")
		if got := run(t, b, "gap class", chromedp.Text(chromedp.CSS(`#legend-choropleth li[data-key=gap] small`))); got != fmt.Sprintf("(%d)", len(gaps)) {
			t.Errorf("legend counts %s gaps, want %d", got, len(gaps))
		}
		colours := eval[map[string]string](t, b, `(() => { const e = serasiMap.getPaintProperty('kelurahan-fill', 'fill-color'), o = {};
			for (let i = 2; i < e.length - 1; i += 2) o[e[i]] = e[i + 1]; return o; })()`)
		for _, g := range gaps {
			if colours[g.KelurahanCode] != "#c62828" {
				t.Errorf("gap %s painted %q", g.KelurahanCode, colours[g.KelurahanCode])
			}
		}
		b.screenshot(t, dir, name+"-4-coverage")
		b.do(t, "open the first gap", chromedp.Click(chromedp.CSS(`#gap-list button`)), chromedp.WaitVisible(chromedp.CSS(`.popup.gap h3`)))
		k, err := w.st.Kelurahan(ctx, gaps[0].KelurahanCode)
		if err != nil {
			t.Fatal(err)
		}
		f, err := w.st.Forum(ctx, gaps[0].NearestForumID)
		if err != nil {
			t.Fatal(err)
		}
		text := run(t, b, "gap popup", chromedp.Text(chromedp.CSS(`.maplibregl-popup`)))
		if !strings.Contains(text, "Kelurahan "+k.Name) || !strings.Contains(text, f.Name) {
			t.Errorf("gap popup %q lacks %s or %s", text, k.Name, f.Name)
		}
		b.waitReady(t, "gap shown")
		b.screenshot(t, dir, name+"-5-gap")

		b.do(t, "budget per km²", chromedp.SetValue(chromedp.CSS(`#mode`), "density"))
		eval[bool](t, b, `document.getElementById('mode').dispatchEvent(new Event('change')) || true`)
		if got := run(t, b, "legend", chromedp.Text(chromedp.CSS(`#legend-choropleth`))); !strings.Contains(got, "juta Rp/km²") {
			t.Errorf("density legend %q has no unit", got)
		}
		b.axe(t, "planner view")
	})

	t.Run("a forum closes a coverage gap", func(t *testing.T) {
		gaps, err := w.st.CoverageGaps(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var gap domain.Kelurahan
		for _, g := range gaps {
			k, err := w.st.Kelurahan(ctx, g.KelurahanCode)
			if at, err2 := w.st.KelurahanAt(ctx, k.Centroid); err == nil && err2 == nil && at.Code == k.Code {
				gap = k
				break
			}
		}
		if gap.Code == "" {
			t.Skip("no gap whose centroid lies inside it")
		}
		b.do(t, "coverage", chromedp.SetValue(chromedp.CSS(`#mode`), "coverage"))
		eval[bool](t, b, `document.getElementById('mode').dispatchEvent(new Event('change')) || true`)
		eval[bool](t, b, fmt.Sprintf(`(serasiMap.jumpTo({center: [%f, %f], zoom: 15}), true)`, gap.Centroid[0], gap.Centroid[1]))
		b.waitReady(t, "zoom to "+gap.Name)
		b.do(t, "new forum", chromedp.Click(chromedp.CSS(`#new-forum`)), chromedp.WaitVisible(chromedp.CSS(`#f-name`)),
			chromedp.SendKeys(chromedp.CSS(`#f-name`), "FKS Kelurahan "+gap.Name),
			chromedp.SetValue(chromedp.CSS(`#f-memberCount`), "15"))
		b.clickAt(t, gap.Centroid[0], gap.Centroid[1])
		b.poll(t, "secretariat's kelurahan", fmt.Sprintf(`document.getElementById('f-kelurahan')?.textContent === 'Kelurahan %s' &&
			[...document.getElementById('f-kelurahanCodes').selectedOptions].some(o => o.value === %q)`, gap.Name, gap.Code), 10*time.Second)
		b.screenshot(t, dir, name+"-7-forum")
		b.do(t, "save the forum", chromedp.Click(chromedp.CSS(`#editor button[type=submit]`)), chromedp.WaitNotVisible(chromedp.CSS(`#editor`)))
		b.poll(t, "one gap fewer", fmt.Sprintf(`document.querySelector('#legend-choropleth li[data-key=gap] small')?.textContent === '(%d)'`, len(gaps)-1), 20*time.Second)
		after, err := w.st.CoverageGaps(ctx)
		if err != nil || len(after) != len(gaps)-1 {
			t.Errorf("%d gaps after the forum (%v), want %d", len(after), err, len(gaps)-1)
		}
		// Its first activity, held at the secretariat.
		before, err := w.st.Activities(ctx, domain.ActivityFilter{KelurahanCodes: []string{gap.Code}}, domain.Page{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		b.do(t, "new activity", chromedp.Click(chromedp.CSS(`#new-activity`)), chromedp.WaitVisible(chromedp.CSS(`#f-title`)),
			chromedp.SendKeys(chromedp.CSS(`#f-title`), "Dialog pembentukan FKS"),
			// Not before the forum was formed (this year, the form's default).
			chromedp.SetValue(chromedp.CSS(`#f-date`), time.Now().UTC().Format("2006-01-02")),
			chromedp.SetValue(chromedp.CSS(`#f-participants`), "30"))
		forumID := eval[string](t, b, fmt.Sprintf(`[...document.getElementById('f-forumId').options].find(o => o.text === %q)?.value ?? ''`, "FKS Kelurahan "+gap.Name))
		if forumID == "" {
			t.Fatal("the new forum is not offered for activities")
		}
		b.do(t, "its forum", chromedp.SetValue(chromedp.CSS(`#f-forumId`), forumID))
		b.clickAt(t, gap.Centroid[0], gap.Centroid[1])
		b.poll(t, "activity's kelurahan", fmt.Sprintf(`document.getElementById('f-kelurahan')?.textContent === 'Kelurahan %s'`, gap.Name), 10*time.Second)
		b.do(t, "save the activity", chromedp.Click(chromedp.CSS(`#editor button[type=submit]`)))
		b.poll(t, "saved or refused", `document.getElementById('editor').hidden || !document.getElementById('form-error').hidden ||
			[...document.querySelectorAll('#editor .field-error')].some(e => e.textContent)`, 30*time.Second)
		if msg := eval[string](t, b, `document.getElementById('editor').hidden ? '' : document.getElementById('editor').innerText`); msg != "" {
			t.Fatalf("the activity was not saved:\n%s", msg)
		}
		acts, err := w.st.Activities(ctx, domain.ActivityFilter{KelurahanCodes: []string{gap.Code}}, domain.Page{Limit: 500})
		if err != nil || acts.TotalCount != before.TotalCount+1 {
			t.Errorf("%d activities in %s after recording one (%v), want %d", acts.TotalCount, gap.Name, err, before.TotalCount+1)
		}
	})

	t.Run("admin history and delete", func(t *testing.T) {
		b.signOut(t)
		b.signIn(t, w.admin, "ADMIN")
		eval[bool](t, b, `(serasiMap.jumpTo({center: [122.6079, -5.4559], zoom: 16.5}), true)`)
		b.waitReady(t, "back to Wale")
		b.clickAt(t, line[1][0], line[1][1])
		b.do(t, "history from the popup", chromedp.WaitVisible(chromedp.CSS(`.popup.project .history-record`)),
			chromedp.Click(chromedp.CSS(`.popup.project .history-record`)))
		b.poll(t, "history", `document.querySelectorAll('#history ol.history > li').length >= 2`, 10*time.Second)
		b.screenshot(t, dir, name+"-6-history")
		b.do(t, "delete, then cancel", chromedp.Click(chromedp.CSS(`#editor button.danger`)),
			chromedp.WaitVisible(chromedp.CSS(`dialog.confirm`)), chromedp.Click(chromedp.CSS(`dialog.confirm button[value=no]`)))
		if _, err := w.st.Project(ctx, created.ID); err != nil {
			t.Fatalf("cancelled delete: %v", err)
		}
		b.do(t, "delete", chromedp.Click(chromedp.CSS(`#editor button.danger`)),
			chromedp.WaitVisible(chromedp.CSS(`dialog.confirm`)), chromedp.Click(chromedp.CSS(`dialog.confirm button[value=yes]`)),
			chromedp.WaitNotVisible(chromedp.CSS(`#editor`)))
		if _, err := w.st.Project(ctx, created.ID); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("after delete: %v, want not found", err)
		}
	})
	b.check(t)
}
