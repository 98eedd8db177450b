package geodesy

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

func TestDistance(t *testing.T) {
	cases := []struct {
		name string
		a, b orb.Point
		want float64 // PostGIS/GeographicLib, metres
		tol  float64 // Vincenty's series stop a few µm short of Karney's
	}{
		{"baubau 0.0001 deg east", orb.Point{122.6149, -5.4667}, orb.Point{122.6150, -5.4667}, 11.081654680, 1e-5},
		{"baubau 0.0001 deg south", orb.Point{122.6149, -5.4667}, orb.Point{122.6149, -5.4668}, 11.058435400, 1e-5},
		{"across the city", orb.Point{122.58, -5.44}, orb.Point{122.65, -5.52}, 11765.876959020, 1e-5},
		{"city extent", orb.Point{122.55, -5.35}, orb.Point{122.75, -5.60}, 35433.100270850, 1e-5},
		{"to Buton's east coast", orb.Point{122.6, -5.5}, orb.Point{123.05, -5.1}, 66668.653639730, 1e-5},
		{"GeographicLib (0,0)-(1,1)", orb.Point{0, 0}, orb.Point{1, 1}, 156899.568291340, 1e-5},
		{"along the equator", orb.Point{0, 0}, orb.Point{0.5, 0}, 55659.745396640, 1e-5},
		{"along a meridian", orb.Point{0, 0}, orb.Point{0, 0.5}, 55287.152003450, 1e-5},
		{"JFK to LHR", orb.Point{-73.7781, 40.6413}, orb.Point{-0.4543, 51.47}, 5554908.790547500, 1e-4},
		{"Paris to Sydney", orb.Point{2.35, 48.85}, orb.Point{151.2, -33.87}, 16957405.542802200, 1e-4},
		{"across the antimeridian", orb.Point{179.9, -16.5}, orb.Point{-179.9, -16.6}, 24045.265393660, 1e-5},
		{"over the pole", orb.Point{10, 89.9}, orb.Point{-170, 89.9}, 22338.795682520, 1e-5},
		{"same point", orb.Point{122.6, -5.5}, orb.Point{122.6, -5.5}, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, got := range []float64{Distance(tc.a, tc.b), Distance(tc.b, tc.a)} {
				if math.Abs(got-tc.want) > tc.tol {
					t.Errorf("Distance = %.9f, want %.9f ± %g", got, tc.want, tc.tol)
				}
			}
		})
	}
}

func TestDistanceNearlyAntipodal(t *testing.T) {
	// Vincenty does not converge here; the spherical fallback must still
	// give about half the meridian circumference (20,003,931 m).
	a, b := orb.Point{0, 0}, orb.Point{179.7, 0.5}
	if _, ok := vincenty(a, b); ok {
		t.Fatal("expected vincenty not to converge for this pair")
	}
	got := Distance(a, b)
	if math.Abs(got-20e6)/20e6 > 0.005 {
		t.Errorf("Distance = %.0f, want about 20,000 km", got)
	}
}

func TestDistanceProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	city := func() orb.Point {
		return orb.Point{122.5 + 0.3*r.Float64(), -5.7 + 0.4*r.Float64()}
	}
	for range 1000 {
		a, b, c := city(), city(), city()
		ab, ba := Distance(a, b), Distance(b, a)
		if math.Abs(ab-ba) > 1e-9 {
			t.Fatalf("not symmetric: %v %v: %v vs %v", a, b, ab, ba)
		}
		if ab <= 0 {
			t.Fatalf("distance between distinct points %v %v is %v", a, b, ab)
		}
		if ac, cb := Distance(a, c), Distance(c, b); ab > ac+cb+1e-9 {
			t.Fatalf("triangle inequality broken: %v > %v + %v", ab, ac, cb)
		}
		if s := sphericalDistance(a, b); math.Abs(s-ab)/ab > 0.007 {
			t.Fatalf("ellipsoidal %v and spherical %v differ by more than 0.7%%", ab, s)
		}
	}
}

func BenchmarkDistance(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	pts := make([]orb.Point, 1024)
	for i := range pts {
		pts[i] = orb.Point{122.5 + 0.3*r.Float64(), -5.7 + 0.4*r.Float64()}
	}
	b.ReportAllocs()
	sum := 0.0
	for i := 0; b.Loop(); i++ {
		sum += Distance(pts[i%1024], pts[(i+1)%1024])
	}
	_ = sum
}
