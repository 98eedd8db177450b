package boundaries_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/boundaries"
	"github.com/serasi/serasi/internal/boundaries/boundariestest"
	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/domain"
)

// TestNational reads the whole archive as it is and checks it against
// what its README and the upstream gaps say.
func TestNational(t *testing.T) {
	s := boundariestest.National(t)
	r := s.Report
	t.Logf("\n%s", r)
	if len(s.Kelurahans) != boundariestest.Kelurahans || r.Vertices != boundariestest.Vertices {
		t.Errorf("%d kelurahan with %d vertices, want %d with %d", len(s.Kelurahans), r.Vertices,
			boundariestest.Kelurahans, boundariestest.Vertices)
	}
	if len(s.Provinsis) != 38 || len(s.KabupatenKotas) != 514 || len(s.Kecamatans) != 7_277 {
		t.Errorf("%d provinsi, %d kabupaten/kota, %d kecamatan; want 38 (31 + 7 derived), 514 (507 + 7), 7,277 (7,275 + 2)",
			len(s.Provinsis), len(s.KabupatenKotas), len(s.Kecamatans))
	}
	if len(r.Refused) != 0 {
		t.Errorf("refused %v", r.Refused)
	}
	wantDerived := map[string][]string{
		"provinsi":       {"21", "53", "72", "81", "82", "92", "96"},
		"kabupaten/kota": {"21.04", "21.71", "72.11", "81.07", "82.04", "92.08", "96.03"},
		"kecamatan":      {"72.11.03", "96.03.06"},
	}
	for level, want := range wantDerived {
		if !slices.Equal(r.Derived[level], want) {
			t.Errorf("derived %s %v, want %v", level, r.Derived[level], want)
		}
	}
	if len(r.Unnamed) != 0 {
		t.Errorf("derived without a name: %v", r.Unnamed)
	}
	if !slices.Contains(r.Childless, "73.73") {
		t.Errorf("Kota Palopo (73.73, no kelurahan file upstream) is not reported: %v", r.Childless)
	}
	if len(r.EmptyFiles) != 1 || !strings.HasSuffix(r.EmptyFiles[0], "kel_92.03.geojson") {
		t.Errorf("empty files %v", r.EmptyFiles)
	}

	// The Kemendagri rules on the data: every "Kota …" is a KOTA, every
	// other a KABUPATEN; every kelurahan 1xxx, every desa 2xxx or 3xxx.
	for _, k := range s.KabupatenKotas {
		if strings.HasPrefix(k.Name, "Kota ") != (k.Kind == domain.KindKota) {
			t.Errorf("%s %s is a %s", k.Code, k.Name, k.Kind)
		}
	}
	jenis := map[domain.KelurahanJenis]int{}
	for _, k := range s.Kelurahans {
		jenis[k.Jenis]++
	}
	if jenis[domain.JenisKelurahan] != 8_411 || jenis[domain.JenisDesa] != 74_765+14 {
		t.Errorf("jenis %v", jenis)
	}
	for _, p := range s.Provinsis {
		if p.Derived != slices.Contains(wantDerived["provinsi"], p.Code) || p.AreaSqM <= 0 {
			t.Errorf("provinsi %s %s: derived %v, area %g", p.Code, p.Name, p.Derived, p.AreaSqM)
		}
	}
}

// TestBaubauAsEmbedded: the kelurahan of Kota Baubau read from the
// archive are exactly the embedded ones (same normalisation), and so is
// the shared Baubau file read alone.
func TestBaubauAsEmbedded(t *testing.T) {
	ds, err := dataset.Load(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, s *boundaries.Set) {
		var got []domain.Kelurahan
		for _, k := range s.Kelurahans {
			if strings.HasPrefix(k.Code, "74.72.") {
				got = append(got, k)
			}
		}
		if len(got) != len(ds.Kelurahans) {
			t.Fatalf("%s: %d Baubau kelurahan, want %d", name, len(got), len(ds.Kelurahans))
		}
		for i, want := range ds.Kelurahans {
			g := got[i]
			if g.Code != want.Code || g.Name != want.Name || g.Jenis != want.Jenis || g.Centroid != want.Centroid ||
				g.AreaSqM != want.AreaSqM || g.Bound != want.Bound || !orb.Equal(g.Geometry, want.Geometry) {
				t.Errorf("%s: %s %s differs from the embedded kelurahan", name, want.Code, want.Name)
			}
		}
	}
	const shared = "../../../shared/data/baubau-kelurahan.geojson"
	if _, err := os.Stat(shared); err == nil {
		one, err := boundaries.Read(shared, boundaries.Options{})
		if err != nil {
			t.Fatal(err)
		}
		check("baubau-kelurahan.geojson", one)
		if len(one.Kecamatans) != 8 || one.KabupatenKotas[0].Code != "74.72" || !one.Provinsis[0].Derived {
			t.Errorf("the Baubau file alone: %d kecamatan, %v", len(one.Kecamatans), one.Report.Derived)
		}
	}
	check("archive", boundariestest.National(t))
}
