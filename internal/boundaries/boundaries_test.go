package boundaries_test

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/klauspost/compress/zstd"
	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/boundaries"
	"github.com/serasi/serasi/internal/domain"
)

// The fixture: one province without its polygon (as 7 are upstream), a
// kabupaten with a numeric kode that lost its trailing zero (74.10 written
// 74.1), a kecamatan, and villages that exercise each repair rule and
// each refusal.
var fixture = fstest.MapFS{
	"kab/wilayah_boundaries_kab_74.geojson": {Data: []byte(`{"type":"FeatureCollection","features":[
		{"type":"Feature","properties":{"kode":74.1,"nama":"Kabupaten Contoh","lat":0,"lng":0},
		 "geometry":{"type":"Polygon","coordinates":[[[120,-5],[120,-4],[122,-4],[122,-5],[120,-5]]]}}]}`)},
	"kec/wilayah_boundaries_kec_74.geojson": {Data: []byte(`{"type":"FeatureCollection","features":[
		{"type":"Feature","properties":{"kode":"74.10.01","nama":"Satu","lat":0,"lng":0},
		 "geometry":{"type":"Polygon","coordinates":[[[120,-5],[120,-4],[121,-4],[121,-5],[120,-5]]]}}]}`)},
	"kel/74/wilayah_boundaries_kel_74.10.geojson": {Data: []byte(`{"type":"FeatureCollection","features":[
		{"type":"Feature","properties":{"kode":"74.10.01.1001","nama":"Searah Jarum Jam","lat":0,"lng":0},
		 "geometry":{"type":"Polygon","coordinates":[[[120,-5],[120,-4.5],[120.5,-4.5],[120.5,-5],[120,-5]]]}},
		{"type":"Feature","properties":{"kode":"74.10.01.2001","nama":"Tidak Tertutup","lat":0,"lng":0},
		 "geometry":{"type":"Polygon","coordinates":[[[120.5,-5],[121,-5],[121,-4.5],[120.5,-4.5]]]}},
		{"type":"Feature","properties":{"kode":"74.10.01.2002","nama":"Titik Ganda","lat":0,"lng":0},
		 "geometry":{"type":"Polygon","coordinates":[[[120,-4.5],[120.5,-4.5],[120.5,-4.5],[120.5,-4],[120,-4],[120,-4.5]]]}},
		{"type":"Feature","properties":{"kode":"74.10.01.2003","nama":"Lubang Datar","lat":0,"lng":0},
		 "geometry":{"type":"Polygon","coordinates":[[[120.5,-4.5],[121,-4.5],[121,-4],[120.5,-4],[120.5,-4.5]],
		   [[120.6,-4.4],[120.7,-4.4],[120.6,-4.4]]]}},
		{"type":"Feature","properties":{"kode":"74.10.01.3001","nama":"Desa Adat Tumpang","lat":0,"lng":0},
		 "geometry":{"type":"MultiPolygon","coordinates":[
		   [[[121,-5],[121.5,-5],[121.5,-4.5],[121,-4.5],[121,-5]]],
		   [[[121.2,-5],[121.8,-5],[121.8,-4.5],[121.2,-4.5],[121.2,-5]]]]}},
		{"type":"Feature","properties":{"kode":"74.10.01.2004","nama":"Garis","lat":0,"lng":0},
		 "geometry":{"type":"LineString","coordinates":[[121,-4],[121.5,-4]]}},
		{"type":"Feature","properties":{"kode":"74.10.01.2005","nama":"Dasi Kupu","lat":0,"lng":0},
		 "geometry":{"type":"Polygon","coordinates":[[[121,-4.5],[121.5,-4],[121.5,-4.4],[121,-4],[121,-4.5]]]}},
		{"type":"Feature","properties":{"kode":"74.10.01.1001","nama":"Kembar","lat":0,"lng":0},
		 "geometry":{"type":"Polygon","coordinates":[[[120,-5],[120.5,-5],[120.5,-4.5],[120,-4.5],[120,-5]]]}},
		{"type":"Feature","properties":{"kode":"74.10.01.5001","nama":"Kode Aneh","lat":0,"lng":0},
		 "geometry":{"type":"Polygon","coordinates":[[[120,-5],[120.5,-5],[120.5,-4.5],[120,-4.5],[120,-5]]]}},
		{"type":"Feature","properties":{"kode":"74.10.02.1001","nama":"Tanpa Kecamatan","lat":0,"lng":0},
		 "geometry":{"type":"Polygon","coordinates":[[[121,-4.5],[122,-4.5],[122,-4],[121,-4],[121,-4.5]]]}}]}`)},
	"kel/92/wilayah_boundaries_kel_92.03.geojson": {Data: []byte(`{"type": "FeatureCollection", "features": []}`)},
}

