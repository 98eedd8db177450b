package memory

import (
	"testing"

	"github.com/paulmach/orb"
)

func TestCloneGeometry(t *testing.T) {
	ring := func(x float64) orb.Ring {
		return orb.Ring{{x, 0}, {x + 1, 0}, {x + 1, 1}, {x, 0}}
	}
	tests := []struct {
		name string
		g    orb.Geometry
	}{
		{"nil", nil},
		{"point", orb.Point{1, 2}},
		{"multipoint", orb.MultiPoint{{1, 2}, {3, 4}}},
		{"linestring", orb.LineString{{1, 2}, {3, 4}}},
		{"multilinestring", orb.MultiLineString{{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}}},
		{"ring", ring(0)},
		{"polygon with hole", orb.Polygon{ring(0), ring(0.2)}},
		{"multipolygon", orb.MultiPolygon{{ring(0)}, {ring(5), ring(5.2)}}},
		{"collection", orb.Collection{orb.Point{1, 1}, orb.Polygon{ring(3)}}},
		{"bound", orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{1, 1}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := cloneGeometry(tc.g)
			if !orb.Equal(c, tc.g) && tc.g != nil {
				t.Fatalf("clone %v differs from %v", c, tc.g)
			}
			before := orb.Clone(tc.g)
			scribble(c)
			if tc.g != nil && !orb.Equal(before, tc.g) {
				t.Fatalf("changing the clone changed the original: %v", tc.g)
			}
		})
	}

	// Appending to one ring of a clone must not overwrite the next ring,
	// which shares the clone's backing array.
	p := cloneGeometry(orb.Polygon{ring(0), ring(0.2)}).(orb.Polygon)
	_ = append(p[0], orb.Point{9, 9})
	if !orb.Equal(p[1], ring(0.2)) {
		t.Fatalf("append to ring 0 changed ring 1: %v", p[1])
	}
}

// scribble changes every coordinate of g in place.
func scribble(g orb.Geometry) {
	switch g := g.(type) {
	case orb.MultiPoint:
		for i := range g {
			g[i][0] = -1
		}
	case orb.LineString:
		scribble(orb.MultiPoint(g))
	case orb.Ring:
		scribble(orb.MultiPoint(g))
	case orb.MultiLineString:
		for _, l := range g {
			scribble(l)
		}
	case orb.Polygon:
		for _, r := range g {
			scribble(r)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			scribble(p)
		}
	case orb.Collection:
		for _, c := range g {
			scribble(c)
		}
	}
}
