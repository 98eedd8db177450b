package servertest

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// coords flattens the positions of a GeoJSON Polygon or MultiPolygon.
func coords(t *testing.T, raw json.RawMessage) (typ string, pts [][2]float64) {
	t.Helper()
	var g struct {
		Type        string
		Coordinates json.RawMessage
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	switch g.Type {
	case "Polygon":
		var p [][][2]float64
		if err := json.Unmarshal(g.Coordinates, &p); err != nil {
			t.Fatal(err)
		}
		for _, r := range p {
			pts = append(pts, r...)
		}
	case "MultiPolygon":
		var mp [][][][2]float64
		if err := json.Unmarshal(g.Coordinates, &mp); err != nil {
			t.Fatal(err)
		}
		for _, p := range mp {
			for _, r := range p {
				pts = append(pts, r...)
			}
		}
	default:
		t.Fatalf("geometry type %q", g.Type)
	}
	return g.Type, pts
}

// signedArea is twice the planar signed area of a closed ring; positive is
// counter-clockwise.
func signedArea(r [][2]float64) float64 {
	a := 0.0
	for i := 0; i+1 < len(r); i++ {
		a += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return a
}

func testGeometry(t *testing.T, h *harness) {
	var out struct {
		Kelurahan struct {
			Full, Simple, Rounded, Both json.RawMessage
		}
	}
	// Kaisabu Baru has 212 vertices in the source data.
	h.query(t, `{ kelurahan(code: "74.72.03.1001") {
		full: geometry
		simple: geometry(simplify: 50)
		rounded: geometry(precision: 3)
		both: geometry(simplify: 100, precision: 4) } }`, nil, &out)
	k := out.Kelurahan
	_, full := coords(t, k.Full)
	_, simple := coords(t, k.Simple)
	_, rounded := coords(t, k.Rounded)
	_, both := coords(t, k.Both)
	if len(full) < 100 {
		t.Fatalf("full geometry has %d positions", len(full))
	}
	if len(simple) >= len(full) || len(simple) < 4 {
		t.Errorf("simplify 50 m keeps %d of %d positions", len(simple), len(full))
	}
	if len(both) > len(simple) {
		t.Errorf("simplify 100 m keeps more (%d) than 50 m (%d)", len(both), len(simple))
	}
	for _, c := range append(rounded, both...) {
		for _, v := range c {
			if s := strings.TrimRight(ftoa(v), "0"); strings.Contains(s, ".") && len(s)-strings.Index(s, ".")-1 > 4 {
				t.Fatalf("coordinate %v has more than the asked decimals", c)
			}
		}
	}
	if len(rounded) == 0 || math.Abs(rounded[0][0]-full[0][0]) > 0.0005 {
		t.Errorf("rounding moved a position too far: %v vs %v", rounded[0], full[0])
	}

	t.Run("exterior rings are counter-clockwise", func(t *testing.T) {
		var out struct {
			Kelurahans []struct {
				Code     string
				Geometry json.RawMessage
			}
		}
		h.query(t, `{ kelurahans { code geometry } }`, nil, &out)
		for _, k := range out.Kelurahans {
			var g struct {
				Type        string
				Coordinates json.RawMessage
			}
			_ = json.Unmarshal(k.Geometry, &g)
			var polys [][][][2]float64
			if g.Type == "Polygon" {
				var p [][][2]float64
				_ = json.Unmarshal(g.Coordinates, &p)
				polys = append(polys, p)
			} else {
				_ = json.Unmarshal(g.Coordinates, &polys)
			}
			for _, p := range polys {
				if signedArea(p[0]) <= 0 {
					t.Errorf("%s: an exterior ring is not counter-clockwise", k.Code)
				}
			}
		}
	})
	t.Run("project and kecamatan geometry", func(t *testing.T) {
		var out struct {
			Kecamatan struct{ Geometry json.RawMessage }
			Projects  struct {
				Edges []struct {
					Node struct{ Geometry struct{ Type string } }
				}
			}
		}
		h.query(t, `{ kecamatan(code: "74.72.02") { geometry(simplify: 20, precision: 5) }
			projects(first: 500) { edges { node { geometry(precision: 6) } } } }`, nil, &out)
		if typ, pts := coords(t, out.Kecamatan.Geometry); len(pts) < 4 {
			t.Errorf("kecamatan geometry %s with %d positions", typ, len(pts))
		}
		for _, e := range out.Projects.Edges {
			switch e.Node.Geometry.Type {
			case "Point", "LineString", "Polygon":
			default:
				t.Errorf("project geometry type %q", e.Node.Geometry.Type)
			}
		}
	})
}
