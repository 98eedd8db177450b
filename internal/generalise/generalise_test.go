package generalise_test

import (
	"math"
	"testing"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/generalise"
)

// circle is a counter-clockwise ring of n positions around c, radius r degrees.
func circle(c orb.Point, r float64, n int) orb.Ring {
	ring := make(orb.Ring, 0, n+1)
	for i := 0; i < n; i++ {
		a := 2 * math.Pi * float64(i) / float64(n)
		ring = append(ring, orb.Point{c[0] + r*math.Cos(a), c[1] + r*math.Sin(a)})
	}
	return append(ring, ring[0])
}

func reversed(r orb.Ring) orb.Ring {
	r = r.Clone()
	r.Reverse()
	return r
}

func TestBandIndex(t *testing.T) {
	for _, tc := range []struct{ z, want int }{{0, 0}, {4, 0}, {5, 0}, {6, 1}, {7, 1}, {8, 2}, {9, 2}, {10, 3}, {11, 3}, {12, 4}, {14, 4}, {22, 4}} {
		if got := generalise.BandIndex(tc.z); got != tc.want {
			t.Errorf("BandIndex(%d) = %d, want %d", tc.z, got, tc.want)
		}
	}
}

func TestSimplify(t *testing.T) {
	const tol = 0.01
	big := circle(orb.Point{122.6, -5.4}, 0.2, 400)
	tinyHole := reversed(circle(orb.Point{122.6, -5.4}, 0.002, 12))
	bigHole := reversed(circle(orb.Point{122.6, -5.4}, 0.1, 200))
	island := circle(orb.Point{123.2, -5.4}, 0.003, 12)
	for _, tc := range []struct {
		name                   string
		in                     orb.Geometry
		parts, holes           int // in the result
		droppedHoles, droppedP int
		maxVertices            int
	}{
		{name: "polygon keeps a big hole, drops a tiny one", in: orb.Polygon{big, bigHole, tinyHole}, parts: 1, holes: 1, droppedHoles: 1, maxVertices: 80},
		{name: "multipolygon drops a tiny island", in: orb.MultiPolygon{{island}, {big}}, parts: 1, droppedP: 1, maxVertices: 40},
		{name: "a tiny kelurahan is kept", in: orb.Polygon{island}, parts: 1, maxVertices: 13},
		{name: "a tiny kelurahan of tiny islands keeps its largest", in: orb.MultiPolygon{{circle(orb.Point{120, 0}, 0.001, 8)}, {island}}, parts: 1, droppedP: 1, maxVertices: 13},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := vertices(tc.in)
			out, st := generalise.Simplify(tc.in, tol)
			if !generalise.Valid(out) || !ccw(out) {
				t.Fatalf("result is invalid or not counter-clockwise: %v", out)
			}
			parts, holes := 0, 0
			switch g := out.(type) {
			case orb.Polygon:
				parts, holes = 1, len(g)-1
			case orb.MultiPolygon:
				parts = len(g)
				for _, p := range g {
					holes += len(p) - 1
				}
			}
			if parts != tc.parts || holes != tc.holes {
				t.Errorf("%d parts and %d holes, want %d and %d", parts, holes, tc.parts, tc.holes)
			}
			if st.DroppedHoles != tc.droppedHoles || st.DroppedParts != tc.droppedP {
				t.Errorf("stats %+v, want %d dropped holes and %d dropped parts", st, tc.droppedHoles, tc.droppedP)
			}
			if n := vertices(out); n > tc.maxVertices || n > before {
				t.Errorf("%d vertices (from %d), want at most %d", n, before, tc.maxVertices)
			}
			if vertices(tc.in) != before {
				t.Error("Simplify changed its input")
			}
		})
	}
}

// TestSimplifyKeepsValidity: a shape that Douglas–Peucker at the band
// tolerance would make self-intersecting (a thin inlet whose sides are
// closer than the tolerance) comes out valid.
func TestSimplifyKeepsValidity(t *testing.T) {
	// A U shape: two long arms 0.004° apart, each with a kink of 0.006°
	// toward the other, so that simplification straightening a kink may
	// cross the other arm.
	u := orb.Ring{
		{0, 0}, {1, 0}, {1, 1}, {0.502, 1}, {0.502, 0.5}, {0.5045, 0.3}, {0.502, 0.1},
		{0.498, 0.1}, {0.4955, 0.3}, {0.498, 0.5}, {0.498, 1}, {0, 1}, {0, 0},
	}
	if !generalise.Valid(orb.Polygon{u}) {
		t.Fatal("fixture is invalid")
	}
	for _, tol := range []float64{0.001, 0.005, 0.02, 0.2} {
		out, _ := generalise.Simplify(orb.Polygon{u}, tol)
		if !generalise.Valid(out) {
			t.Errorf("tolerance %g: invalid %v", tol, out)
		}
	}
}

func TestAll(t *testing.T) {
	g := orb.Polygon{circle(orb.Point{122.6, -5.4}, 0.05, 2000)}
	set, _ := generalise.All(g)
	if len(set) != len(generalise.Bands) {
		t.Fatalf("%d geometries, want %d", len(set), len(generalise.Bands))
	}
	for i := 1; i < len(set); i++ {
		if vertices(set[i-1]) > vertices(set[i]) {
			t.Errorf("band %d has more vertices (%d) than band %d (%d)", i-1, vertices(set[i-1]), i, vertices(set[i]))
		}
	}
	if vertices(set.ForZoom(14)) != 2001 || vertices(set.ForZoom(4)) >= 40 {
		t.Errorf("z14 %d vertices (want the original 2001), z4 %d (want < 40)", vertices(set.ForZoom(14)), vertices(set.ForZoom(4)))
	}
}
