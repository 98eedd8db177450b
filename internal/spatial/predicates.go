package spatial

import (
	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/geom"
)

// location of a point relative to a ring.
type location int

const (
	outside location = iota
	inside
	onBoundary
)

// ContainsPoint is the fast path of Covers for a point (boundary included); it must not allocate.
//
// container is a Polygon or MultiPolygon (a Ring or Bound counts as a
// polygon); anything else contains nothing. A point on the boundary of a
// hole is covered; one strictly inside a hole is not.
func ContainsPoint(container orb.Geometry, p orb.Point) bool {
	switch c := container.(type) {
	case orb.Polygon:
		return polygonCovers(c, p)
	case orb.MultiPolygon:
		for _, poly := range c {
			if polygonCovers(poly, p) {
				return true
			}
		}
	case orb.Ring:
		return locate(c, p) != outside
	case orb.Bound:
		return c.Contains(p)
	}
	return false
}

func polygonCovers(poly orb.Polygon, p orb.Point) bool {
	if len(poly) == 0 {
		return false
	}
	switch locate(poly[0], p) {
	case outside:
		return false
	case onBoundary:
		return true
	}
	for _, hole := range poly[1:] {
		if locate(hole, p) == inside {
			return false
		}
	}
	return true
}

// locate places p relative to ring r by counting the edges that a ray
// from p towards +x crosses, with the half-open rule for vertices, and
// exact orientation for the side tests. An unclosed ring is closed
// implicitly.
func locate(r orb.Ring, p orb.Point) location {
	if len(r) == 0 {
		return outside
	}
	in := false
	px, py := p[0], p[1]
	a := r[len(r)-1]
	for _, b := range r {
		ax, ay, bx, by := a[0], a[1], b[0], b[1]
		a = b
		// Edges wholly above, below or left of p neither hold p nor
		// cross the ray.
		if (py < ay && py < by) || (py > ay && py > by) || (px > ax && px > bx) {
			continue
		}
		o := orient([2]float64(orb.Point{ax, ay}), [2]float64(orb.Point{bx, by}), [2]float64(p))
		if o == 0 {
			// Collinear, and within the edge's y range: on the edge if
			// also within its x range.
			if (px >= ax || px >= bx) && (px <= ax || px <= bx) {
				return onBoundary
			}
			continue
		}
		if (ay > py) != (by > py) {
			// The edge straddles the ray's line; it crosses the ray if p
			// is on its left going up, or on its right going down.
			if (by > ay) == (o > 0) {
				in = !in
			}
		}
	}
	if in {
		return inside
	}
	return outside
}

// asLines returns the lines of a LineString or MultiLineString.
func asLines(g orb.Geometry) ([]orb.LineString, bool) {
	switch g := g.(type) {
	case orb.LineString:
		return []orb.LineString{g}, true
	case orb.MultiLineString:
		return g, true
	}
	return nil, false
}

// rings returns the rings of a polygonal geometry.
func rings(g orb.Geometry) []orb.Ring {
	switch g := g.(type) {
	case orb.Polygon:
		return g
	case orb.MultiPolygon:
		var rs []orb.Ring
		for _, p := range g {
			rs = append(rs, p...)
		}
		return rs
	case orb.Ring:
		return []orb.Ring{g}
	case orb.Bound:
		return []orb.Ring{g.ToRing()}
	}
	return nil
}

// linesStrictlyInside reports whether every vertex of lines is in the
// interior of container and no segment meets its boundary: then the lines
// lie in the interior and are covered. False means "not shown", and the
// caller asks simplefeatures.
func linesStrictlyInside(container orb.Geometry, lines []orb.LineString) bool {
	for _, ls := range lines {
		for _, p := range ls {
			if !strictlyInside(container, p) {
				return false
			}
		}
	}
	return !linesMeetRings(rings(container), lines)
}

func strictlyInside(container orb.Geometry, p orb.Point) bool {
	for _, r := range rings(container) {
		if locate(r, p) == onBoundary {
			return false
		}
	}
	return ContainsPoint(container, p)
}

// linesMeetPolygon decides Intersects for lines and a polygonal geometry
// exactly: they meet if a vertex is covered, or else only where a segment
// meets the boundary.
func linesMeetPolygon(container orb.Geometry, lines []orb.LineString) bool {
	for _, ls := range lines {
		for _, p := range ls {
			if ContainsPoint(container, p) {
				return true
			}
		}
	}
	return linesMeetRings(rings(container), lines)
}

func linesMeetRings(rs []orb.Ring, lines []orb.LineString) bool {
	for _, ls := range lines {
		for i := 1; i < len(ls); i++ {
			for _, r := range rs {
				for j := range r {
					if segmentsMeet(ls[i-1], ls[i], r[j], r[(j+1)%len(r)]) {
						return true
					}
				}
			}
		}
	}
	return false
}