func readFixture(t *testing.T) *boundaries.Set {
	t.Helper()
	s, err := boundaries.ReadFS(fixture, boundaries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestReadRepairsAndRefusals(t *testing.T) {
	s := readFixture(t)
	r := s.Report
	if r.Files != 4 || r.Features != 12 {
		t.Errorf("read %d files, %d features; want 4, 12", r.Files, r.Features)
	}
	want := boundaries.Repairs{ClosedRings: 1, RepeatedVertices: 1, DegenerateRings: 1, UnionedParts: 1}
	got := r.Repairs
	got.Reoriented, got.DroppedHoles = 0, 0
	if got != want {
		t.Errorf("repairs %+v, want %+v", got, want)
	}
	if r.Repairs.Reoriented == 0 {
		t.Error("the clockwise shell was not counted as reoriented")
	}
	refused := map[string]string{}
	for _, f := range r.Refused {
		refused[f.Code] = f.Reason
	}
	for code, reason := range map[string]string{
		"74.10.01.2004": "LineString",
		"74.10.01.2005": "not valid",
		"74.10.01.1001": "duplicate",
		"74.10.01.5001": "neither a kelurahan",
	} {
		if !strings.Contains(refused[code], reason) {
			t.Errorf("%s refused for %q, want a reason with %q", code, refused[code], reason)
		}
	}
	if len(r.Refused) != 4 {
		t.Errorf("refused %v, want 4", r.Refused)
	}
	if !slices.Equal(r.EmptyFiles, []string{"kel/92/wilayah_boundaries_kel_92.03.geojson"}) {
		t.Errorf("empty files %v", r.EmptyFiles)
	}

	if got := codes(s.Kelurahans, func(k domain.Kelurahan) string { return k.Code }); !slices.Equal(got,
		[]string{"74.10.01.1001", "74.10.01.2001", "74.10.01.2002", "74.10.01.2003", "74.10.01.3001", "74.10.02.1001"}) {
		t.Errorf("kelurahan %v", got)
	}
	byCode := map[string]domain.Kelurahan{}
	for _, k := range s.Kelurahans {
		byCode[k.Code] = k
		if k.Jenis != domain.JenisOfCode(k.Code) || k.KecamatanCode != k.Code[:8] {
			t.Errorf("%s: jenis %q, kecamatan %q", k.Code, k.Jenis, k.KecamatanCode)
		}
		if k.AreaSqM <= 0 || k.Bound.IsZero() || !k.Bound.Contains(k.Centroid) {
			t.Errorf("%s: area %g, bound %v, centroid %v", k.Code, k.AreaSqM, k.Bound, k.Centroid)
		}
		eachShell(k.Geometry, func(r orb.Ring) {
			if r.Orientation() != orb.CCW {
				t.Errorf("%s: an exterior ring is not counter-clockwise", k.Code)
			}
		})
	}
	if byCode["74.10.01.1001"].Name != "Searah Jarum Jam" {
		t.Errorf("the first of two duplicates must win, got %q", byCode["74.10.01.1001"].Name)
	}
	if p, ok := byCode["74.10.01.2003"].Geometry.(orb.Polygon); !ok || len(p) != 1 {
		t.Errorf("the flat hole was not dropped: %v", byCode["74.10.01.2003"].Geometry)
	}
	if _, ok := byCode["74.10.01.3001"].Geometry.(orb.Polygon); !ok {
		t.Errorf("the overlapping parts were not unioned into one polygon: %T", byCode["74.10.01.3001"].Geometry)
	}
	if byCode["74.10.01.3001"].Jenis != domain.JenisDesa {
		t.Errorf("a desa adat (3xxx) is a %q, want DESA", byCode["74.10.01.3001"].Jenis)
	}
}

func TestReadDerivesMissingLevels(t *testing.T) {
	s := readFixture(t)
	if len(s.Provinsis) != 1 || !s.Provinsis[0].Derived || s.Provinsis[0].Code != "74" {
		t.Fatalf("provinsi %+v, want 74 derived", s.Provinsis)
	}
	if s.Provinsis[0].Name != "74" || !slices.Contains(s.Report.Unnamed, "74") {
		t.Errorf("a derived provinsi with no known name is named by its code and reported: %q, %v", s.Provinsis[0].Name, s.Report.Unnamed)
	}
	if len(s.KabupatenKotas) != 1 {
		t.Fatalf("kabupaten/kota %+v", s.KabupatenKotas)
	}
	k := s.KabupatenKotas[0]
	if k.Code != "74.10" || k.Derived || k.Kind != domain.KindKabupaten || k.ProvinsiCode != "74" {
		t.Errorf("kabupaten %s derived %v kind %s provinsi %s", k.Code, k.Derived, k.Kind, k.ProvinsiCode)
	}
	// The province is the union of its one kabupaten.
	if d := s.Provinsis[0].AreaSqM - k.AreaSqM; d*d > 1 {
		t.Errorf("provinsi area %g, kabupaten area %g", s.Provinsis[0].AreaSqM, k.AreaSqM)
	}
	if got := codes(s.Kecamatans, func(k domain.Kecamatan) string { return k.Code }); !slices.Equal(got, []string{"74.10.01", "74.10.02"}) {
		t.Fatalf("kecamatan %v", got)
	}
	derived := s.Kecamatans[1]
	if derived.KabupatenKotaCode != "74.10" || !slices.Equal(s.Report.Derived["kecamatan"], []string{"74.10.02"}) {
		t.Errorf("kecamatan 74.10.02: kabupaten %q, derived %v", derived.KabupatenKotaCode, s.Report.Derived)
	}
	if d := derived.AreaSqM - s.Kelurahans[5].AreaSqM; d*d > 1 {
		t.Errorf("the derived kecamatan's area %g is not its one kelurahan's %g", derived.AreaSqM, s.Kelurahans[5].AreaSqM)
	}
}

// TestReadSources reads the same files as a folder, a tar.zst, a plain
// tar and one file at a time, and gets the same set.
func TestReadSources(t *testing.T) {
	want := readFixture(t)
	dir := t.TempDir()
	tree := filepath.Join(dir, "tree")
	var tarBuf bytes.Buffer
	tw := tar.NewWriter(&tarBuf)
	for _, name := range sortedNames(fixture) {
		data := fixture[name].Data
		p := filepath.Join(tree, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		tw.WriteHeader(&tar.Header{Name: "db_geojson/" + name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg})
		tw.Write(data)
	}
	tw.Close()
	plain := filepath.Join(dir, "b.tar")
	os.WriteFile(plain, tarBuf.Bytes(), 0o644)
	var zbuf bytes.Buffer
	zw, _ := zstd.NewWriter(&zbuf)
	zw.Write(tarBuf.Bytes())
	zw.Close()
	compressed := filepath.Join(dir, "b.tar.zst")
	os.WriteFile(compressed, zbuf.Bytes(), 0o644)

	for _, p := range []string{tree, plain, compressed} {
		got, err := boundaries.Read(p, boundaries.Options{})
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		sameSet(t, filepath.Base(p), want, got)
	}
	one, err := boundaries.Read(filepath.Join(tree, "kec", "wilayah_boundaries_kec_74.geojson"), boundaries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// One kecamatan file alone: its parents are derived from it.
	if len(one.Kecamatans) != 1 || len(one.KabupatenKotas) != 1 || !one.KabupatenKotas[0].Derived || len(one.Provinsis) != 1 {
		t.Errorf("one file: %d kecamatan, %d kabupaten/kota, %d provinsi", len(one.Kecamatans), len(one.KabupatenKotas), len(one.Provinsis))
	}
	if _, err := boundaries.Read(filepath.Join(dir, "missing.geojson"), boundaries.Options{}); err == nil {
		t.Error("a missing path must be an error")
	}
	bad := filepath.Join(dir, "bad.geojson")
	os.WriteFile(bad, []byte(`{"type":"Feature"}`), 0o644)
	if _, err := boundaries.Read(bad, boundaries.Options{}); err == nil || !strings.Contains(err.Error(), "FeatureCollection") {
		t.Errorf("a file that is not a FeatureCollection: %v", err)
	}
}

func TestGeneraliseHook(t *testing.T) {
	calls := 0
	s, err := boundaries.ReadFS(fixture, boundaries.Options{Generalise: func(g orb.Geometry) []orb.Geometry {
		calls++
		return []orb.Geometry{g.Bound().ToPolygon(), g}
	}})
	if err != nil {
		t.Fatal(err)
	}
	g := s.Generalised
	if len(g.Kelurahans) != len(s.Kelurahans) || len(g.Kecamatans) != len(s.Kecamatans) ||
		len(g.KabupatenKotas) != len(s.KabupatenKotas) || len(g.Provinsis) != len(s.Provinsis) {
		t.Fatalf("generalised lengths do not follow the records")
	}
	if calls != len(s.Kelurahans)+len(s.Kecamatans)+len(s.KabupatenKotas)+len(s.Provinsis) {
		t.Errorf("%d calls", calls)
	}
	for i, k := range s.Kelurahans {
		if g.Kelurahans[i][0].Bound() != k.Bound {
			t.Errorf("%s: generalised geometry of another record", k.Code)
		}
	}
}

func sameSet(t *testing.T, name string, a, b *boundaries.Set) {
	t.Helper()
	if !slices.EqualFunc(a.Kelurahans, b.Kelurahans, func(x, y domain.Kelurahan) bool {
		return x.Code == y.Code && x.Name == y.Name && orb.Equal(x.Geometry, y.Geometry)
	}) || len(a.Kecamatans) != len(b.Kecamatans) || len(a.KabupatenKotas) != len(b.KabupatenKotas) ||
		len(a.Provinsis) != len(b.Provinsis) || len(a.Report.Refused) != len(b.Report.Refused) ||
		a.Report.Repairs != b.Report.Repairs {
		t.Errorf("%s: a different set than from the fs.FS", name)
	}
}

func sortedNames(m fstest.MapFS) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func codes[T any](xs []T, code func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = code(x)
	}
	return out
}

func eachShell(g orb.Geometry, f func(orb.Ring)) {
	switch g := g.(type) {
	case orb.Polygon:
		f(g[0])
	case orb.MultiPolygon:
		for _, p := range g {
			f(p[0])
		}
	}
}
