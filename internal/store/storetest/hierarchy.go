package storetest

import (
	"slices"
	"testing"

	"github.com/serasi/serasi/internal/domain"
)

// testHierarchy: provinsi → kabupaten/kota → kecamatan → kelurahan, with
// the filters by each level, ordered by code, ENOTFOUND for unknown codes.
// The embedded data has one provinsi and one kota, both derived.
func testHierarchy(t *testing.T, su *suite) {
	ds := su.ds
	if len(ds.Provinsis) != 1 || ds.Provinsis[0].Code != "74" || !ds.Provinsis[0].Derived ||
		len(ds.KabupatenKotas) != 1 || ds.KabupatenKotas[0].Code != "74.72" || ds.KabupatenKotas[0].Kind != domain.KindKota {
		t.Fatalf("sample data: provinsi %v, kabupaten/kota %v; want 74 and Kota Baubau 74.72, derived", ds.Provinsis, ds.KabupatenKotas)
	}

	provs, err := su.s.Provinsis(su.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(provs) != len(ds.Provinsis) {
		t.Fatalf("Provinsis: %d, want %d", len(provs), len(ds.Provinsis))
	}
	for i, want := range ds.Provinsis {
		checkProvinsi(t, want, provs[i])
		got, err := su.s.Provinsi(su.ctx, want.Code)
		if err != nil {
			t.Errorf("Provinsi(%s): %v", want.Code, err)
			continue
		}
		checkProvinsi(t, want, got)
	}
	for _, code := range []string{"", "73", "74.72", "7", "\x00"} {
		_, err := su.s.Provinsi(su.ctx, code)
		t.Run("unknown provinsi "+code, func(t *testing.T) { wantCode(t, err, domain.ENOTFOUND) })
	}

	for _, tc := range []struct {
		name string
		f    domain.KabupatenKotaFilter
		want []string
	}{
		{"all", domain.KabupatenKotaFilter{}, []string{"74.72"}},
		{"by provinsi", domain.KabupatenKotaFilter{ProvinsiCode: "74"}, []string{"74.72"}},
		{"other provinsi", domain.KabupatenKotaFilter{ProvinsiCode: "73"}, nil},
	} {
		t.Run("KabupatenKotas/"+tc.name, func(t *testing.T) {
			got, err := su.s.KabupatenKotas(su.ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if got == nil || !slices.Equal(codesOf(got, func(k domain.KabupatenKota) string { return k.Code }), tc.want) {
				t.Fatalf("got %v, want %v (never nil)", codesOf(got, func(k domain.KabupatenKota) string { return k.Code }), tc.want)
			}
			for _, k := range got {
				checkKabupatenKota(t, ds.KabupatenKotas[0], k)
			}
		})
	}
	got, err := su.s.KabupatenKota(su.ctx, "74.72")
	if err != nil {
		t.Fatal(err)
	}
	checkKabupatenKota(t, ds.KabupatenKotas[0], got)
	for _, code := range []string{"", "74.71", "74", "74.72.02", "\x00"} {
		_, err := su.s.KabupatenKota(su.ctx, code)
		t.Run("unknown kabupaten/kota "+code, func(t *testing.T) { wantCode(t, err, domain.ENOTFOUND) })
	}

	allKec := codesOf(ds.Kecamatans, func(k domain.Kecamatan) string { return k.Code })
	for _, tc := range []struct {
		name string
		f    domain.KecamatanFilter
		want []string
	}{
		{"all", domain.KecamatanFilter{}, allKec},
		{"by provinsi", domain.KecamatanFilter{ProvinsiCode: "74"}, allKec},
		{"by kota", domain.KecamatanFilter{KabupatenKotaCode: "74.72"}, allKec},
		{"both", domain.KecamatanFilter{ProvinsiCode: "74", KabupatenKotaCode: "74.72"}, allKec},
		{"other kota", domain.KecamatanFilter{KabupatenKotaCode: "74.71"}, nil},
		{"contradiction", domain.KecamatanFilter{ProvinsiCode: "73", KabupatenKotaCode: "74.72"}, nil},
	} {
		t.Run("Kecamatans/"+tc.name, func(t *testing.T) {
			got, err := su.s.Kecamatans(su.ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if got == nil || !slices.Equal(codesOf(got, func(k domain.Kecamatan) string { return k.Code }), tc.want) {
				t.Fatalf("got %v, want %v (never nil)", codesOf(got, func(k domain.Kecamatan) string { return k.Code }), tc.want)
			}
			for i, k := range got {
				checkKecamatan(t, ds.Kecamatans[slices.Index(allKec, tc.want[i])], k)
			}
		})
	}

	// Kelurahan filters by the upper levels and by jenis, checked by brute
	// force over the dataset.
	kelWhere := func(keep func(domain.Kelurahan) bool) []string {
		var out []string
		for _, k := range ds.Kelurahans {
			if keep(k) {
				out = append(out, k.Code)
			}
		}
		return out
	}
	for _, tc := range []struct {
		name string
		f    domain.KelurahanFilter
		want []string
	}{
		{"provinsi", domain.KelurahanFilter{ProvinsiCode: "74"}, kelWhere(func(domain.Kelurahan) bool { return true })},
		{"other provinsi", domain.KelurahanFilter{ProvinsiCode: "73"}, nil},
		{"kota", domain.KelurahanFilter{KabupatenKotaCode: "74.72"}, kelWhere(func(domain.Kelurahan) bool { return true })},
		{"kota and kecamatan", domain.KelurahanFilter{KabupatenKotaCode: "74.72", KecamatanCode: "74.72.02"},
			kelWhere(func(k domain.Kelurahan) bool { return k.KecamatanCode == "74.72.02" })},
		{"kelurahan", domain.KelurahanFilter{Jenis: domain.JenisKelurahan}, kelWhere(func(k domain.Kelurahan) bool { return k.Jenis == domain.JenisKelurahan })},
		{"desa", domain.KelurahanFilter{Jenis: domain.JenisDesa}, nil},
	} {
		t.Run("Kelurahans/"+tc.name, func(t *testing.T) {
			got, err := su.s.Kelurahans(su.ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(kelurahanCodes(got), tc.want) {
				t.Fatalf("got %v, want %v", kelurahanCodes(got), tc.want)
			}
		})
	}
	for _, k := range ds.Kelurahans {
		if k.Jenis != domain.JenisKelurahan {
			t.Errorf("%s %s: jenis %q; every Baubau code is 1xxx, a kelurahan", k.Code, k.Name, k.Jenis)
		}
	}
	_, err = su.s.Kelurahans(su.ctx, domain.KelurahanFilter{Jenis: "KOTA"})
	t.Run("bad jenis", func(t *testing.T) { wantCode(t, err, domain.EINVALID) })
}

func codesOf[T any](xs []T, code func(T) string) []string {
	var out []string
	for _, x := range xs {
		out = append(out, code(x))
	}
	return out
}