// segmentsMeet reports whether closed segments ab and cd share a point,
// exactly.
func segmentsMeet(a, b, c, d orb.Point) bool {
	if max(a[0], b[0]) < min(c[0], d[0]) || max(c[0], d[0]) < min(a[0], b[0]) ||
		max(a[1], b[1]) < min(c[1], d[1]) || max(c[1], d[1]) < min(a[1], b[1]) {
		return false
	}
	o1, o2 := orient([2]float64(a), [2]float64(b), [2]float64(c)), orient([2]float64(a), [2]float64(b), [2]float64(d))
	o3, o4 := orient([2]float64(c), [2]float64(d), [2]float64(a)), orient([2]float64(c), [2]float64(d), [2]float64(b))
	if o1*o2 < 0 && o3*o4 < 0 {
		return true
	}
	return (o1 == 0 && onSegment(a, b, c)) || (o2 == 0 && onSegment(a, b, d)) ||
		(o3 == 0 && onSegment(c, d, a)) || (o4 == 0 && onSegment(c, d, b))
}

// onSegment reports whether p lies on the closed segment ab, exactly.
func onSegment(a, b, p orb.Point) bool {
	if (p[0] < a[0] && p[0] < b[0]) || (p[0] > a[0] && p[0] > b[0]) ||
		(p[1] < a[1] && p[1] < b[1]) || (p[1] > a[1] && p[1] > b[1]) {
		return false
	}
	return orient([2]float64(a), [2]float64(b), [2]float64(p)) == 0
}

// Covers reports whether polygonal container (Polygon/MultiPolygon) covers g entirely (boundary included),
// as PostGIS ST_Covers(container, g) on geometry (planar, in degrees).
//
// A container that is not polygonal, or an empty g, covers nothing (as
// ST_Covers with an empty argument). Points are decided here; other
// geometries by simplefeatures' DE-9IM relate, after a bounding-box check.
func Covers(container, g orb.Geometry) bool {
	if !polygonal(container) || isEmpty(container) || isEmpty(g) {
		return false
	}
	switch g := g.(type) {
	case orb.Point:
		return ContainsPoint(container, g)
	case orb.MultiPoint:
		for _, p := range g {
			if !ContainsPoint(container, p) {
				return false
			}
		}
		return true
	}
	if !container.Bound().Contains(g.Bound().Min) || !container.Bound().Contains(g.Bound().Max) {
		return false
	}
	if lines, ok := asLines(g); ok && linesStrictlyInside(container, lines) {
		return true
	}
	ok, err := relate(container, g, geom.Covers)
	return err == nil && ok
}

// Intersects reports whether a and b share at least one point, as PostGIS ST_Intersects on geometry (planar).
//
// Empty geometries intersect nothing. A point against a point, line or
// polygon is decided here; other pairs by simplefeatures, after a
// bounding-box check.
func Intersects(a, b orb.Geometry) bool {
	if isEmpty(a) || isEmpty(b) || !a.Bound().Intersects(b.Bound()) {
		return false
	}
	if _, ok := a.(orb.Point); !ok {
		a, b = b, a
	}
	if p, ok := a.(orb.Point); ok {
		switch b := b.(type) {
		case orb.Point:
			return p == b
		case orb.MultiPoint:
			for _, q := range b {
				if p == q {
					return true
				}
			}
			return false
		case orb.LineString:
			return lineHolds(b, p)
		case orb.MultiLineString:
			for _, ls := range b {
				if lineHolds(ls, p) {
					return true
				}
			}
			return false
		case orb.Polygon, orb.MultiPolygon, orb.Ring, orb.Bound:
			return ContainsPoint(b, p)
		}
	}
	if polygonal(a) {
		a, b = b, a
	}
	if lines, ok := asLines(a); ok && polygonal(b) {
		return linesMeetPolygon(b, lines)
	}
	ok, err := relate(a, b, func(a, b geom.Geometry) (bool, error) {
		return geom.Intersects(a, b), nil
	})
	return err == nil && ok
}

func lineHolds(ls orb.LineString, p orb.Point) bool {
	if len(ls) == 1 {
		return ls[0] == p
	}
	for i := 1; i < len(ls); i++ {
		if onSegment(ls[i-1], ls[i], p) {
			return true
		}
	}
	return false
}

// relate runs a simplefeatures predicate on orb geometries. A panic inside
// the library (it is not known to panic, but the geometries may come from
// a user) counts as an error, never as an answer.
func relate(a, b orb.Geometry, pred func(a, b geom.Geometry) (bool, error)) (ok bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			ok, err = false, errPredicate
		}
	}()
	sa, err := toSF(a)
	if err != nil {
		return false, err
	}
	sb, err := toSF(b)
	if err != nil {
		return false, err
	}
	return pred(sa, sb)
}

func polygonal(g orb.Geometry) bool {
	switch g.(type) {
	case orb.Polygon, orb.MultiPolygon, orb.Ring, orb.Bound:
		return true
	}
	return false
}

func isEmpty(g orb.Geometry) bool {
	if _, ok := g.(orb.Bound); ok {
		return false
	}
	return g == nil || countVertices(g) == 0
}
