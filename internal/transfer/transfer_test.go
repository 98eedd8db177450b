package transfer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/importer"
	"github.com/serasi/serasi/internal/server"
	"github.com/serasi/serasi/internal/store/memory"
	"github.com/serasi/serasi/internal/transfer"
)

const csvBody = "kode;judul;jenis;tahun;anggaran;status;lintang;bujur\n" +
	"prj-http-1;Tugu Wale;Tugu keserasian sosial;2024;Rp 150.000.000;Direncanakan;-5,4560;122,6077\n"

// newServer is the real server (its routes and middleware) over a fresh
// embedded store, with an editor's and a viewer's token.
func newServer(t *testing.T) (http.Handler, *memory.Store, string, string) {
	t.Helper()
	s, err := memory.New(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	admin := domain.Actor{Name: "test", Role: domain.RoleAdmin}
	_, editor, err := s.CreateToken(context.Background(), admin, "editor", domain.RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	_, viewer, err := s.CreateToken(context.Background(), admin, "viewer", domain.RoleViewer)
	if err != nil {
		t.Fatal(err)
	}
	return server.New(server.Config{}, s, nil), s, editor, viewer
}

func do(t *testing.T, h http.Handler, method, url, token, ct string, body []byte) (*httptest.ResponseRecorder, importer.Report) {
	t.Helper()
	req := httptest.NewRequest(method, url, bytes.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var rep importer.Report
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(rec.Body.Bytes(), &rep)
	}
	return rec, rep
}

func TestImportHTTP(t *testing.T) {
	h, s, editor, viewer := newServer(t)
	if rec, _ := do(t, h, "POST", "/import/projects?dryRun=true", "", "text/csv", []byte(csvBody)); rec.Code != http.StatusUnauthorized {
		t.Errorf("no token: %d %s", rec.Code, rec.Body)
	}
	if rec, _ := do(t, h, "POST", "/import/projects?dryRun=true", viewer, "text/csv", []byte(csvBody)); rec.Code != http.StatusForbidden {
		t.Errorf("viewer: %d %s", rec.Code, rec.Body)
	}
	if rec, _ := do(t, h, "POST", "/import/nothing", editor, "text/csv", []byte(csvBody)); rec.Code != http.StatusNotFound {
		t.Errorf("unknown layer: %d %s", rec.Code, rec.Body)
	}
	if rec, _ := do(t, h, "POST", "/import/projects?dryRun=maybe", editor, "text/csv", []byte(csvBody)); rec.Code != http.StatusBadRequest {
		t.Errorf("bad dryRun: %d %s", rec.Code, rec.Body)
	}
	rec, rep := do(t, h, "POST", "/import/projects?dryRun=true", editor, "text/csv", []byte(csvBody))
	if rec.Code != http.StatusOK || rep.Created != 1 || rep.Written {
		t.Fatalf("dry run: %d %s", rec.Code, rec.Body)
	}
	if _, err := s.Project(context.Background(), "prj-http-1"); err == nil {
		t.Fatal("a dry run wrote")
	}
	// Multipart, as the /impor page and curl -F send it; bigger than the
	// server's 1 MiB limit for other requests.
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, _ := mw.CreateFormFile("file", "proyek.csv")
	fw.Write([]byte(csvBody))
	fw.Write([]byte(strings.Repeat(";;;;;;;\n", 150_000))) // blank rows, 1.2 MB
	mw.Close()
	rec, rep = do(t, h, "POST", "/import/projects?dryRun=false", editor, mw.FormDataContentType(), form.Bytes())
	if rec.Code != http.StatusOK || rep.Created != 1 || !rep.Written || rep.File != "proyek.csv" {
		t.Fatalf("multipart import: %d %.500s", rec.Code, rec.Body)
	}
	if p, err := s.Project(context.Background(), "prj-http-1"); err != nil || p.BudgetRupiah != 150_000_000 {
		t.Fatalf("imported project: %+v, %v", p, err)
	}
	// A bad row: 422 with the report, nothing written.
	bad := strings.Replace(csvBody, "prj-http-1", "prj-http-2", 1) + "prj-http-3;Jalan;Jalan;2024;1;Selesai;-5,456;122,6077\n"
	rec, rep = do(t, h, "POST", "/import/projects", editor, "text/csv", []byte(bad))
	if rec.Code != http.StatusUnprocessableEntity || len(rep.Problems) != 1 || rep.Problems[0].Row != 3 || rep.Problems[0].Column != "jenis" {
		t.Fatalf("bad row: %d %s", rec.Code, rec.Body)
	}
	if _, err := s.Project(context.Background(), "prj-http-2"); err == nil {
		t.Fatal("a file with a bad row wrote its good row")
	}
	// Too large, refused from Content-Length before reading.
	req := httptest.NewRequest("POST", "/import/projects", strings.NewReader("x"))
	req.ContentLength = transfer.MaxUploadBytes + 1
	req.Header.Set("Authorization", "Bearer "+editor)
	rr := httptest.NewRecorder()
	h.ServeHTTP(rr, req)
	if rr.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rr.Body.String(), "20 MB") {
		t.Errorf("too large: %d %s", rr.Code, rr.Body)
	}
}

func TestExportAndTemplatesHTTP(t *testing.T) {
	h, _, _, _ := newServer(t)
	for _, tc := range []struct {
		url    string
		status int
		ct     string
	}{
		{"/export/projects.csv?kinds=VILLAGE_ROAD", 200, "text/csv; charset=utf-8"},
		{"/export/projects.xlsx?year=2016", 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{"/export/forums.geojson?statuses=ACTIVE", 200, "application/geo+json"},
		{"/export/activities.gpkg?bbox=122.5,-5.6,122.7,-5.3", 200, "application/geopackage+sqlite3"},
		{"/export/projects.csv?kinds=ROAD", 400, "application/json"},
		{"/export/projects.csv?colour=red", 400, "application/json"},
		{"/export/projects.pdf", 404, "application/json"},
		{"/export/people.csv", 404, "application/json"},
		{"/templates/projects.xlsx", 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{"/templates/activities.csv", 200, "text/csv; charset=utf-8"},
		{"/templates/forums.geojson", 404, "application/json"},
	} {
		rec, _ := do(t, h, "GET", tc.url, "", "", nil)
		if rec.Code != tc.status || rec.Header().Get("Content-Type") != tc.ct {
			t.Errorf("GET %s: %d %s, want %d %s (%.300s)", tc.url, rec.Code, rec.Header().Get("Content-Type"), tc.status, tc.ct, rec.Body)
		}
	}
	rec, _ := do(t, h, "GET", "/export/projects.csv?kinds=VILLAGE_ROAD", "", "", nil)
	for i, line := range strings.Split(strings.TrimSpace(rec.Body.String()), "\n")[1:] {
		if !strings.Contains(line, ",Jalan lingkungan,") {
			t.Errorf("line %d of a VILLAGE_ROAD export: %s", i+2, line)
		}
	}
}
