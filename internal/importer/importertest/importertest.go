// Package importertest is the conformance suite of import and export that
// both stores run (from internal/store/memory and internal/store/postgis),
// in the manner of storetest: a behaviour is written once, here.
package importertest

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/export"
	"github.com/serasi/serasi/internal/importer"
	"github.com/serasi/serasi/internal/layers"
	"github.com/serasi/serasi/internal/store"
)

// Harness makes a fresh store loaded with the embedded sample data, and
// the BatchWriter to import with.
type Harness func(t *testing.T) (store.ReadWriter, importer.BatchWriter)

var editor = domain.Actor{Name: "importertest", Role: domain.RoleEditor}

// RunConformanceTests runs every import and export behaviour.
func RunConformanceTests(t *testing.T, h Harness) {
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, s store.ReadWriter, im *importer.Importer)
	}{
		{"CreateThenIdempotent", testCreateThenIdempotent},
		{"BadRowsWriteNothing", testBadRowsWriteNothing},
		{"RoundTrip", testRoundTrip},
		{"Forums", testForums},
		{"Activities", testActivities},
		{"Credentials", testCredentials},
		{"Templates", testTemplates},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, w := h(t)
			tc.run(t, s, &importer.Importer{Store: s, Writer: w})
		})
	}
}

// A semicolon CSV as Indonesian Excel writes it, with a BOM, a decimal
// comma, Indonesian amounts and dates, labels and a trailing empty row.
const projectsCSV = "\ufeffKode;Judul;Jenis;Tahun;Anggaran;Status;Lintang;Bujur;Forum;Tanggal Mulai;Penerima manfaat\n" +
	"prj-imp-001;Tugu keserasian Wale;Tugu keserasian sosial;2024;Rp 150.000.000,00;Direncanakan;-5,4560;122,6077;fks-2015-wale;01/03/2024;120\n" +
	"prj-imp-002;Penerangan jalan Wale;NEIGHBOURHOOD_LIGHTING;2024;75.500.000;Selesai;-5,4561;122,6078;;2024-02-01;\n" +
	";;;;;;;;;;\n"

func importString(t *testing.T, im *importer.Importer, layer importer.Layer, name, body string, dry bool) *importer.Report {
	t.Helper()
	rep, err := im.Import(context.Background(), strings.NewReader(body), importer.Options{Layer: layer, Name: name, DryRun: dry, Actor: editor})
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	return rep
}

func counts(r *importer.Report) [3]int { return [3]int{r.Created, r.Updated, r.Unchanged} }

func testCreateThenIdempotent(t *testing.T, s store.ReadWriter, im *importer.Importer) {
	ctx := context.Background()
	dry := importString(t, im, importer.Projects, "proyek.csv", projectsCSV, true)
	if !dry.OK() || counts(dry) != [3]int{2, 0, 0} || dry.Written {
		t.Fatalf("dry run: %+v", dry)
	}
	if _, err := s.Project(ctx, "prj-imp-001"); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Fatalf("a dry run wrote prj-imp-001: %v", err)
	}
	rep := importString(t, im, importer.Projects, "proyek.csv", projectsCSV, false)
	if !rep.OK() || counts(rep) != [3]int{2, 0, 0} || !rep.Written {
		t.Fatalf("import: %+v", rep)
	}
	p, err := s.Project(ctx, "prj-imp-001")
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != "Tugu keserasian Wale" || p.Kind != domain.HarmonyMonument || p.BudgetRupiah != 150_000_000 ||
		p.KelurahanCode != "74.72.02.1001" || p.ForumID != "fks-2015-wale" || p.Version != 1 ||
		p.StartDate == nil || p.StartDate.Format("2006-01-02") != "2024-03-01" || p.Beneficiaries != 120 {
		t.Errorf("imported project: %+v", p)
	}
	// One audit entry for the whole file, with its name and SHA-256.
	audit, err := s.AuditLog(ctx, domain.AuditFilter{RecordType: domain.RecordBatch}, domain.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var after struct {
		Source  string `json:"source"`
		SHA256  string `json:"sha256"`
		Created int    `json:"created"`
	}
	if audit.TotalCount == 1 {
		_ = json.Unmarshal(audit.Items[0].After, &after)
	}
	if audit.TotalCount != 1 || audit.Items[0].RecordID != rep.SHA256 || audit.Items[0].ActorName != editor.Name ||
		after != (struct {
			Source  string `json:"source"`
			SHA256  string `json:"sha256"`
			Created int    `json:"created"`
		}{"proyek.csv", rep.SHA256, 2}) {
		t.Errorf("audit of the import: %d entries, %+v", audit.TotalCount, after)
	}
	again := importString(t, im, importer.Projects, "proyek.csv", projectsCSV, false)
	if !again.OK() || counts(again) != [3]int{0, 0, 2} {
		t.Fatalf("the same file again: %+v", again)
	}
	changed := strings.Replace(projectsCSV, "75.500.000", "80.000.000", 1)
	dryChanged := importString(t, im, importer.Projects, "proyek.csv", changed, true)
	if !dryChanged.OK() || counts(dryChanged) != [3]int{0, 1, 1} {
		t.Fatalf("dry run of a changed row: %+v", dryChanged)
	}
	upd := importString(t, im, importer.Projects, "proyek.csv", changed, false)
	if !upd.OK() || counts(upd) != [3]int{0, 1, 1} {
		t.Fatalf("changed row: %+v", upd)
	}
	p2, err := s.Project(ctx, "prj-imp-002")
	if err != nil {
		t.Fatal(err)
	}
	if p2.Version != 2 || p2.BudgetRupiah != 80_000_000 {
		t.Errorf("updated project: version %d budget %d, want 2 and 80000000", p2.Version, p2.BudgetRupiah)
	}
}

