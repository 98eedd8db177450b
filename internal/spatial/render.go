package spatial

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/simplify"

	"github.com/serasi/serasi/internal/geodesy"
)

// Orient returns g with RFC 7946 ring orientation: exterior rings counter-clockwise, holes clockwise. Does not modify g.
//
// The result is always a fresh copy; orientation is decided by the sign of
// the planar (lon/lat) area of each ring.
func Orient(g orb.Geometry) orb.Geometry {
	if g == nil {
		return nil
	}
	g = orb.Clone(g)
	orientInPlace(g)
	return g
}

func orientInPlace(g orb.Geometry) {
	switch g := g.(type) {
	case orb.Polygon:
		orientPolygon(g)
	case orb.MultiPolygon:
		for _, p := range g {
			orientPolygon(p)
		}
	case orb.Collection:
		for _, m := range g {
			orientInPlace(m)
		}
	}
}

func orientPolygon(p orb.Polygon) {
	for i, r := range p {
		want := orb.CW
		if i == 0 {
			want = orb.CCW
		}
		if o := r.Orientation(); o != 0 && o != want {
			r.Reverse()
		}
	}
}

// Render prepares g for the wire: if simplifyMeters > 0, Douglas–Peucker (orb/simplify) with the tolerance
// converted to degrees at g's latitude, never dropping a ring below 4 positions or a line below 2
// (keep the unsimplified part instead), never returning an invalid/empty geometry for a non-empty input;
// if precision >= 0, round coordinates to that many decimal places (precision < 0 means no rounding);
// then Orient. Does not modify g.
//
// Simplification and rounding are judged together, part by part: when a
// polygon's simplified and rounded form is not valid (rings crossing, a
// ring collapsed below 4 positions), it is simplified again with half the
// tolerance, up to 12 times, and failing that sent rounded but
// unsimplified; a MultiPolygon whose simplified parts come to overlap is
// retried the same way as a whole. So a tolerance larger than a shape
// simplifies it as far as it validly goes. Rounding alone is applied as
// asked: at a coarse precision it can still collapse a small shape, which
// the caller chose.
func Render(g orb.Geometry, simplifyMeters float64, precision int) orb.Geometry {
	if g == nil {
		return nil
	}
	r := renderer{precision: precision}
	if simplifyMeters > 0 && !isEmpty(g) {
		c := g.Bound().Center()
		r.tolerance = geodesy.MetresToDegrees(simplifyMeters, c[1])
	}
	out := r.geometry(g)
	orientInPlace(out)
	return out
}

type renderer struct {
	tolerance float64 // degrees; 0 for no simplification
	precision int
}

// maxHalvings bounds the retries with half the tolerance when a simplified
// polygon is not valid; 12 halvings reach 1/4096 of the asked tolerance.
const maxHalvings = 12

func (r renderer) geometry(g orb.Geometry) orb.Geometry {
	switch g := g.(type) {
	case orb.Point:
		return r.round([]orb.Point{g})[0]
	case orb.MultiPoint:
		return orb.MultiPoint(r.round(g))
	case orb.LineString:
		return r.line(g)
	case orb.MultiLineString:
		out := make(orb.MultiLineString, len(g))
		for i, ls := range g {
			out[i] = r.line(ls)
		}
		return out
	case orb.Ring:
		return orb.Ring(r.round(g))
	case orb.Polygon:
		return r.polygon(g)
	case orb.MultiPolygon:
		return r.multiPolygon(g)
	case orb.Collection:
		out := make(orb.Collection, len(g))
		for i, m := range g {
			out[i] = r.geometry(m)
		}
		return out
	}
	return orb.Clone(g)
}

// line simplifies and rounds a line, falling back to rounding alone when
// fewer than two distinct positions would be left.
func (r renderer) line(ls orb.LineString) orb.LineString {
	plain := orb.LineString(r.round(ls))
	if r.tolerance <= 0 || len(ls) <= 2 {
		return plain
	}
	s := orb.LineString(r.round(simplify.DouglasPeucker(r.tolerance).LineString(ls.Clone())))
	if len(s) < 2 || !hasTwoDistinct(s) {
		return plain
	}
	return s
}

func hasTwoDistinct(ps []orb.Point) bool {
	for _, p := range ps[1:] {
		if p != ps[0] {
			return true
		}
	}
	return false
}

// polygon simplifies and rounds p. When a ring would collapse below 4
// positions, or the result would not be a valid polygon, it tries again
// with half the tolerance, and in the end returns p rounded but
// unsimplified.
func (r renderer) polygon(p orb.Polygon) orb.Polygon {
	plain := make(orb.Polygon, len(p))
	for i, ring := range p {
		plain[i] = orb.Ring(r.round(ring))
	}
	for tol, n := r.tolerance, 0; tol > 0 && n <= maxHalvings; tol, n = tol/2, n+1 {
		s, ok := r.simplifyPolygon(p, tol)
		if !ok {
			continue
		}
		if countVertices(s) == countVertices(plain) {
			return plain // nothing left to simplify at this tolerance
		}
		if validity(s) == nil {
			return s
		}
	}
	return plain
}

// simplifyPolygon returns p simplified at tol and rounded, and false when
// a ring collapses.
func (r renderer) simplifyPolygon(p orb.Polygon, tol float64) (orb.Polygon, bool) {
	dp := simplify.DouglasPeucker(tol)
	s := make(orb.Polygon, len(p))
	for i, ring := range p {
		sr := orb.Ring(r.round(dp.Ring(ring.Clone())))
		if len(sr) < 4 || sr[0] != sr[len(sr)-1] {
			return nil, false
		}
		s[i] = sr
	}
	return s, true
}

// multiPolygon renders each part as polygon does; if the parts then
// overlap or touch along a line, it tries again with half the tolerance,
// and in the end returns mp rounded but unsimplified.
func (r renderer) multiPolygon(mp orb.MultiPolygon) orb.MultiPolygon {
	for n := 0; r.tolerance > 0 && n <= maxHalvings; n++ {
		out, changed := r.parts(mp)
		if !changed || validity(out) == nil {
			return out
		}
		r.tolerance /= 2
	}
	out, _ := renderer{precision: r.precision}.parts(mp)
	return out
}

func (r renderer) parts(mp orb.MultiPolygon) (out orb.MultiPolygon, simplified bool) {
	out = make(orb.MultiPolygon, len(mp))
	for i, p := range mp {
		out[i] = r.polygon(p)
		simplified = simplified || countVertices(out[i]) != countVertices(p)
	}
	return out, simplified
}

// round returns a rounded copy of ps (a plain copy when precision < 0).
func (r renderer) round(ps []orb.Point) []orb.Point {
	out := make([]orb.Point, len(ps))
	copy(out, ps)
	if r.precision < 0 {
		return out
	}
	f := math.Pow(10, float64(r.precision))
	for i, p := range out {
		out[i] = orb.Point{roundTo(p[0], f), roundTo(p[1], f)}
	}
	return out
}

// roundTo rounds x to a multiple of 1/f. Precisions beyond float64's reach
// leave x as it is.
func roundTo(x, f float64) float64 {
	if math.IsInf(f, 0) || math.IsInf(x*f, 0) {
		return x
	}
	return math.Round(x*f) / f
}
