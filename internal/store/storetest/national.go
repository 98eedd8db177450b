package storetest

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/serasi/serasi/internal/boundaries"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// NationalHarness is what a store gives RunNationalImportTests: Open
// imports set into a store loaded with the embedded sample data (through
// the store's own import path) and returns it; Reimport imports set again
// into the same store and reports whether anything changed.
type NationalHarness interface {
	Open(t *testing.T, set *boundaries.Set) store.ReadWriter
	Reimport(t *testing.T, set *boundaries.Set) (changed bool)
}

// RunNationalImportTests imports the national boundaries (set, read from
// the archive) and checks the store answers from them: the whole
// hierarchy, Kota Baubau exactly as embedded (its conflict-prone marks
// kept), kelurahanAt anywhere, program records valid outside Baubau, and a
// second import that changes nothing.
func RunNationalImportTests(t *testing.T, set *boundaries.Set, h NationalHarness) {
	ctx := context.Background()
	ds := loadDataset(t)
	s := h.Open(t, set)

	provs, err := s.Provinsis(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(provs) != len(set.Provinsis) || len(provs) != 38 {
		t.Fatalf("Provinsis: %d, want the 38 of the set", len(provs))
	}
	for i, want := range set.Provinsis {
		checkProvinsi(t, want, provs[i])
	}
	kabs, err := s.KabupatenKotas(ctx, domain.KabupatenKotaFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(kabs) != len(set.KabupatenKotas) {
		t.Fatalf("KabupatenKotas: %d, want %d", len(kabs), len(set.KabupatenKotas))
	}
	for i, want := range set.KabupatenKotas {
		checkKabupatenKota(t, want, kabs[i])
	}
	batam, err := s.KabupatenKota(ctx, "21.71")
	if err != nil || batam.Name != "Kota Batam" || batam.Kind != domain.KindKota || !batam.Derived {
		t.Errorf("KabupatenKota(21.71): %s %s derived %v (%v); want Kota Batam, a KOTA derived from its kecamatan", batam.Name, batam.Kind, batam.Derived, err)
	}
	sultra, err := s.KabupatenKotas(ctx, domain.KabupatenKotaFilter{ProvinsiCode: "74"})
	if err != nil || len(sultra) != 17 {
		t.Errorf("KabupatenKotas(74): %d (%v), want the 17 of Sulawesi Tenggara", len(sultra), err)
	}
	kecs, err := s.Kecamatans(ctx, domain.KecamatanFilter{KabupatenKotaCode: "74.72"})
	if err != nil || len(kecs) != 8 {
		t.Fatalf("Kecamatans(74.72): %d (%v), want 8", len(kecs), err)
	}
	for _, k := range kecs {
		want := set.Kecamatans[slices.IndexFunc(set.Kecamatans, func(w domain.Kecamatan) bool { return w.Code == k.Code })]
		checkKecamatan(t, want, k)
	}

	// Kota Baubau as embedded, conflict-prone marks included.
	bau, err := s.Kelurahans(ctx, domain.KelurahanFilter{KabupatenKotaCode: "74.72"})
	if err != nil {
		t.Fatal(err)
	}
	if len(bau) != len(ds.Kelurahans) {
		t.Fatalf("Kelurahans(74.72): %d, want the %d embedded", len(bau), len(ds.Kelurahans))
	}
	for i, want := range ds.Kelurahans {
		checkKelurahan(t, want, bau[i])
	}
	want := 0
	for _, k := range set.Kelurahans {
		if strings.HasPrefix(k.Code, "31.") && k.Jenis == domain.JenisKelurahan {
			want++
		}
	}
	jakarta, err := s.Kelurahans(ctx, domain.KelurahanFilter{ProvinsiCode: "31", Jenis: domain.JenisKelurahan})
	if err != nil || len(jakarta) != want || want == 0 {
		t.Errorf("Kelurahans(31, KELURAHAN): %d (%v), want %d", len(jakarta), err, want)
	}

	for _, tc := range []struct {
		lon, lat float64
		code     string
	}{
		{106.8272, -6.1754, "31.71.01.1001"}, // Monas, Gambir
		{122.6077, -5.4560, "74.72.02.1001"}, // Wale, Baubau
	} {
		k, err := s.KelurahanAt(ctx, [2]float64{tc.lon, tc.lat})
		if err != nil || k.Code != tc.code {
			t.Errorf("KelurahanAt(%g, %g): %s (%v), want %s", tc.lon, tc.lat, k.Code, err, tc.code)
		}
	}
	if _, err := s.KelurahanAt(ctx, [2]float64{100, -20}); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("KelurahanAt in the Indian Ocean: %v, want ENOTFOUND", err)
	}

	// A forum and a project in Gambir, Jakarta: valid wherever the
	// kelurahan exists.
	gambir, err := s.Kelurahan(ctx, "31.71.01.1001")
	if err != nil {
		t.Fatal(err)
	}
	at, err := s.KelurahanAt(ctx, gambir.Centroid)
	if err != nil || at.Code != gambir.Code {
		t.Fatalf("Gambir's centroid is not in Gambir: %s %v", at.Code, err)
	}
	f, err := s.CreateForum(ctx, editor, domain.ForumInput{Name: "FKS Gambir", KelurahanCodes: []string{gambir.Code},
		YearFormed: 2022, Status: domain.ForumActive, MemberCount: 20, Secretariat: gambir.Centroid})
	if err != nil {
		t.Fatalf("a forum in Gambir: %v", err)
	}
	in := projectInput()
	in.Title, in.Geometry, in.ForumID = "Tugu keserasian Gambir", gambir.Centroid, f.ID
	p, err := s.CreateProject(ctx, editor, in)
	if err != nil || p.KelurahanCode != gambir.Code {
		t.Fatalf("a project in Gambir: %s %v", p.KelurahanCode, err)
	}

	if h.Reimport(t, set) {
		t.Error("importing the same boundaries again changed something")
	}
}
