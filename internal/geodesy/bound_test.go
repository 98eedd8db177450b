package geodesy

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

func TestBoundAroundContainsTheCircle(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	centres := []orb.Point{{122.61, -5.47}, {0, 0}, {10, 60}, {-70, -75}, {179.99, 10}}
	for _, c := range centres {
		for _, radius := range []float64{1, 100, 5000, 50000} {
			b := BoundAround(c, radius)
			// Sample points in a box 1.5 times larger than needed at the
			// equator; every one within radius must be inside b.
			span := 1.5 * radius / 110000 / math.Max(0.05, math.Cos(c[1]*deg))
			for range 2000 {
				q := orb.Point{c[0] + span*(2*r.Float64()-1), c[1] + span*(2*r.Float64()-1)/3}
				q[0] = wrapDegrees(q[0])
				if Distance(c, q) <= radius && !b.Contains(q) {
					t.Fatalf("BoundAround(%v, %v) = %v misses %v at %.3f m", c, radius, b, q, Distance(c, q))
				}
			}
			// Edge midpoints: the box must not be much larger than needed.
			if c[1] > -60 && c[1] < 60 && b.Min[0] > -180 && b.Max[0] < 180 {
				north := Distance(c, orb.Point{c[0], b.Max[1]})
				east := Distance(c, orb.Point{b.Max[0], c[1]})
				if north > radius*1.02+0.01 || east > radius*1.02+0.01 {
					t.Errorf("BoundAround(%v, %v) = %v is loose: %.2f m north, %.2f m east", c, radius, b, north, east)
				}
			}
		}
	}
}

func TestBoundAroundEdges(t *testing.T) {
	cases := []struct {
		name   string
		p      orb.Point
		radius float64
		want   orb.Bound // only the parts checked below
		full   bool      // whole longitude range
	}{
		{"near the north pole", orb.Point{30, 89.99}, 5000, orb.Bound{Max: orb.Point{180, 90}}, true},
		{"near the antimeridian", orb.Point{179.99, 0}, 5000, orb.Bound{}, true},
		{"zero radius", orb.Point{122.6, -5.5}, 0, orb.Bound{}, false},
		{"negative radius", orb.Point{122.6, -5.5}, -10, orb.Bound{}, false},
		{"NaN radius", orb.Point{122.6, -5.5}, math.NaN(), orb.Bound{}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := BoundAround(tc.p, tc.radius)
			if !b.Contains(tc.p) {
				t.Fatalf("%v does not contain the centre", b)
			}
			if full := b.Min[0] == -180 && b.Max[0] == 180; full != tc.full {
				t.Errorf("%v: full longitude range = %v, want %v", b, full, tc.full)
			}
			if b.Max[1] > 90 || b.Min[1] < -90 {
				t.Errorf("%v: latitude outside -90..90", b)
			}
			if !tc.full && b.Max[0]-b.Min[0] > 1e-6 && tc.radius <= 0 {
				t.Errorf("%v: box for a non-positive radius should be a point", b)
			}
		})
	}
}

func TestMetresToDegrees(t *testing.T) {
	// One degree of longitude at the equator is 111,319.49 m, one degree of
	// latitude near the pole 111,693.98 m: the longer one at each place.
	if got := MetresToDegrees(111319.49, 0); math.Abs(got-1) > 1e-7 {
		t.Errorf("MetresToDegrees(111319.49, 0) = %v, want 1", got)
	}
	if got := MetresToDegrees(111693.98, 90); math.Abs(got-1) > 1e-7 {
		t.Errorf("MetresToDegrees(111693.98, 90) = %v, want 1", got)
	}
	// Elsewhere the result, moved north or east, must measure at most
	// 1000 m by Distance, and exactly 1000 m one way or the other.
	for _, lat := range []float64{-80, -45, -5.5, 0, 30, 60} {
		deg := MetresToDegrees(1000, lat)
		north := Distance(orb.Point{122.6, lat - deg/2}, orb.Point{122.6, lat + deg/2})
		east := Distance(orb.Point{122.6, lat}, orb.Point{122.6 + deg, lat})
		if longest := math.Max(north, east); math.Abs(longest-1000) > 0.01 {
			t.Errorf("lat %v: %v degrees measure %.4f m north, %.4f m east; want the longer to be 1000", lat, deg, north, east)
		}
	}
}
