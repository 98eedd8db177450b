package e2e

import (
	"context"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/server"
	"github.com/serasi/serasi/internal/store/memory"
)

// Two bad rows (swapped coordinates, a misspelt kind) around a good one.
const (
	badProjects = "kode;judul;jenis;tahun;anggaran;status;lintang;bujur\n" +
		"prj-e2e-001;Tugu keserasian Wale;Tugu keserasian sosial;2024;Rp 150.000.000;Direncanakan;122,6077;-5,4560\n" +
		"prj-e2e-002;Penerangan Wale;Penerangan lingkungan;2024;75.000.000;Selesai;-5,4568;122,6070\n" +
		"prj-e2e-003;Tugu kedua;Tugu keserasan;2024;90.000.000;Direncanakan;-5,4552;122,6085\n"
	fixedProjects = "kode;judul;jenis;tahun;anggaran;status;lintang;bujur\n" +
		"prj-e2e-001;Tugu keserasian Wale;Tugu keserasian sosial;2024;Rp 150.000.000;Direncanakan;-5,4560;122,6077\n" +
		"prj-e2e-002;Penerangan Wale;Penerangan lingkungan;2024;75.000.000;Selesai;-5,4568;122,6070\n" +
		"prj-e2e-003;Tugu kedua;Tugu keserasian sosial;2024;90.000.000;Direncanakan;-5,4552;122,6085\n"
)

// TestImportPage drives /impor as a staff member would, on the real
// server's routes: sign in, upload a file with two bad rows and see both,
// upload the fixed file, confirm, and find the new projects on /map.
func TestImportPage(t *testing.T) {
	st, err := memory.New(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	_, token, err := st.CreateToken(context.Background(), domain.Actor{Name: "e2e", Role: domain.RoleAdmin}, "staf Dinas Sosial", domain.RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(server.Config{}, st, nil))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	b := newBrowser(t, u.Host)
	dir := t.TempDir()
	bad, fixed := filepath.Join(dir, "proyek-salah.csv"), filepath.Join(dir, "proyek.csv")
	if err := os.WriteFile(bad, []byte(badProjects), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(fixed, []byte(fixedProjects), 0o644); err != nil {
		t.Fatal(err)
	}
	shots := os.Getenv("E2E_SCREENSHOT_DIR")
	if shots == "" {
		shots = t.TempDir()
	}
	shot := func(name string) {
		t.Helper()
		png := run(t, b, "screenshot "+name, chromedp.CaptureScreenshot())
		path := filepath.Join(shots, "impor-"+name+".png")
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", path)
	}

	b.do(t, "open /impor", chromedp.Navigate(srv.URL+"/impor"))
	b.poll(t, "page ready", `document.body.dataset.ready === 'true'`, 30*time.Second)
	if eval[bool](t, b, `!document.getElementById('check').disabled`) {
		t.Error("the check button is enabled before signing in")
	}
	b.do(t, "sign in",
		chromedp.SendKeys(chromedp.CSS("#token"), token),
		chromedp.Click(chromedp.CSS("#signin-form button")))
	if got := eval[string](t, b, `sessionStorage.getItem('serasi.token')`); got != token {
		t.Fatalf("token in sessionStorage: %q", got)
	}

	b.do(t, "upload the bad file",
		chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{bad}),
		chromedp.Click(chromedp.CSS("#check")))
	b.poll(t, "report of the bad file", `document.querySelectorAll('#problems tbody tr').length > 0`, 30*time.Second)
	rows := eval[[]string](t, b, `[...new Set([...document.querySelectorAll('#problems tbody tr')].map(tr => tr.dataset.row))]`)
	if !slices.Equal(rows, []string{"2", "4"}) {
		t.Errorf("rows reported: %v, want 2 and 4", rows)
	}
	marked := eval[[]string](t, b, `[...document.querySelectorAll('#rows td.bad')].map(td => td.textContent)`)
	if !slices.Contains(marked, "122,6077") || !slices.Contains(marked, "Tugu keserasan") {
		t.Errorf("cells marked bad: %q, want the swapped lintang and the misspelt jenis", marked)
	}
	if msgs := eval[string](t, b, `document.getElementById('problems').textContent`); !strings.Contains(msgs, "tertukar") || !strings.Contains(msgs, `Maksud Anda "Tugu keserasian sosial"`) {
		t.Errorf("the report does not say how to fix the rows:\n%s", msgs)
	}
	if !eval[bool](t, b, `document.getElementById('confirm').hidden`) {
		t.Error("the confirm button shows for a file with problems")
	}
	shot("laporan")
	for _, id := range []string{"prj-e2e-001", "prj-e2e-002", "prj-e2e-003"} {
		if _, err := st.Project(context.Background(), id); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Fatalf("%s was written by a checked bad file: %v", id, err)
		}
	}

	b.do(t, "upload the fixed file",
		chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{fixed}),
		chromedp.Click(chromedp.CSS("#check")))
	b.poll(t, "report of the fixed file", `!document.getElementById('confirm').hidden`, 30*time.Second)
	summary := run(t, b, "summary", chromedp.Text(chromedp.CSS("#summary")))
	t.Logf("summary: %s", summary)
	shot("siap")
	b.do(t, "confirm", chromedp.Click(chromedp.CSS("#confirm")))
	b.poll(t, "result", `!document.getElementById('result').hidden`, 30*time.Second)
	shot("tersimpan")
	for _, id := range []string{"prj-e2e-001", "prj-e2e-002", "prj-e2e-003"} {
		p, err := st.Project(context.Background(), id)
		if err != nil || p.KelurahanCode != "74.72.02.1001" {
			t.Errorf("%s after confirming: %+v, %v", id, p, err)
		}
	}

	b.do(t, "open /map", chromedp.Navigate(srv.URL+"/map"))
	b.waitReady(t, "map after the import")
	eval[bool](t, b, `(serasiMap.jumpTo({center: [122.6077, -5.4560], zoom: 15}), true)`)
	b.poll(t, "map idle at Wale", `serasiMap.loaded() && !serasiMap.isMoving() && serasiMap.areTilesLoaded()`, 30*time.Second)
	var ids []string
	deadline := time.Now().Add(20 * time.Second)
	for {
		ids = ids[:0]
		for _, r := range b.rendered(t, "id", projectLayers...) {
			ids = append(ids, r.ID)
		}
		if slices.Contains(ids, "prj-e2e-001") && slices.Contains(ids, "prj-e2e-002") && slices.Contains(ids, "prj-e2e-003") || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, id := range []string{"prj-e2e-001", "prj-e2e-002", "prj-e2e-003"} {
		if !slices.Contains(ids, id) {
			t.Errorf("%s is not drawn on /map (drawn: %v)", id, ids)
		}
	}
	shot("peta")
	b.check(t)
}
