package storetest

import (
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
)

func testKecamatan(t *testing.T, su *suite) {
	got, err := su.s.Kecamatans(su.ctx)
	if err != nil {
		t.Fatalf("Kecamatans: %v", err)
	}
	if len(got) != len(su.ds.Kecamatans) || len(got) != 8 {
		t.Fatalf("Kecamatans: %d, want %d (8 in Kota Baubau)", len(got), len(su.ds.Kecamatans))
	}
	for i, want := range su.ds.Kecamatans {
		checkKecamatan(t, want, got[i])
	}
	for _, want := range su.ds.Kecamatans {
		got, err := su.s.Kecamatan(su.ctx, want.Code)
		if err != nil {
			t.Errorf("Kecamatan(%s): %v", want.Code, err)
			continue
		}
		checkKecamatan(t, want, got)
	}
	for _, code := range []string{"", "74.72.09", "74.72.02.1001", "74.72.2"} {
		_, err := su.s.Kecamatan(su.ctx, code)
		t.Run("unknown "+code, func(t *testing.T) { wantCode(t, err, domain.ENOTFOUND) })
	}
}

func testKelurahan(t *testing.T, su *suite) {
	if len(su.ds.Kelurahans) != 43 {
		t.Errorf("sample data has %d kelurahan, want the 43 of Kota Baubau", len(su.ds.Kelurahans))
	}
	for _, want := range su.ds.Kelurahans {
		got, err := su.s.Kelurahan(su.ctx, want.Code)
		if err != nil {
			t.Errorf("Kelurahan(%s): %v", want.Code, err)
			continue
		}
		checkKelurahan(t, want, got)
	}
	for _, code := range []string{"", "74.72.02.1099", "74.72.02", "wale"} {
		_, err := su.s.Kelurahan(su.ctx, code)
		t.Run("unknown "+code, func(t *testing.T) { wantCode(t, err, domain.ENOTFOUND) })
	}

	ks := su.ds.Kelurahans
	tests := []struct {
		name  string
		codes []string
		want  []string
	}{
		{"empty", nil, nil},
		{"one", []string{ks[5].Code}, []string{ks[5].Code}},
		{"request order kept", []string{ks[9].Code, ks[2].Code, ks[30].Code}, []string{ks[9].Code, ks[2].Code, ks[30].Code}},
		{"unknown skipped", []string{"74.72.09.1001", ks[1].Code, "", ks[0].Code}, []string{ks[1].Code, ks[0].Code}},
		{"only unknown", []string{"nope"}, nil},
	}
	for _, tc := range tests {
		t.Run("ByCodes/"+tc.name, func(t *testing.T) {
			got, err := su.s.KelurahansByCodes(su.ctx, tc.codes)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(kelurahanCodes(got), tc.want) {
				t.Fatalf("got %v, want %v", kelurahanCodes(got), tc.want)
			}
			for _, k := range got {
				want, _ := su.ds.Kelurahan(k.Code)
				checkKelurahan(t, want, k)
			}
		})
	}
}

func testKelurahans(t *testing.T, su *suite) {
	ds := su.ds
	wellInsideWale, _ := wellInside(ds, mustKelurahan(t, su, waleCode))
	lastKel := ds.Kelurahans[len(ds.Kelurahans)-1]
	box := func(c orb.Point, d float64) *orb.Bound {
		return &orb.Bound{Min: orb.Point{c[0] - d, c[1] - d}, Max: orb.Point{c[0] + d, c[1] + d}}
	}
	kec06 := mustKecamatan(t, su, "74.72.06")
	all := len(ds.Kelurahans)

	tests := []struct {
		name string
		f    domain.KelurahanFilter
		// some: the answer must be neither empty nor everything, so that a
		// store ignoring the filter fails.
		some bool
	}{
		{"no filter", domain.KelurahanFilter{}, false},
		{"kecamatan", domain.KelurahanFilter{KecamatanCode: "74.72.02"}, true},
		{"kecamatan unknown", domain.KelurahanFilter{KecamatanCode: "74.72.99"}, false},
		{"name contains", domain.KelurahanFilter{NameContains: "wa"}, true},
		{"name contains other case", domain.KelurahanFilter{NameContains: "KADOLO"}, true},
		{"name contains nothing", domain.KelurahanFilter{NameContains: "jakarta"}, false},
		{"bbox small", domain.KelurahanFilter{BBox: box(wellInsideWale, 0.002)}, true},
		{"bbox city", domain.KelurahanFilter{BBox: ptr(cityBound(ds))}, false},
		{"bbox sea", domain.KelurahanFilter{BBox: box(southWestSea, 0.01)}, false},
		{"bbox across borders", domain.KelurahanFilter{BBox: box(walePoint, 0.01)}, true},
		{"intersects polygon", domain.KelurahanFilter{Intersects: box(walePoint, 0.004).ToPolygon()}, true},
		{"intersects multipolygon", domain.KelurahanFilter{Intersects: kec06.Geometry}, true},
		{"intersects line", domain.KelurahanFilter{Intersects: orb.LineString{walePoint, lastKel.Centroid}}, true},
		{"intersects point", domain.KelurahanFilter{Intersects: wellInsideWale}, true},
		{"conflict prone", domain.KelurahanFilter{ConflictProne: ptr(true)}, true},
		{"not conflict prone", domain.KelurahanFilter{ConflictProne: ptr(false)}, true},
		{"has active forum", domain.KelurahanFilter{HasForum: ptr(true)}, true},
		{"no active forum", domain.KelurahanFilter{HasForum: ptr(false)}, true},
		{"combined", domain.KelurahanFilter{KecamatanCode: "74.72.02", ConflictProne: ptr(true), BBox: ptr(cityBound(ds))}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := expectKelurahans(ds, tc.f)
			if tc.some && (len(want) == 0 || len(want) == all) {
				t.Fatalf("test data: filter selects %d of %d kelurahan; pick a filter that selects some", len(want), all)
			}
			got, err := su.s.Kelurahans(su.ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(kelurahanCodes(got), want) {
				t.Fatalf("got %v\nwant %v", kelurahanCodes(got), want)
			}
			for _, k := range got {
				w, _ := ds.Kelurahan(k.Code)
				checkKelurahan(t, w, k)
			}
		})
	}
	if got := expectKelurahans(ds, domain.KelurahanFilter{Intersects: wellInsideWale}); !slices.Equal(got, []string{waleCode}) {
		t.Errorf("test data: a point well inside Wale intersects %v", got)
	}

	invalid := []struct {
		name string
		f    domain.KelurahanFilter
	}{
		{"bbox min above max", domain.KelurahanFilter{BBox: &orb.Bound{Min: orb.Point{122.7, -5.4}, Max: orb.Point{122.6, -5.5}}}},
		{"bbox NaN", domain.KelurahanFilter{BBox: &orb.Bound{Min: orb.Point{math.NaN(), -5.5}, Max: orb.Point{122.6, -5.4}}}},
		{"bbox out of range", domain.KelurahanFilter{BBox: &orb.Bound{Min: orb.Point{122.6, -95}, Max: orb.Point{122.7, -5.4}}}},
	}
	for _, tc := range invalid {
		t.Run("invalid/"+tc.name, func(t *testing.T) {
			_, err := su.s.Kelurahans(su.ctx, tc.f)
			wantCode(t, err, domain.EINVALID)
		})
	}
}

