package geodesy

import "github.com/paulmach/orb"

// PolygonsWithin reports whether polygonal a and b (Polygon or
// MultiPolygon) come within metres of each other: geodesically on WGS 84,
// as PostGIS ST_DWithin(geography, geography) answers it; overlapping or
// touching polygons are at 0.
//
// Two segments that do not cross are nearest at an end of one of them, and
// two polygons that overlap have a vertex of one inside the other, so the
// vertices of each against the other polygon decide it.
func PolygonsWithin(a, b orb.Geometry, metres float64) bool {
	return verticesWithin(a, b, metres) || verticesWithin(b, a, metres)
}

func verticesWithin(from, to orb.Geometry, metres float64) bool {
	tb := to.Bound()
	found := false
	eachVertex(from, func(p orb.Point) bool {
		if BoundAround(p, metres).Intersects(tb) && DistanceToGeometry(p, to) <= metres {
			found = true
		}
		return !found
	})
	return found
}

// eachVertex calls fn with every vertex of a Polygon or MultiPolygon until
// it returns false.
func eachVertex(g orb.Geometry, fn func(orb.Point) bool) {
	var polys []orb.Polygon
	switch g := g.(type) {
	case orb.Polygon:
		polys = []orb.Polygon{g}
	case orb.MultiPolygon:
		polys = g
	}
	for _, poly := range polys {
		for _, r := range poly {
			for _, p := range r {
				if !fn(p) {
					return
				}
			}
		}
	}
}
