package servertest

import (
	"encoding/json"
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
)

func codesOf[T any](items []T, code func(T) string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = code(it)
	}
	return out
}

func testKecamatan(t *testing.T, h *harness) {
	want, err := h.store.Kecamatans(h.ctx(), domain.KecamatanFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Kecamatans []struct {
			ID, Code, Name string
			AreaSqM        float64
			Geometry       struct{ Type string }
			Kelurahan      []struct{ Code string }
		}
	}
	h.query(t, `{ kecamatans { id code name areaSqM geometry kelurahan { code } } }`, nil, &out)
	if len(out.Kecamatans) != 8 || len(want) != 8 {
		t.Fatalf("%d kecamatan, store has %d; Kota Baubau has 8", len(out.Kecamatans), len(want))
	}
	total := 0
	for i, k := range out.Kecamatans {
		if k.Code != want[i].Code || k.Name != want[i].Name || k.AreaSqM != want[i].AreaSqM {
			t.Errorf("kecamatan %d = %s %s %g, want %s %s %g", i, k.Code, k.Name, k.AreaSqM, want[i].Code, want[i].Name, want[i].AreaSqM)
		}
		if k.Geometry.Type != "Polygon" && k.Geometry.Type != "MultiPolygon" {
			t.Errorf("%s geometry type %q", k.Code, k.Geometry.Type)
		}
		for _, kel := range k.Kelurahan {
			if domain.KecamatanCodeOf(kel.Code) != k.Code {
				t.Errorf("kecamatan %s lists kelurahan %s", k.Code, kel.Code)
			}
		}
		total += len(k.Kelurahan)
	}
	if total != 43 {
		t.Errorf("the kecamatan list %d kelurahan in all, want 43", total)
	}

	var page struct{ Kecamatans, Rest []struct{ Code string } }
	h.query(t, `{ kecamatans(first: 3) { code } rest: kecamatans(after: "74.72.03") { code } }`, nil, &page)
	if got := codesOf(page.Kecamatans, func(k struct{ Code string }) string { return k.Code }); !slices.Equal(got, codesOf(want[:3], func(k domain.Kecamatan) string { return k.Code })) {
		t.Errorf("kecamatans(first: 3): %v", got)
	}
	if got := codesOf(page.Rest, func(k struct{ Code string }) string { return k.Code }); !slices.Equal(got, codesOf(want[3:], func(k domain.Kecamatan) string { return k.Code })) {
		t.Errorf("kecamatans(after: 74.72.03): %v, want the %d after it", got, len(want)-3)
	}

	var one struct {
		Kecamatan *struct{ Name string }
		Unknown   *struct{ Name string }
	}
	h.query(t, `{ kecamatan(code: "74.72.02") { name } unknown: kecamatan(code: "74.72.99") { name } }`, nil, &one)
	if one.Kecamatan == nil || one.Kecamatan.Name != "Wolio" {
		t.Errorf("kecamatan 74.72.02 = %+v, want Wolio", one.Kecamatan)
	}
	if one.Unknown != nil {
		t.Errorf("unknown kecamatan = %+v, want null", one.Unknown)
	}
}

type kelurahanJSON struct {
	ID, Code, Name string
	Kecamatan      struct{ Code string }
	Centroid       struct {
		Type        string
		Coordinates []float64
	}
	Bbox          []float64
	AreaSqM       float64
	ConflictProne bool
	Forums        []struct{ ForumID string }
}

