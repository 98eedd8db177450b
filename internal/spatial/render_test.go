package spatial

import (
	"testing"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/geodesy"
)

func TestOrient(t *testing.T) {
	cwShell := orb.Ring{{0, 0}, {0, 4}, {4, 4}, {4, 0}, {0, 0}}
	ccwHole := orb.Ring{{1, 1}, {2, 1}, {2, 2}, {1, 2}, {1, 1}}
	cases := []struct {
		name string
		in   orb.Geometry
	}{
		{"clockwise polygon", orb.Polygon{cwShell.Clone()}},
		{"clockwise shell, counter-clockwise hole", orb.Polygon{cwShell.Clone(), ccwHole.Clone()}},
		{"already right", orb.Polygon{reversed(cwShell), reversed(ccwHole)}},
		{"multipolygon", orb.MultiPolygon{{cwShell.Clone()}, {reversed(cwShell)}}},
		{"collection", orb.Collection{orb.Polygon{cwShell.Clone()}, orb.Point{1, 2}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := orb.Clone(tc.in)
			got := Orient(tc.in)
			if !orb.Equal(tc.in, before) {
				t.Fatal("Orient modified its input")
			}
			checkRFC7946(t, got)
			if countVertices(got) != countVertices(tc.in) {
				t.Errorf("vertex count changed")
			}
		})
	}
	if Orient(nil) != nil {
		t.Error("Orient(nil) != nil")
	}
	if p := (orb.Point{1, 2}); Orient(p) != p {
		t.Error("Orient changed a point")
	}
}

func reversed(r orb.Ring) orb.Ring {
	c := r.Clone()
	c.Reverse()
	return c
}

// checkRFC7946 fails unless every shell of g is counter-clockwise and
// every hole clockwise.
func checkRFC7946(t *testing.T, g orb.Geometry) {
	t.Helper()
	var polys []orb.Polygon
	switch g := g.(type) {
	case orb.Polygon:
		polys = []orb.Polygon{g}
	case orb.MultiPolygon:
		polys = g
	case orb.Collection:
		for _, m := range g {
			checkRFC7946(t, m)
		}
	}
	for _, p := range polys {
		for i, r := range p {
			want := orb.CW
			if i == 0 {
				want = orb.CCW
			}
			if r.Orientation() != want {
				t.Errorf("ring %d has orientation %v, want %v", i, r.Orientation(), want)
			}
		}
	}
}

func TestRenderKelurahan(t *testing.T) {
	for _, k := range loadKelurahan(t) {
		if err := Validate("geometry", k.geometry); err != nil {
			t.Errorf("%s %s: source geometry refused: %v", k.kode, k.nama, err)
		}
		// From no simplification to a tolerance far larger than any
		// kelurahan: every result must stay valid and as many parts.
		for _, tol := range []float64{0, 5, 50, 500, 5000, 1e6} {
			before := orb.Clone(k.geometry)
			got := Render(k.geometry, tol, 6)
			if !orb.Equal(k.geometry, before) {
				t.Fatalf("%s: Render modified its input", k.kode)
			}
			if err := Validate("geometry", got); err != nil {
				t.Errorf("%s %s at %g m: rendered geometry is not valid: %v", k.kode, k.nama, tol, err)
			}
			checkRFC7946(t, got)
			if got.GeoJSONType() != k.geometry.GeoJSONType() || parts(got) != parts(k.geometry) {
				t.Errorf("%s at %g m: shape changed from %d %s parts to %d %s", k.kode, tol,
					parts(k.geometry), k.geometry.GeoJSONType(), parts(got), got.GeoJSONType())
			}
			if tol >= 50 && countVertices(got) >= countVertices(k.geometry) {
				t.Errorf("%s at %g m: nothing was simplified (%d vertices)", k.kode, tol, countVertices(got))
			}
		}
	}
}

func parts(g orb.Geometry) int {
	if mp, ok := g.(orb.MultiPolygon); ok {
		return len(mp)
	}
	return 1
}

