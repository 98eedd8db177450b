package geodesy

import (
	"math"

	"github.com/paulmach/orb"
)

// DistanceToGeometry is the geodesic distance in metres from p to the nearest point of g
// (Point, MultiPoint, LineString, MultiLineString, Polygon, MultiPolygon; 0 when a polygon covers p).
//
// It mirrors PostGIS ST_Distance(geography, geography) with use_spheroid
// (its circle-tree path, which it takes whenever an argument repeats, as a
// query point does): the nearest point of g is chosen on the sphere, where
// a segment is a great-circle arc, and only the distance to that point is
// measured on the ellipsoid. This is not always the least ellipsoidal
// distance: when two parts of g are almost equally near, the sphere may
// pick the one that is up to about 0.5 % farther on the ellipsoid, and
// PostGIS then reports that one, as we do.
//
// Whether a polygon covers p is decided in the plane of lon/lat degrees,
// boundary included; for segments of a few hundred metres the great-circle
// arc and the straight lon/lat segment differ by far less than a
// millimetre.
//
// A Ring or Bound counts as a polygon and a Collection as the union of its
// members. Nil, empty and unknown geometries are infinitely far away.
func DistanceToGeometry(p orb.Point, g orb.Geometry) float64 {
	if g, ok := g.(orb.Point); ok {
		return Distance(p, g)
	}
	if covered(p, g) {
		return 0
	}
	s := newSearch(p)
	s.geometry(g, true)
	s.geometry(g, false)
	if math.IsInf(s.best, 1) {
		return math.Inf(1)
	}
	return Distance(p, s.nearest)
}

// covered reports whether a polygonal part of g covers p.
func covered(p orb.Point, g orb.Geometry) bool {
	switch g := g.(type) {
	case orb.Ring:
		return inRing(p, g)
	case orb.Polygon:
		return inPolygon(p, g)
	case orb.MultiPolygon:
		for _, poly := range g {
			if inPolygon(p, poly) {
				return true
			}
		}
	case orb.Bound:
		return g.Contains(p)
	case orb.Collection:
		for _, m := range g {
			if covered(p, m) {
				return true
			}
		}
	}
	return false
}

func inPolygon(p orb.Point, poly orb.Polygon) bool {
	if len(poly) == 0 || !inRing(p, poly[0]) {
		return false
	}
	for _, hole := range poly[1:] {
		if inRing(p, hole) {
			return false
		}
	}
	return true
}

// inRing is the even–odd crossing test. Which way a point exactly on the
// boundary goes does not matter here: its distance to the ring is 0 either
// way (package spatial has the exact, boundary-inclusive test).
func inRing(p orb.Point, r orb.Ring) bool {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		a, b := r[j], r[i]
		if (a[1] > p[1]) != (b[1] > p[1]) &&
			p[0] < a[0]+(p[1]-a[1])*(b[0]-a[0])/(b[1]-a[1]) {
			in = !in
		}
	}
	return in
}

// search finds the point of a geometry nearest to p on the sphere. It runs
// twice over the geometry: first over an equirectangular projection
// centred on p, cheap and without trigonometry, to learn roughly how near
// the geometry comes, then exactly, on the unit sphere, over the segments
// that the first pass could not rule out.
type search struct {
	p          orb.Point
	vp         vec3
	lon0, lat0 float64
	kx, ky     float64 // metres per degree of longitude and of latitude
	tanLat     float64 // |tan φ| at p, which drives the projection's error

	approxMin float64   // smallest projected distance, metres
	maxBulge  float64   // largest bend of a projected arc, metres
	best      float64   // smallest angle on the sphere so far, radians
	nearest   orb.Point // where it is reached
}

func newSearch(p orb.Point) search {
	cosLat := math.Cos(p[1] * deg)
	return search{
		p: p, vp: toVec(p),
		lon0: p[0], lat0: p[1],
		kx: meanRadius * cosLat * deg, ky: meanRadius * deg,
		tanLat:    math.Abs(math.Tan(p[1] * deg)),
		approxMin: math.Inf(1),
		best:      math.Inf(1),
	}
}

func (s *search) geometry(g orb.Geometry, approx bool) {
	switch g := g.(type) {
	case orb.Point:
		s.segment(g, g, approx)
	case orb.MultiPoint:
		for _, q := range g {
			s.segment(q, q, approx)
		}
	case orb.LineString:
		s.path(g, approx)
	case orb.MultiLineString:
		for _, ls := range g {
			s.path(ls, approx)
		}
	case orb.Ring:
		s.path(orb.LineString(g), approx)
	case orb.Polygon:
		for _, r := range g {
			s.path(orb.LineString(r), approx)
		}
	case orb.MultiPolygon:
		for _, poly := range g {
			for _, r := range poly {
				s.path(orb.LineString(r), approx)
			}
		}
	case orb.Bound:
		s.geometry(g.ToRing(), approx)
	case orb.Collection:
		for _, m := range g {
			s.geometry(m, approx)
		}
	}
}