func testKelurahan(t *testing.T, h *harness) {
	const fields = `id code name kecamatan { code } centroid bbox areaSqM conflictProne forums { forumId }`
	t.Run("one", func(t *testing.T) {
		want, err := h.store.Kelurahan(h.ctx(), "74.72.02.1001")
		if err != nil {
			t.Fatal(err)
		}
		var out struct{ Kelurahan, Unknown *kelurahanJSON }
		h.query(t, `{ kelurahan(code: "74.72.02.1001") { `+fields+` } unknown: kelurahan(code: "nope") { code } }`, nil, &out)
		k := out.Kelurahan
		if k == nil || k.Name != "Wale" || k.Kecamatan.Code != "74.72.02" || k.AreaSqM != want.AreaSqM || k.ConflictProne != want.ConflictProne {
			t.Fatalf("kelurahan = %+v, want Wale of 74.72.02 like %+v", k, want)
		}
		if k.Centroid.Type != "Point" || !slices.Equal(k.Centroid.Coordinates, []float64{want.Centroid[0], want.Centroid[1]}) {
			t.Errorf("centroid = %+v, want %v", k.Centroid, want.Centroid)
		}
		if !slices.Equal(k.Bbox, []float64{want.Bound.Min[0], want.Bound.Min[1], want.Bound.Max[0], want.Bound.Max[1]}) {
			t.Errorf("bbox = %v, want %v", k.Bbox, want.Bound)
		}
		forums, err := h.store.Forums(h.ctx(), domain.ForumFilter{KelurahanCode: want.Code})
		if err != nil {
			t.Fatal(err)
		}
		if got := codesOf(k.Forums, func(f struct{ ForumID string }) string { return f.ForumID }); !slices.Equal(got, codesOf(forums, func(f domain.Forum) string { return f.ID })) {
			t.Errorf("forums = %v, want %v", got, forums)
		}
		if out.Unknown != nil {
			t.Errorf("unknown kelurahan = %+v, want null", out.Unknown)
		}
	})

	wale, err := h.store.Kelurahan(h.ctx(), "74.72.02.1001")
	if err != nil {
		t.Fatal(err)
	}
	yes, no := true, false
	ring := func(b orb.Bound) map[string]any {
		return map[string]any{"type": "Polygon", "coordinates": [][][]float64{{
			{b.Min[0], b.Min[1]}, {b.Max[0], b.Min[1]}, {b.Max[0], b.Max[1]}, {b.Min[0], b.Max[1]}, {b.Min[0], b.Min[1]},
		}}}
	}
	small := orb.Bound{Min: orb.Point{wale.Centroid[0] - 0.0005, wale.Centroid[1] - 0.0005}, Max: orb.Point{wale.Centroid[0] + 0.0005, wale.Centroid[1] + 0.0005}}
	tests := []struct {
		name   string
		filter map[string]any
		want   domain.KelurahanFilter
	}{
		{"none", nil, domain.KelurahanFilter{}},
		{"kecamatanCode", map[string]any{"kecamatanCode": "74.72.02"}, domain.KelurahanFilter{KecamatanCode: "74.72.02"}},
		{"nameContains", map[string]any{"nameContains": "WAL"}, domain.KelurahanFilter{NameContains: "WAL"}},
		{"bbox", map[string]any{"bbox": []float64{122.60, -5.47, 122.62, -5.45}},
			domain.KelurahanFilter{BBox: &orb.Bound{Min: orb.Point{122.60, -5.47}, Max: orb.Point{122.62, -5.45}}}},
		{"intersects", map[string]any{"intersects": ring(small)}, domain.KelurahanFilter{Intersects: orb.Polygon{orb.Ring{
			{small.Min[0], small.Min[1]}, {small.Max[0], small.Min[1]}, {small.Max[0], small.Max[1]}, {small.Min[0], small.Max[1]}, {small.Min[0], small.Min[1]}}}}},
		{"conflictProne true", map[string]any{"conflictProne": true}, domain.KelurahanFilter{ConflictProne: &yes}},
		{"conflictProne false", map[string]any{"conflictProne": false}, domain.KelurahanFilter{ConflictProne: &no}},
		{"hasForum true", map[string]any{"hasForum": true}, domain.KelurahanFilter{HasForum: &yes}},
		{"hasForum false", map[string]any{"hasForum": false}, domain.KelurahanFilter{HasForum: &no}},
	}
	for _, tc := range tests {
		t.Run("kelurahans "+tc.name, func(t *testing.T) {
			want, err := h.store.Kelurahans(h.ctx(), tc.want)
			if err != nil {
				t.Fatal(err)
			}
			var out struct{ Kelurahans []kelurahanJSON }
			h.query(t, `query($f: KelurahanFilter) { kelurahans(filter: $f) { code } }`, map[string]any{"f": tc.filter}, &out)
			got := codesOf(out.Kelurahans, func(k kelurahanJSON) string { return k.Code })
			if !slices.Equal(got, codesOf(want, func(k domain.Kelurahan) string { return k.Code })) {
				t.Errorf("got %v\nwant %v", got, codesOf(want, func(k domain.Kelurahan) string { return k.Code }))
			}
			if tc.filter != nil && (len(got) == 0 || len(got) == 43) {
				t.Errorf("filter %v keeps %d of 43 kelurahan: it tests nothing", tc.filter, len(got))
			}
		})
	}
	t.Run("kelurahans in pages", func(t *testing.T) {
		all, err := h.store.Kelurahans(h.ctx(), domain.KelurahanFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		after := any(nil)
		for range 10 {
			var out struct{ Kelurahans []kelurahanJSON }
			h.query(t, `query($a: String) { kelurahans(first: 10, after: $a) { code } }`, map[string]any{"a": after}, &out)
			for _, k := range out.Kelurahans {
				got = append(got, k.Code)
			}
			if len(out.Kelurahans) < 10 {
				break
			}
			after = out.Kelurahans[9].Code
		}
		if want := codesOf(all, func(k domain.Kelurahan) string { return k.Code }); !slices.Equal(got, want) {
			t.Errorf("pages of 10: %v\nwant %v", got, want)
		}
	})
	t.Run("intersects as a JSON string", func(t *testing.T) {
		b, _ := json.Marshal(ring(small))
		var out struct{ Kelurahans []kelurahanJSON }
		h.query(t, `query($g: GeoJSON) { kelurahans(filter: {intersects: $g}) { code } }`, map[string]any{"g": string(b)}, &out)
		if !slices.ContainsFunc(out.Kelurahans, func(k kelurahanJSON) bool { return k.Code == wale.Code }) {
			t.Errorf("got %v, want Wale among them", out.Kelurahans)
		}
	})
	t.Run("intersects as a literal", func(t *testing.T) {
		var out struct{ Kelurahans []kelurahanJSON }
		c := wale.Centroid
		q := `{ kelurahans(filter: {intersects: {type: "Point", coordinates: [` + ftoa(c[0]) + `, ` + ftoa(c[1]) + `]}}) { code } }`
		h.query(t, q, nil, &out)
		if len(out.Kelurahans) != 1 || out.Kelurahans[0].Code != wale.Code {
			t.Errorf("got %v, want [Wale]", out.Kelurahans)
		}
	})
}

func ftoa(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}

func testKelurahanAt(t *testing.T, h *harness) {
	tests := []struct {
		name     string
		lon, lat float64
		want     string // "" for null
	}{
		{"Wale", 122.6077, -5.4560, "74.72.02.1001"},
		{"the strait between Buton and Muna", 122.60, -5.42, ""},
		{"the sea south-west of the city", 122.5, -5.6, ""},
		{"far away", 0, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out struct{ KelurahanAt *struct{ Code, Name string } }
			h.query(t, `query($lon: Float!, $lat: Float!) { kelurahanAt(lon: $lon, lat: $lat) { code name } }`,
				map[string]any{"lon": tc.lon, "lat": tc.lat}, &out)
			switch {
			case tc.want == "" && out.KelurahanAt != nil:
				t.Errorf("got %+v, want null", out.KelurahanAt)
			case tc.want != "" && (out.KelurahanAt == nil || out.KelurahanAt.Code != tc.want):
				t.Errorf("got %+v, want %s", out.KelurahanAt, tc.want)
			}
		})
	}
	for _, bad := range []struct{ lon, lat float64 }{{122.6, 91}, {181, -5.4}, {-180.0001, 0}, {1e300, -1e300}, {math.MaxFloat64, 0}} {
		h.queryError(t, `query($lon: Float!, $lat: Float!) { kelurahanAt(lon: $lon, lat: $lat) { code } }`,
			map[string]any{"lon": bad.lon, "lat": bad.lat}, "BAD_USER_INPUT")
	}
}