func testBadRowsWriteNothing(t *testing.T, s store.ReadWriter, im *importer.Importer) {
	ctx := context.Background()
	bad := "kode,judul,jenis,tahun,anggaran,status,lintang,bujur\n" +
		"prj-bad-001,Jalan baik,Jalan lingkungan,2024,1000000,Selesai,,\n" + // no geometry
		"prj-bad-002,Tugu,Tugu keserasian sosial,2024,1000000,Selesai,122.6077,-5.4560\n" + // swapped
		"prj-bad-003,Tugu,Tugu keserasan sosial,2024,1000000,Selesai,-5.4560,122.6077\n" + // misspelt kind
		"prj-bad-004,Tugu,Tugu keserasian sosial,2024,satu juta,Selesai,-5.4560,122.6077\n" + // amount
		"prj-bad-005,Tugu,Tugu keserasian sosial,2024,1000000,Selesai,-5.0,121.0\n" + // outside Baubau
		"prj-bad-003,Tugu,Tugu keserasian sosial,2024,1000000,Selesai,-5.4560,122.6077\n" + // duplicate id
		"prj-bad-007,Tugu,Tugu keserasian sosial,2014,1000000,Selesai,-5.4560,122.6077\n" + // year
		"prj-bad-008,Tugu sah,Tugu keserasian sosial,2024,1000000,Selesai,-5.4560,122.6077\n" // fine
	rep := importString(t, im, importer.Projects, "buruk.csv", bad, false)
	if rep.OK() || rep.Written {
		t.Fatalf("a file with bad rows was accepted: %+v", rep)
	}
	want := map[int]string{2: "lintang", 3: "lintang", 4: "jenis", 5: "anggaran", 6: "lintang", 7: "kode", 8: "tahun"}
	got := map[int]string{}
	for _, p := range rep.Problems {
		got[p.Row] = p.Column
		if p.Message == "" {
			t.Errorf("row %d: a problem without a message", p.Row)
		}
	}
	for row, col := range want {
		if got[row] != col {
			t.Errorf("row %d: problem in column %q, want %q (report %+v)", row, got[row], col, rep.Problems)
		}
	}
	if _, ok := got[9]; ok {
		t.Errorf("the good row 9 was reported: %+v", rep.Problems)
	}
	msgs := func(row int) string {
		var b strings.Builder
		for _, p := range rep.Problems {
			if p.Row == row {
				b.WriteString(p.Message + "\n")
			}
		}
		return b.String()
	}
	for row, words := range map[int]string{3: "tertukar", 4: "Tugu keserasian sosial", 6: "Baubau", 7: "baris 4"} {
		if !strings.Contains(msgs(row), words) {
			t.Errorf("row %d: message %q does not say %q", row, msgs(row), words)
		}
	}
	if _, err := s.Project(ctx, "prj-bad-008"); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("the good row of a bad file was written: %v", err)
	}
	// Headers: an unknown one and a missing required one, both named.
	rep = importString(t, im, importer.Projects, "judul.csv", "kode,judull,jenis,tahun,status,lintang,bujur\nprj-x,a,b,2024,Selesai,-5.4,122.6\n", true)
	if rep.OK() || !strings.Contains(rep.Problems[0].Message, "judul") {
		t.Errorf("unknown header: %+v", rep.Problems)
	}
	// Not UTF-8 (Windows-1252 é).
	rep = importString(t, im, importer.Projects, "ansi.csv", "kode,judul\nprj-x,Caf\xe9\n", true)
	if rep.OK() || !strings.Contains(rep.Problems[0].Message, "UTF-8") {
		t.Errorf("a Windows-1252 CSV: %+v", rep.Problems)
	}
	// GeoJSON feature without geometry.
	rep = importString(t, im, importer.Projects, "f.geojson", `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{"kode":"prj-g","judul":"a","jenis":"Tugu keserasian sosial","tahun":2024,"status":"Selesai"}}]}`, true)
	if rep.OK() || !strings.Contains(rep.Problems[0].Message, "geometri") {
		t.Errorf("a feature without geometry: %+v", rep.Problems)
	}
}

