package dataset

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/spatial"
)

// TestCoversAgreesWithSpatial checks the fast path on random lines and
// rectangles of every size around every kelurahan: whenever it answers on
// its own, spatial.Covers must agree, and it must answer on its own for
// most shapes that are covered.
func TestCoversAgreesWithSpatial(t *testing.T) {
	ds, err := Load(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	covered, fast := 0, 0
	for _, k := range ds.Kelurahans {
		b := k.Bound
		for range 60 {
			p := orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
			size := 0.0005 + rng.Float64()*0.01 // about 50 m to 1 km
			var g orb.Geometry
			if rng.IntN(2) == 0 {
				ls := orb.LineString{p}
				for range 1 + rng.IntN(4) {
					a := rng.Float64() * 2 * math.Pi
					last := ls[len(ls)-1]
					ls = append(ls, orb.Point{last[0] + size*math.Cos(a), last[1] + size*math.Sin(a)})
				}
				g = ls
			} else {
				g = orb.Polygon{{p, {p[0] + size, p[1]}, {p[0] + size, p[1] + size/2}, {p[0], p[1] + size/2}, p}}
			}
			want := spatial.Covers(k.Geometry, g)
			fastYes := clearlyInside(k.Geometry, g)
			if fastYes && !want {
				t.Fatalf("kelurahan %s: fast path says %v is covered, spatial.Covers says not", k.Code, g)
			}
			if got := Covers(k.Geometry, g); got != want {
				t.Fatalf("kelurahan %s: Covers = %v, spatial.Covers = %v for %v", k.Code, got, want, g)
			}
			if want {
				covered++
				if fastYes {
					fast++
				}
			}
		}
	}
	if covered < 200 || fast < covered*9/10 {
		t.Errorf("fast path proved %d of %d covered shapes, want nearly all", fast, covered)
	}
}

func TestCoversHole(t *testing.T) {
	ring := func(x0, y0, x1, y1 float64) orb.Ring {
		return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
	}
	withHole := orb.Polygon{ring(0, 0, 10, 10), {{4, 4}, {4, 5}, {5, 5}, {5, 4}, {4, 4}}}
	twoParts := orb.MultiPolygon{{ring(0, 0, 10, 10)}, {ring(20, 0, 30, 10)}}
	tests := []struct {
		name      string
		container orb.Geometry
		g         orb.Geometry
		want      bool
	}{
		{"field around a hole", withHole, orb.Polygon{ring(3, 3, 6, 6)}, false},
		{"field beside the hole", withHole, orb.Polygon{ring(6, 6, 8, 8)}, true},
		{"line across the hole", withHole, orb.LineString{{3, 4.5}, {6, 4.5}}, false},
		{"line along the boundary", withHole, orb.LineString{{0, 0}, {5, 0}}, true},
		{"line between parts", twoParts, orb.LineString{{5, 5}, {25, 5}}, false},
		{"line in the second part", twoParts, orb.LineString{{25, 5}, {26, 6}, {27, 5}}, true},
		{"point", withHole, orb.Point{1, 1}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Covers(tc.container, tc.g); got != tc.want {
				t.Errorf("Covers = %v, want %v", got, tc.want)
			}
			if clearlyInside(tc.container, tc.g) && !tc.want {
				t.Error("the fast path claims coverage")
			}
		})
	}
}
