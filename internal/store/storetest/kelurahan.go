package storetest

import (
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
)

func testKecamatan(t *testing.T, su *suite) {
	got, err := su.s.Kecamatans(su.ctx, domain.KecamatanFilter{})
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
	ds, g := su.ds, su.g
	all := len(ds.Kelurahans)

	tests := []struct {
		name string
		f    domain.KelurahanFilter
		// bbox or intersects names the golden shape given as f.BBox or
		// f.Intersects.
		bbox, intersects string
		// some: the answer must be neither empty nor everything, so that a
		// store ignoring the filter fails.
		some bool
	}{
		{"no filter", domain.KelurahanFilter{}, "", "", false},
		{"kecamatan", domain.KelurahanFilter{KecamatanCode: "74.72.02"}, "", "", true},
		{"kecamatan unknown", domain.KelurahanFilter{KecamatanCode: "74.72.99"}, "", "", false},
		{"name contains", domain.KelurahanFilter{NameContains: "wa"}, "", "", true},
		{"name contains other case", domain.KelurahanFilter{NameContains: "KADOLO"}, "", "", true},
		{"name contains nothing", domain.KelurahanFilter{NameContains: "jakarta"}, "", "", false},
		{"bbox small", domain.KelurahanFilter{}, "box wale 0.002", "", true},
		{"bbox city", domain.KelurahanFilter{}, "box city", "", false},
		{"bbox sea", domain.KelurahanFilter{}, "box sea", "", false},
		{"bbox across borders", domain.KelurahanFilter{}, "box wale 0.01", "", true},
		{"bbox touching a vertex with its corner", domain.KelurahanFilter{}, "box touching the east-most vertex", "", true},
		{"bbox a hair from that vertex", domain.KelurahanFilter{}, "box just east of the east-most vertex", "", false},
		{"bbox touching a vertex with its edge", domain.KelurahanFilter{}, "box touching the north-most vertex", "", true},
		{"bbox a hair above that vertex", domain.KelurahanFilter{}, "box just north of the north-most vertex", "", false},
		{"intersects polygon", domain.KelurahanFilter{}, "", "polygon wale 0.004", true},
		{"intersects multipolygon", domain.KelurahanFilter{}, "", "kecamatan 74.72.06", true},
		{"intersects line", domain.KelurahanFilter{}, "", "line wale to the last centroid", true},
		{"intersects point", domain.KelurahanFilter{}, "", "point wale", true},
		{"intersects a box touching a vertex", domain.KelurahanFilter{}, "", "box touching the east-most vertex", true},
		{"conflict prone", domain.KelurahanFilter{ConflictProne: ptr(true)}, "", "", true},
		{"not conflict prone", domain.KelurahanFilter{ConflictProne: ptr(false)}, "", "", true},
		{"has active forum", domain.KelurahanFilter{HasForum: ptr(true)}, "", "", true},
		{"no active forum", domain.KelurahanFilter{HasForum: ptr(false)}, "", "", true},
		{"combined", domain.KelurahanFilter{KecamatanCode: "74.72.02", ConflictProne: ptr(true)}, "box city", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.f
			var sh *GoldenShape
			if tc.bbox != "" {
				sh = g.shape(t, tc.bbox)
				f.BBox = sh.Bound()
			}
			if tc.intersects != "" {
				sh = g.shape(t, tc.intersects)
				f.Intersects = sh.Geom()
			}
			want := expectKelurahansIn(t, ds, f, sh)
			if tc.some && (len(want) == 0 || len(want) == all) {
				t.Fatalf("test data: filter selects %d of %d kelurahan; pick a filter that selects some", len(want), all)
			}
			got, err := su.s.Kelurahans(su.ctx, f)
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
	ds, g := su.ds, su.g
	check := func(t *testing.T, gp GoldenPoint) {
		t.Helper()
		p, want := gp.P, lowest(gp.Covers)
		got, err := su.s.KelurahanAt(su.ctx, p)
		if want == "" {
			if domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Errorf("KelurahanAt(%v) (%s %s) = %s, %v; want ENOTFOUND", p, gp.Kind, gp.Name, got.Code, err)
			}
			return
		}
		if err != nil || got.Code != want {
			t.Errorf("KelurahanAt(%v) (%s %s, covered by %v) = %q, %v; want %s", p, gp.Kind, gp.Name, gp.Covers, got.Code, err, want)
		}
	}
	// each checks every golden point of a kind and that the file has
	// enough of them, with at least min covered by two or more kelurahan.
	each := func(t *testing.T, kind string, atLeast, shared int) {
		t.Helper()
		pts := g.pointsOf(kind)
		n := 0
		for _, p := range pts {
			if len(p.Covers) >= 2 {
				n++
			}
			check(t, p)
		}
		if len(pts) < atLeast || n < shared {
			t.Errorf("%s: %d %s points, %d of them shared; want at least %d and %d; regenerate it: %s", GoldenPath, len(pts), kind, n, atLeast, shared, GoldenCommand)
		}
	}

	t.Run("Wale", func(t *testing.T) {
		gp := g.point(t, "fact", "wale")
		if !slices.Equal(gp.Covers, []string{waleCode}) {
			t.Fatalf("test data: PostGIS puts Wale's point in %v", gp.Covers)
		}
		check(t, gp)
		got, err := su.s.KelurahanAt(su.ctx, walePoint)
		if err == nil {
			checkKelurahan(t, mustKelurahan(t, su, waleCode), got)
		}
	})
	t.Run("sea", func(t *testing.T) {
		for _, name := range []string{"strait", "south-west sea", "null island", "jakarta"} {
			gp := g.point(t, "fact", name)
			if len(gp.Covers) != 0 {
				t.Errorf("test data: sea point %s lies in %v", name, gp.Covers)
			}
			check(t, gp)
		}
	})
	t.Run("invalid", func(t *testing.T) {
		for _, p := range []orb.Point{{math.NaN(), -5.4}, {122.6, math.NaN()}, {math.Inf(1), 0}, {181, -5.4}, {-180.5, 0}, {122.6, -90.01}, {122.6, 91}} {
			_, err := su.s.KelurahanAt(su.ctx, p)
			wantCode(t, err, domain.EINVALID)
		}
	})
	t.Run("well inside every kelurahan", func(t *testing.T) {
		found := map[string]bool{}
		for _, p := range g.pointsOf("inscribed") {
			found[p.Name] = true
			check(t, p)
		}
		for _, k := range ds.Kelurahans {
			if !found[k.Code] {
				t.Errorf("%s: no point well inside %s; regenerate it: %s", GoldenPath, k.Code, GoldenCommand)
			}
		}
	})
	// On the boundary is inside, and where two polygons share a vertex or
	// an edge, the lowest code wins.
	t.Run("on a vertex", func(t *testing.T) { each(t, "vertex", 1000, 100) })
	t.Run("on an edge", func(t *testing.T) { each(t, "edge", 100, 50) })
	t.Run("overlaps go to the lowest code", func(t *testing.T) { each(t, "overlap", 100, 100) })
	t.Run("gaps between neighbours", func(t *testing.T) { each(t, "gap", 50, 0) })
	t.Run("grid over the city", func(t *testing.T) {
		pts := g.pointsOf("grid")
		found := 0
		for _, p := range pts {
			if len(p.Covers) > 0 {
				found++
			}
			check(t, p)
		}
		if found == 0 || found == len(pts) {
			t.Errorf("test data: grid has %d points on land of %d", found, len(pts))
		}
	})
	t.Run("projects lie in their kelurahan", func(t *testing.T) {
		// A project's kelurahan is the one at its first position: the data
		// set's own records agree with PostGIS, so the stores' answers,
		// compared with those records, are checked too.
		for _, p := range g.pointsOf("project") {
			pr := slices.IndexFunc(ds.Projects, func(x domain.Project) bool { return x.ID == p.Name })
			if pr < 0 {
				t.Errorf("%s: unknown project %s", GoldenPath, p.Name)
				continue
			}
			if want := lowest(p.Covers); ds.Projects[pr].KelurahanCode != want {
				t.Errorf("test data: project %s is in %s, but PostGIS puts its first position %v in %v", p.Name, ds.Projects[pr].KelurahanCode, p.P, p.Covers)
			}
			check(t, p)
		}
	})
}
