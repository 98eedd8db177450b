package mirror

import (
	"testing"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/spatial"
)

// TestMeets checks the bbox rule with its shortcuts (a bound inside the
// box, a vertex in it) against the full intersection test.
func TestMeets(t *testing.T) {
	box := orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{10, 10}}
	square := func(x0, y0, x1, y1 float64) orb.Ring {
		return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
	}
	for _, tc := range []struct {
		name string
		g    orb.Geometry
		want bool
	}{
		{"point on the edge", orb.Point{10, 5}, true},
		{"point outside", orb.Point{10.5, 5}, false},
		{"line with a vertex inside", orb.LineString{{5, 5}, {20, 20}}, true},
		{"line crossing, no vertex inside", orb.LineString{{-5, 5}, {15, 5}}, true},
		{"line passing by", orb.LineString{{-5, 12}, {15, 30}}, false},
		{"polygon around the box", orb.Polygon{square(-5, -5, 15, 15)}, true},
		{"polygon with a corner inside", orb.Polygon{square(8, 8, 20, 20)}, true},
		{"box inside the polygon's hole", orb.Polygon{square(-20, -20, 30, 30), square(-5, -5, 15, 15)}, false},
		{"hole vertex in the box", orb.Polygon{square(-20, -20, 30, 30), square(5, 5, 15, 15)}, true},
		{"L-shape whose bound covers the box", orb.Polygon{{{11, -5}, {20, -5}, {20, 20}, {-5, 20}, {-5, 11}, {11, 11}, {11, -5}}}, false},
		{"multipolygon, one part inside", orb.MultiPolygon{{square(30, 30, 40, 40)}, {square(2, 2, 3, 3)}}, true},
		{"multipoint, one point inside", orb.MultiPoint{{20, 20}, {1, 1}}, true},
		{"multipoint around the box", orb.MultiPoint{{-1, -1}, {11, 11}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			it := &item{geom: tc.g, bound: tc.g.Bound()}
			_, it.point = tc.g.(orb.Point)
			if got := it.meets(box, box.ToPolygon()); got != tc.want {
				t.Errorf("meets = %v, want %v", got, tc.want)
			}
			if full := spatial.Intersects(tc.g, box.ToPolygon()); full != tc.want {
				t.Errorf("spatial.Intersects = %v, want %v (the case is wrong)", full, tc.want)
			}
		})
	}
}
