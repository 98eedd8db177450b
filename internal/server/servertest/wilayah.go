package servertest

import (
	"slices"
	"testing"

	"github.com/serasi/serasi/graph/relay"
	"github.com/serasi/serasi/internal/domain"
)

// testWilayah: the levels above the kecamatan over GraphQL, answered from
// the store (the embedded data has Sulawesi Tenggara and Kota Baubau, both
// derived), and the new filters.
func testWilayah(t *testing.T, h *harness) {
	provs, err := h.store.Provinsis(h.ctx())
	if err != nil {
		t.Fatal(err)
	}
	kota, err := h.store.KabupatenKota(h.ctx(), "74.72")
	if err != nil {
		t.Fatal(err)
	}
	kecs, err := h.store.Kecamatans(h.ctx(), domain.KecamatanFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Provinsis []struct {
			ID, Code, Name string
			Derived        bool
			AreaSqM        float64
			Bbox           []float64
			Geometry       struct{ Type string }
			KabupatenKotas []struct {
				Code, Name, Kind string
				Provinsi         struct{ Code string }
			}
		}
		KabupatenKotas []struct{ Code string }
		Other          []struct{ Code string }
		Kota           *struct {
			Name    string
			Derived bool
		}
		Missing    *struct{ Name string }
		Provinsi   *struct{ Name string }
		Filtered   []struct{ Code string }
		Kelurahan  struct{ Jenis string }
		Desa       []struct{ Code string }
		Kelurahans []struct{ Code string }
	}
	// Two requests: nested lists cost their national bounds (38
	// kabupaten/kota per provinsi, 51 kecamatan per kabupaten/kota).
	var down struct {
		KabupatenKota struct {
			Kecamatans []struct {
				Code          string
				KabupatenKota struct{ Code string }
			}
		}
	}
	h.query(t, `{ kabupatenKota(code: "74.72") { kecamatans { code kabupatenKota { code } } } }`, nil, &down)
	h.query(t, `{
		provinsis { id code name derived areaSqM bbox geometry kabupatenKotas { code name kind provinsi { code } } }
		kabupatenKotas { code }
		other: kabupatenKotas(provinsiCode: "73") { code }
		kota: kabupatenKota(code: "74.72") { name derived }
		missing: kabupatenKota(code: "74.71") { name }
		provinsi(code: "74") { name }
		filtered: kecamatans(filter: {kabupatenKotaCode: "74.72"}) { code }
		kelurahan(code: "74.72.02.1001") { jenis }
		desa: kelurahans(filter: {jenis: DESA}) { code }
		kelurahans(filter: {provinsiCode: "74", kabupatenKotaCode: "74.72", jenis: KELURAHAN}) { code }
	}`, nil, &out)
	if len(out.Provinsis) != len(provs) || len(provs) != 1 {
		t.Fatalf("%d provinsi, store has %d; want Sulawesi Tenggara only", len(out.Provinsis), len(provs))
	}
	p := out.Provinsis[0]
	if p.Code != "74" || p.Name != provs[0].Name || !p.Derived || p.AreaSqM != provs[0].AreaSqM ||
		p.ID != relay.GlobalID(relay.TypeProvinsi, "74") || len(p.Bbox) != 4 || p.Geometry.Type == "" {
		t.Errorf("provinsi %+v, store %s %s derived %v", p, provs[0].Code, provs[0].Name, provs[0].Derived)
	}
	if len(p.KabupatenKotas) != 1 || p.KabupatenKotas[0].Code != "74.72" || p.KabupatenKotas[0].Kind != "KOTA" ||
		p.KabupatenKotas[0].Name != kota.Name || p.KabupatenKotas[0].Provinsi.Code != "74" {
		t.Fatalf("kabupatenKotas of 74: %+v", p.KabupatenKotas)
	}
	got := down.KabupatenKota.Kecamatans
	if len(got) != len(kecs) {
		t.Errorf("Kota Baubau lists %d kecamatan, want %d", len(got), len(kecs))
	}
	for i, k := range got {
		if k.Code != kecs[i].Code || k.KabupatenKota.Code != "74.72" {
			t.Errorf("kecamatan %d: %+v, want %s in 74.72", i, k, kecs[i].Code)
		}
	}
	if !slices.Equal(codesOf(out.KabupatenKotas, func(k struct{ Code string }) string { return k.Code }), []string{"74.72"}) || len(out.Other) != 0 {
		t.Errorf("kabupatenKotas %v, of 73 %v", out.KabupatenKotas, out.Other)
	}
	if out.Kota == nil || out.Kota.Name != "Kota Baubau" || !out.Kota.Derived || out.Missing != nil {
		t.Errorf("kabupatenKota(74.72) %+v, (74.71) %+v", out.Kota, out.Missing)
	}
	if out.Provinsi == nil || out.Provinsi.Name != "Sulawesi Tenggara" {
		t.Errorf("provinsi(74) %+v", out.Provinsi)
	}
	if len(out.Filtered) != len(kecs) || out.Kelurahan.Jenis != "KELURAHAN" || len(out.Desa) != 0 || len(out.Kelurahans) != 43 {
		t.Errorf("filtered kecamatan %d, Wale jenis %q, desa %d, kelurahan of 74.72 %d", len(out.Filtered), out.Kelurahan.Jenis, len(out.Desa), len(out.Kelurahans))
	}

	var node struct {
		A, B struct {
			Typename string `json:"__typename"`
			Code     string
		}
	}
	h.query(t, `query($a: ID!, $b: ID!) { a: node(id: $a) { __typename ... on Provinsi { code } }
		b: node(id: $b) { __typename ... on KabupatenKota { code } } }`,
		map[string]any{"a": relay.GlobalID(relay.TypeProvinsi, "74"), "b": relay.GlobalID(relay.TypeKabupatenKota, "74.72")}, &node)
	if node.A.Typename != "Provinsi" || node.A.Code != "74" || node.B.Typename != "KabupatenKota" || node.B.Code != "74.72" {
		t.Errorf("node: %+v", node)
	}
	h.queryError(t, `{ kelurahans(filter: {jenis: KOTA}) { code } }`, nil, "GRAPHQL_VALIDATION_FAILED")
}