func mustKelurahan(t *testing.T, su *suite, code string) domain.Kelurahan {
	t.Helper()
	k, ok := su.ds.Kelurahan(code)
	if !ok {
		t.Fatalf("sample data has no kelurahan %s", code)
	}
	return k
}

func mustKecamatan(t *testing.T, su *suite, code string) domain.Kecamatan {
	t.Helper()
	for _, k := range su.ds.Kecamatans {
		if k.Code == code {
			return k
		}
	}
	t.Fatalf("sample data has no kecamatan %s", code)
	return domain.Kecamatan{}
}

func testKelurahanAt(t *testing.T, su *suite) {
	ds := su.ds
	check := func(t *testing.T, p orb.Point, want string) {
		t.Helper()
		got, err := su.s.KelurahanAt(su.ctx, p)
		if want == "" {
			if domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Errorf("KelurahanAt(%v) = %s, %v; want ENOTFOUND", p, got.Code, err)
			}
			return
		}
		if err != nil || got.Code != want {
			t.Errorf("KelurahanAt(%v) = %q, %v; want %s", p, got.Code, err, want)
		}
	}

	t.Run("Wale", func(t *testing.T) {
		check(t, walePoint, waleCode)
		got, err := su.s.KelurahanAt(su.ctx, walePoint)
		if err == nil {
			checkKelurahan(t, mustKelurahan(t, su, waleCode), got)
		}
	})
	t.Run("sea", func(t *testing.T) {
		for _, p := range []orb.Point{straitPoint, southWestSea, {0, 0}, {106.8, -6.2}} {
			if c := expectKelurahanAt(ds, p); c != "" {
				t.Errorf("test data: sea point %v lies in %s", p, c)
			}
			check(t, p, "")
		}
	})
	t.Run("invalid", func(t *testing.T) {
		for _, p := range []orb.Point{{math.NaN(), -5.4}, {122.6, math.NaN()}, {math.Inf(1), 0}, {181, -5.4}, {-180.5, 0}, {122.6, -90.01}, {122.6, 91}} {
			_, err := su.s.KelurahanAt(su.ctx, p)
			wantCode(t, err, domain.EINVALID)
		}
	})
	t.Run("well inside every kelurahan", func(t *testing.T) {
		for _, k := range ds.Kelurahans {
			p, clear := wellInside(ds, k)
			if clear < 20 {
				t.Errorf("test data: best point inside %s is only %.1f m from a border", k.Code, clear)
				continue
			}
			check(t, p, k.Code)
		}
	})
	t.Run("overlaps go to the lowest code", func(t *testing.T) {
		pts := overlapPoints(ds, 200)
		if len(pts) == 0 {
			t.Fatal("test data: found no point where two kelurahan overlap; the source has slivers")
		}
		for _, p := range pts {
			check(t, p, expectKelurahanAt(ds, p))
		}
	})
	t.Run("grid over the city", func(t *testing.T) {
		b := cityBound(ds)
		const n = 40
		found, missed := 0, 0
		for i := 0; i <= n; i++ {
			for j := 0; j <= n; j++ {
				p := orb.Point{b.Min[0] + (b.Max[0]-b.Min[0])*float64(i)/n, b.Min[1] + (b.Max[1]-b.Min[1])*float64(j)/n}
				want := expectKelurahanAt(ds, p)
				if want == "" {
					missed++
				} else {
					found++
				}
				check(t, p, want)
			}
		}
		if found == 0 || missed == 0 {
			t.Errorf("test data: grid has %d points on land and %d in the sea", found, missed)
		}
	})
}
