package storetest

import (
	"math"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/spatial"
)

// Facts of the real data (see /work/shared/data: the Kemendagri boundaries
// of Kota Baubau).
var (
	walePoint = orb.Point{122.6077, -5.4560} // in Wale, 74.72.02.1001
	waleCode  = "74.72.02.1001"
	// Buton Strait, 2.6 km off the coast. (122.70, -5.40), which looks like
	// sea on small maps, lies inside Waliabuku (74.72.04.1008) in the source.
	straitPoint  = orb.Point{122.60, -5.42}
	southWestSea = orb.Point{122.5, -5.6}
)

// Approximate metres per degree at Baubau's latitude (5.5° S). Only used to
// choose test points with a margin, never to compute an expected answer.
const (
	metresPerDegLat = 110_600.0
	metresPerDegLon = 110_800.0
)

// planarMetres is the distance from p to the segment a-b in an
// equirectangular projection around p.
func planarMetres(p, a, b orb.Point) float64 {
	ax, ay := (a[0]-p[0])*metresPerDegLon, (a[1]-p[1])*metresPerDegLat
	bx, by := (b[0]-p[0])*metresPerDegLon, (b[1]-p[1])*metresPerDegLat
	dx, dy := bx-ax, by-ay
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l))
	}
	return math.Hypot(ax+t*dx, ay+t*dy)
}

// boundaryMetres is the planar distance from p to the nearest edge of an area.
func boundaryMetres(p orb.Point, g orb.Geometry) float64 {
	d := math.Inf(1)
	eachRing(g, func(r orb.Ring) {
		for i := 0; i+1 < len(r); i++ {
			d = math.Min(d, planarMetres(p, r[i], r[i+1]))
		}
	})
	return d
}

func eachRing(g orb.Geometry, fn func(orb.Ring)) {
	switch g := g.(type) {
	case orb.Polygon:
		for _, r := range g {
			fn(r)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			for _, r := range p {
				fn(r)
			}
		}
	}
}

// boundMetres is a lower bound of the planar distance from p to anything in b.
func boundMetres(p orb.Point, b orb.Bound) float64 {
	dx := math.Max(0, math.Max(b.Min[0]-p[0], p[0]-b.Max[0])) * metresPerDegLon
	dy := math.Max(0, math.Max(b.Min[1]-p[1], p[1]-b.Max[1])) * metresPerDegLat
	return math.Hypot(dx, dy)
}

// wellInside returns the point of a grid over k's bound that lies inside k,
// in no other kelurahan, and farthest from k's boundary and from every other
// kelurahan, with that clearance in metres.
func wellInside(ds *dataset.Dataset, k domain.Kelurahan) (orb.Point, float64) {
	const n = 40
	b := k.Geometry.Bound()
	var best orb.Point
	bestClear := -1.0
	for i := 0; i <= n; i++ {
		for j := 0; j <= n; j++ {
			p := orb.Point{
				b.Min[0] + (b.Max[0]-b.Min[0])*float64(i)/n,
				b.Min[1] + (b.Max[1]-b.Min[1])*float64(j)/n,
			}
			if !spatial.ContainsPoint(k.Geometry, p) {
				continue
			}
			clear := boundaryMetres(p, k.Geometry)
			if clear <= bestClear {
				continue
			}
			for _, o := range ds.Kelurahans {
				if o.Code == k.Code || boundMetres(p, o.Geometry.Bound()) >= clear {
					continue
				}
				if spatial.ContainsPoint(o.Geometry, p) {
					clear = 0
					break
				}
				clear = math.Min(clear, boundaryMetres(p, o.Geometry))
			}
			if clear > bestClear {
				best, bestClear = p, clear
			}
		}
	}
	return best, bestClear
}

// overlapPoints returns points a few metres from a vertex of one kelurahan
// that lies inside another, covered by both: the slivers where the
// simplified polygons overlap and the lowest code must win.
func overlapPoints(ds *dataset.Dataset, max int) []orb.Point {
	const step = 2e-5 // about 2 m
	var out []orb.Point
	for _, a := range ds.Kelurahans {
		for _, b := range ds.Kelurahans {
			if a.Code == b.Code || !a.Geometry.Bound().Intersects(b.Geometry.Bound()) {
				continue
			}
			walkPoints(a.Geometry, func(v orb.Point) {
				if len(out) >= max || !spatial.ContainsPoint(b.Geometry, v) {
					return
				}
				for _, d := range [][2]float64{{1, 0}, {-1, 0}, {0, 1}, {0, -1}, {1, 1}, {-1, -1}, {1, -1}, {-1, 1}} {
					q := orb.Point{v[0] + d[0]*step, v[1] + d[1]*step}
					if spatial.ContainsPoint(a.Geometry, q) && spatial.ContainsPoint(b.Geometry, q) {
						out = append(out, q)
						return
					}
				}
			})
		}
	}
	return out
}

// cityBound is the bound of every kelurahan, padded by about 2 km of sea.
func cityBound(ds *dataset.Dataset) orb.Bound {
	b := ds.Kelurahans[0].Geometry.Bound()
	for _, k := range ds.Kelurahans[1:] {
		b = b.Union(k.Geometry.Bound())
	}
	return b.Pad(0.02)
}