// testRoundTrip exports every layer in every format an import reads and
// imports it again: nothing changes.
func testRoundTrip(t *testing.T, s store.ReadWriter, im *importer.Importer) {
	ctx := context.Background()
	// A title a spreadsheet would run as a formula: the CSV export defuses
	// it, the import restores it.
	formula := "kode,judul,jenis,tahun,status,lintang,bujur\nprj-formula,=HYPERLINK(\"http://x\"),Tugu keserasian sosial,2024,Selesai,-5.456,122.6077\n"
	if rep := importString(t, im, importer.Projects, "rumus.csv", formula, false); !rep.OK() || rep.Created != 1 {
		t.Fatalf("formula title: %+v", rep)
	}
	var csvOut bytes.Buffer
	all, _ := layers.ParseFilters("projects", url.Values{})
	if err := export.Write(ctx, s, &csvOut, importer.Projects, export.CSV, all); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(csvOut.String(), `"'=HYPERLINK(""http://x"")"`) {
		t.Errorf("the CSV export does not defuse a formula title")
	}
	for _, layer := range importer.Layers {
		f, err := layers.ParseFilters(string(layer), url.Values{})
		if err != nil {
			t.Fatal(err)
		}
		for _, format := range []export.Format{export.CSV, export.XLSX, export.GeoJSON} {
			var buf bytes.Buffer
			if err := export.Write(ctx, s, &buf, layer, format, f); err != nil {
				t.Fatalf("%s.%s: %v", layer, format, err)
			}
			rep, err := im.Import(ctx, &buf, importer.Options{Layer: layer, Name: "ekspor." + string(format), Actor: editor})
			if err != nil {
				t.Fatal(err)
			}
			if !rep.OK() || rep.Created != 0 || rep.Updated != 0 || rep.Unchanged == 0 {
				t.Errorf("%s.%s: export then import changed something: %+v", layer, format, rep)
			}
		}
	}
}

func testForums(t *testing.T, s store.ReadWriter, im *importer.Importer) {
	body := "kode,nama,kelurahan,tahun dibentuk,status,jumlah anggota,lintang,bujur\n" +
		"fks-imp-wale,FKS Baru Wale,Wale,2024,Aktif,\"1.200\",\"-5,4560\",\"122,6077\"\n"
	rep := importString(t, im, importer.Forums, "forum.csv", body, false)
	if !rep.OK() || rep.Created != 1 {
		t.Fatalf("forum import: %+v", rep)
	}
	f, err := s.Forum(context.Background(), "fks-imp-wale")
	if err != nil {
		t.Fatal(err)
	}
	if f.KelurahanCodes[0] != "74.72.02.1001" || f.MemberCount != 1200 || f.Status != domain.ForumActive {
		t.Errorf("forum: %+v", f)
	}
	rep = importString(t, im, importer.Forums, "forum.csv", strings.Replace(body, ",Wale,2024", ",Walle,2024", 1), true)
	if rep.OK() || !strings.Contains(rep.Problems[0].Message, "Wale") {
		t.Errorf("a misspelt kelurahan: %+v", rep.Problems)
	}
}