func TestRender(t *testing.T) {
	line := orb.LineString{{122.6, -5.5}, {122.60001, -5.50001}, {122.6001, -5.5}, {122.62, -5.5}}
	loop := orb.LineString{{122.6, -5.5}, {122.6001, -5.5}, {122.6001, -5.4999}, {122.6, -5.5}}
	cases := []struct {
		name      string
		in        orb.Geometry
		tolerance float64
		precision int
		want      orb.Geometry
	}{
		{"point rounded", orb.Point{122.6123456789, -5.4987654321}, 0, 4, orb.Point{122.6123, -5.4988}},
		{"point not rounded", orb.Point{122.6123456789, -5.4987654321}, 0, -1, orb.Point{122.6123456789, -5.4987654321}},
		{"precision 0", orb.Point{122.6, -5.5}, 0, 0, orb.Point{123, -6}},
		{"huge precision leaves coordinates", orb.Point{122.6, -5.5}, 0, 400, orb.Point{122.6, -5.5}},
		{"multipoint rounded, not simplified", orb.MultiPoint{{1.26, 2.24}, {1.25, 2.25}}, 1e6, 1, orb.MultiPoint{{1.3, 2.2}, {1.3, 2.3}}},
		{"line simplified", line, 10, -1, orb.LineString{{122.6, -5.5}, {122.62, -5.5}}},
		{"line simplified and rounded", line, 10, 3, orb.LineString{{122.6, -5.5}, {122.62, -5.5}}},
		{"closed line keeps its shape", loop, 1e5, -1, loop},
		{"clockwise square is oriented", orb.Polygon{square}, 0, -1, orb.Polygon{reversed(square)}},
		{"square at a huge tolerance", orb.Polygon{square}, 1e6, -1, orb.Polygon{reversed(square)}},
		{"nil", nil, 10, 2, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var before orb.Geometry
			if tc.in != nil {
				before = orb.Clone(tc.in)
			}
			got := Render(tc.in, tc.tolerance, tc.precision)
			if !orb.Equal(got, tc.want) && !(got == nil && tc.want == nil) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			if tc.in != nil && !orb.Equal(tc.in, before) {
				t.Error("Render modified its input")
			}
		})
	}
}

func TestRenderKeepsCombsValid(t *testing.T) {
	// Combs: Douglas–Peucker at a tolerance near the teeth's length makes
	// rings cross themselves or collapse below 4 positions.
	comb := orb.Polygon{{{0, 0}, {0.001, 0.05}, {0.002, 0}, {0.003, 0.05}, {0.004, 0}, {0.004, -0.001}, {0, -0.001}, {0, 0}}}
	wide := orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0.9, 1}, {0.5, 0.02}, {0.1, 1}, {0, 1}, {0, 0}}}
	for _, p := range []orb.Polygon{comb, wide} {
		for _, tol := range []float64{1, 10, 100, 500, 1000, 2000, 5000, 20000, 1e5, 1e7} {
			got := Render(p, tol, 6)
			if err := Validate("g", got); err != nil {
				t.Errorf("%v at %g m: %v", p, tol, err)
			}
			checkRFC7946(t, got)
		}
	}
}

func TestRenderMultiPolygonPartsDoNotOverlap(t *testing.T) {
	// A square with a hole whose roof peaks at (2, 2.1), and an island in
	// the peak. Simplified alone, the square loses the peak and stays
	// valid; but then the island would lie in the square's solid part,
	// so together they must not be simplified that far.
	withHole := orb.Polygon{
		{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}},
		{{1, 1}, {3, 1}, {3, 2}, {2, 2.1}, {1, 2}, {1, 1}},
	}
	island := orb.Polygon{{{1.9, 2.02}, {2.1, 2.02}, {2, 2.07}, {1.9, 2.02}}}
	mp := orb.MultiPolygon{withHole, island}
	if err := Validate("g", mp); err != nil {
		t.Fatalf("test input invalid: %v", err)
	}
	metres := 0.15 / geodesy.MetresToDegrees(1, 2) // 0.15° at the shape's centre

	alone := Render(withHole, metres, -1).(orb.Polygon)
	if len(alone[1]) != 5 {
		t.Fatalf("the square alone should lose the peak of its hole: %v", alone[1])
	}
	got := Render(mp, metres, -1)
	if err := Validate("g", got); err != nil {
		t.Fatalf("rendered multipolygon invalid: %v", err)
	}
	if !Covers(orb.Polygon{got.(orb.MultiPolygon)[0][1]}, island) {
		t.Errorf("the island is no longer in the hole: %v", got)
	}
}