func (s *search) path(ls orb.LineString, approx bool) {
	if len(ls) == 0 {
		return
	}
	if len(ls) == 1 {
		s.segment(ls[0], ls[0], approx)
		return
	}
	// Each vertex is projected once; this loop is the hot path.
	ax, ay := s.project(ls[0])
	for i := 1; i < len(ls); i++ {
		bx, by := s.project(ls[i])
		d, l2 := segmentToOrigin(ax, ay, bx, by)
		s.consider(ls[i-1], ls[i], d, l2, approx)
		ax, ay = bx, by
	}
}

func (s *search) segment(a, b orb.Point, approx bool) {
	ax, ay := s.project(a)
	bx, by := s.project(b)
	d, l2 := segmentToOrigin(ax, ay, bx, by)
	s.consider(a, b, d, l2, approx)
}

// consider takes in segment ab, whose projection is d from p and l2 long
// squared: in the first pass to learn the projected minimum, in the second
// to compute it exactly if it may hold the nearest point.
func (s *search) consider(a, b orb.Point, d, l2 float64, approx bool) {
	if approx {
		if d < s.approxMin {
			s.approxMin = d
		}
		if bulge := l2 * s.tanLat / (8 * meanRadius); bulge > s.maxBulge {
			s.maxBulge = bulge
		}
		return
	}
	if !s.keep(d) {
		return
	}
	q, angle := s.nearestOnArc(a, b)
	if angle < s.best {
		s.best, s.nearest = angle, q
	}
}

func (s *search) project(q orb.Point) (x, y float64) {
	dLon := q[0] - s.lon0
	if dLon > 180 || dLon < -180 {
		dLon = wrapDegrees(dLon)
	}
	return dLon * s.kx, (q[1] - s.lat0) * s.ky
}

// segmentToOrigin returns the distance from the origin to segment ab and
// the segment's length squared.
func segmentToOrigin(ax, ay, bx, by float64) (d, l2 float64) {
	dx, dy := bx-ax, by-ay
	l2 = dx*dx + dy*dy
	x, y := ax, ay
	if l2 > 0 {
		switch t := -(ax*dx + ay*dy) / l2; {
		case t >= 1:
			x, y = bx, by
		case t > 0:
			x, y = ax+t*dx, ay+t*dy
		}
	}
	return math.Sqrt(x*x + y*y), l2
}

// keep reports whether a segment whose projected distance is d may still
// hold the nearest point.
//
// Two errors separate the projected distances from the spherical ones.
// Within distance D of p the scale along the parallels is off by up to
// D/R·|tan φ|, and the plane departs from the sphere by about (D/R)²; so a
// relative error ρ. And the projection bends a great-circle arc of length
// L away from the straight segment by up to L²·|tan φ|/(8R) (bulge). The
// nearest segment's projected distance then exceeds the projected minimum
// by at most 2ρ·D plus twice the largest bulge; keep allows twice that.
// Far away, or near the poles, where ρ is large, every segment is computed
// exactly.
func (s *search) keep(d float64) bool {
	D := 2 * s.approxMin / meanRadius
	rho := D*s.tanLat + D*D*(1+s.tanLat*s.tanLat)
	if rho > 0.05 {
		return true
	}
	return d <= s.approxMin*(1+4*rho)+4*s.maxBulge+1e-6
}

// nearestOnArc returns the point of the great-circle arc ab nearest to p
// and its angular distance from p, as PostGIS's edge_distance_to_point.
func (s *search) nearestOnArc(a, b orb.Point) (orb.Point, float64) {
	va, vb := toVec(a), toVec(b)
	n := va.cross(vb)
	if nn := n.dot(n); nn > 1e-30 {
		k := s.vp.dot(n) / nn
		q := vec3{s.vp.x - k*n.x, s.vp.y - k*n.y, s.vp.z - k*n.z} // p projected on the arc's plane
		if va.cross(q).dot(n) >= 0 && q.cross(vb).dot(n) >= 0 {
			return q.point(), angle(s.vp, q)
		}
	}
	if da, db := angle(s.vp, va), angle(s.vp, vb); db < da {
		return b, db
	} else {
		return a, da
	}
}

// vec3 is a point of the unit sphere, or a direction.
type vec3 struct{ x, y, z float64 }

func toVec(p orb.Point) vec3 {
	sinLat, cosLat := math.Sincos(p[1] * deg)
	sinLon, cosLon := math.Sincos(p[0] * deg)
	return vec3{cosLat * cosLon, cosLat * sinLon, sinLat}
}

func (v vec3) point() orb.Point {
	return orb.Point{math.Atan2(v.y, v.x) / deg, math.Atan2(v.z, math.Hypot(v.x, v.y)) / deg}
}

func (v vec3) dot(w vec3) float64 { return v.x*w.x + v.y*w.y + v.z*w.z }

func (v vec3) cross(w vec3) vec3 {
	return vec3{v.y*w.z - v.z*w.y, v.z*w.x - v.x*w.z, v.x*w.y - v.y*w.x}
}

// angle between two directions, accurate for small angles too.
func angle(v, w vec3) float64 {
	c := v.cross(w)
	return math.Atan2(math.Sqrt(c.dot(c)), v.dot(w))
}