func testActivities(t *testing.T, s store.ReadWriter, im *importer.Importer) {
	body := `{"type":"FeatureCollection","features":[` +
		`{"type":"Feature","geometry":{"type":"Point","coordinates":[122.6077,-5.456]},"properties":{"kode":"act-imp-1","judul":"Dialog warga","forum":"fks-2015-wale","jenis":"Dialog","tanggal":"2024-05-02","peserta":40}},` +
		`{"type":"Feature","geometry":null,"properties":{"kode":"act-imp-2","judul":"Pelatihan mediasi","forum":"fks-2015-wale","jenis":"TRAINING","tanggal":"02/06/2024","peserta":"25"}}]}`
	rep := importString(t, im, importer.Activities, "kegiatan.geojson", body, false)
	if !rep.OK() || rep.Created != 2 {
		t.Fatalf("activity import: %+v", rep)
	}
	a, err := s.Activity(context.Background(), "act-imp-2")
	if err != nil {
		t.Fatal(err)
	}
	if a.Location != nil || a.Kind != domain.Training || a.Participants != 25 || a.Date.Format("2006-01-02") != "2024-06-02" {
		t.Errorf("activity: %+v", a)
	}
}

func testCredentials(t *testing.T, s store.ReadWriter, im *importer.Importer) {
	_, err := im.Import(context.Background(), strings.NewReader(projectsCSV), importer.Options{Layer: importer.Projects, Name: "p.csv",
		Actor: domain.Actor{Name: "viewer", Role: domain.RoleViewer}})
	if domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("a viewer's import: %v, want forbidden", err)
	}
}

// testTemplates fills each XLSX template's Data sheet with the example row
// of its instruction sheet and imports it: the example is valid, and the
// drop-downs are there.
func testTemplates(t *testing.T, s store.ReadWriter, im *importer.Importer) {
	ctx := context.Background()
	kels, err := s.Kelurahans(ctx, domain.KelurahanFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, layer := range importer.Layers {
		var buf bytes.Buffer
		if err := importer.WriteTemplate(&buf, layer, importer.XLSX, kels); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		dvs, err := x.GetDataValidations("Data")
		if err != nil {
			t.Fatal(err)
		}
		want := map[importer.Layer]int{importer.Projects: 3, importer.Forums: 1, importer.Activities: 2}[layer]
		if len(dvs) != want {
			t.Errorf("%s: %d drop-down lists, want %d", layer, len(dvs), want)
		}
		rows, err := x.GetRows("Petunjuk")
		if err != nil {
			t.Fatal(err)
		}
		header, example := rows[len(rows)-2], rows[len(rows)-1]
		for i := range header {
			cell, _ := excelize.CoordinatesToCellName(i+1, 2)
			v := ""
			if i < len(example) {
				v = example[i]
			}
			if err := x.SetCellValue("Data", cell, v); err != nil {
				t.Fatal(err)
			}
		}
		var filled bytes.Buffer
		if _, err := x.WriteTo(&filled); err != nil {
			t.Fatal(err)
		}
		rep, err := im.Import(ctx, &filled, importer.Options{Layer: layer, Name: "template.xlsx", DryRun: true, Actor: editor})
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK() || rep.Created != 1 {
			t.Errorf("%s: the template's example row does not import: %+v", layer, rep)
		}
		var csvBuf bytes.Buffer
		if err := importer.WriteTemplate(&csvBuf, layer, importer.CSV, kels); err != nil {
			t.Fatal(err)
		}
		rep, err = im.Import(ctx, &csvBuf, importer.Options{Layer: layer, Name: "template.csv", DryRun: true, Actor: editor})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0].Message, "tidak ada baris data") {
			t.Errorf("%s: the empty CSV template: %+v", layer, rep.Problems)
		}
	}
}
