package nationaltest

import (
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/tidwall/rtree"
)

// PointKind says how a conformance point was chosen.
type PointKind int

const (
	// Inside: a random point inside a random kelurahan.
	Inside PointKind = iota
	// Border: within BorderMetres of a kelurahan's boundary, on either
	// side (half inside, half outside), where overlaps and slivers are.
	Border
	// Sea: inside Indonesia's box but outside every kelurahan's bounding
	// box, so certainly in no kelurahan.
	Sea
	// Island: inside or around a small island (a polygon part under
	// SmallIslandSqDeg).
	Island
)

func (k PointKind) String() string {
	return [...]string{"inside", "border", "sea", "island"}[k]
}

// Point is one conformance point.
type Point struct {
	orb.Point
	Kind PointKind
}

const (
	// BorderMetres is how far from a boundary a Border point may lie.
	BorderMetres = 50
	// SmallIslandSqDeg is the planar area (square degrees, about 12 km²
	// near the equator) under which a polygon part counts as a small
	// island.
	SmallIslandSqDeg = 0.001
	metresPerDeg     = 111_320.0
)

// indonesia is the box the Sea points are drawn from.
var indonesia = orb.Bound{Min: orb.Point{94.9, -11.1}, Max: orb.Point{141.1, 6.1}}

// Points returns n conformance points drawn from feats with the given
// seed: the same features, n and seed give the same points. Of them 40%
// are Inside, 30% Border, 15% Sea and 15% Island, in that order.
func Points(feats []Feature, n int, seed uint64) []Point {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var parts []orb.Polygon
	var islands []orb.Polygon
	var bounds rtree.RTreeG[struct{}]
	for _, f := range feats {
		b := f.Geometry.Bound()
		bounds.Insert(b.Min, b.Max, struct{}{})
		eachPart(f.Geometry, func(p orb.Polygon) {
			parts = append(parts, p)
			if math.Abs(planar.Area(p[0])) < SmallIslandSqDeg {
				islands = append(islands, p)
			}
		})
	}
	if len(islands) == 0 {
		islands = parts
	}
	nInside, nBorder, nSea := n*40/100, n*30/100, n*15/100
	nIsland := n - nInside - nBorder - nSea
	out := make([]Point, 0, n)
	for range nInside {
		out = append(out, Point{inside(rng, parts[rng.IntN(len(parts))]), Inside})
	}
	for i := range nBorder {
		out = append(out, Point{nearBorder(rng, parts[rng.IntN(len(parts))], i%2 == 0), Border})
	}
	for len(out) < nInside+nBorder+nSea {
		p := orb.Point{
			indonesia.Min[0] + rng.Float64()*(indonesia.Max[0]-indonesia.Min[0]),
			indonesia.Min[1] + rng.Float64()*(indonesia.Max[1]-indonesia.Min[1]),
		}
		hit := false
		bounds.Search(p, p, func(_, _ [2]float64, _ struct{}) bool { hit = true; return false })
		if !hit {
			out = append(out, Point{p, Sea})
		}
	}
	for i := range nIsland {
		isl := islands[rng.IntN(len(islands))]
		if i%2 == 0 {
			out = append(out, Point{inside(rng, isl), Island})
		} else {
			out = append(out, Point{nearBorder(rng, isl, i%4 == 1), Island})
		}
	}
	return out
}

// inside draws points in p's box until one is inside p; after many misses
// (a thin sliver of a polygon) it takes a point just inside an edge.
func inside(rng *rand.Rand, p orb.Polygon) orb.Point {
	b := p.Bound()
	for range 200 {
		q := orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
		if planar.PolygonContains(p, q) {
			return q
		}
	}
	return nearBorder(rng, p, true)
}

// nearBorder takes a random point of a random edge of p's exterior and
// moves it up to BorderMetres across the edge, inward or outward. Inward
// is to the left of an edge of a counter-clockwise ring.
func nearBorder(rng *rand.Rand, p orb.Polygon, in bool) orb.Point {
	r := p[0]
	i := rng.IntN(len(r) - 1)
	a, b := r[i], r[i+1]
	t := rng.Float64()
	q := orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
	cos := math.Cos(q[1] * math.Pi / 180)
	dx, dy := (b[0]-a[0])*cos, b[1]-a[1] // in metre-proportional units
	l := math.Hypot(dx, dy)
	if l == 0 {
		return q
	}
	d := rng.Float64() * BorderMetres / metresPerDeg
	side := 1.0 // left of a->b
	if r.Orientation() == orb.CW {
		side = -1
	}
	if !in {
		side = -side
	}
	nx, ny := -dy/l*side, dx/l*side
	return orb.Point{q[0] + nx*d/cos, q[1] + ny*d}
}

func eachPart(g orb.Geometry, fn func(orb.Polygon)) {
	switch g := g.(type) {
	case orb.Polygon:
		fn(g)
	case orb.MultiPolygon:
		for _, p := range g {
			fn(p)
		}
	}
}
