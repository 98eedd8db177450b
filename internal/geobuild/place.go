package geobuild

import (
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/geodesy"
	"github.com/serasi/serasi/internal/spatial"
)

// metresPerDegree is the length of one degree of latitude, near enough at
// Baubau (5.5° S) for sizing sample shapes; nothing is measured with it.
const metresPerDegree = 111_320.0

// placer puts shapes inside kelurahan by rejection sampling.
type placer struct {
	rng  *rand.Rand
	kels []domain.Kelurahan
	// margin is the least distance in metres from a shape's vertices (and
	// segment midpoints) to the boundary of its kelurahan; 0 skips the
	// (costly) distance check.
	margin   float64
	boundary map[string]orb.MultiLineString
}

func newPlacer(rng *rand.Rand, kels []domain.Kelurahan, margin float64) *placer {
	pl := &placer{rng: rng, kels: kels, margin: margin, boundary: map[string]orb.MultiLineString{}}
	for _, k := range kels {
		var mls orb.MultiLineString
		for _, p := range polygons(k.Geometry) {
			for _, r := range p {
				mls = append(mls, orb.LineString(r))
			}
		}
		pl.boundary[k.Code] = mls
	}
	return pl
}

func polygons(g orb.Geometry) []orb.Polygon {
	switch g := g.(type) {
	case orb.Polygon:
		return []orb.Polygon{g}
	case orb.MultiPolygon:
		return g
	}
	return nil
}

// point returns a random point inside k (no margin check).
func (pl *placer) point(k domain.Kelurahan) orb.Point {
	b := k.Bound
	for {
		p := orb.Point{
			b.Min[0] + pl.rng.Float64()*(b.Max[0]-b.Min[0]),
			b.Min[1] + pl.rng.Float64()*(b.Max[1]-b.Min[1]),
		}
		if spatial.ContainsPoint(k.Geometry, p) {
			return dataset.RoundPoint(p)
		}
	}
}

// place returns a shape for a project of the given kind inside k, or false
// when none fitted in maxTries attempts (a kelurahan too small or thin).
func (pl *placer) place(k domain.Kelurahan, kind domain.ProjectKind, maxTries int) (orb.Geometry, bool) {
	for range maxTries {
		g := pl.shape(pl.point(k), kind)
		if pl.fits(k, g) {
			return g, true
		}
	}
	return nil, false
}

// shape builds a shape of the kind starting at p, rounded as the files
// store it so that what is checked is what is written.
func (pl *placer) shape(p orb.Point, kind domain.ProjectKind) orb.Geometry {
	switch dataset.GeometryTypeOf(kind) {
	case "LineString":
		// A road or drain of 200–500 m in 2–5 segments that wander a little.
		n := 3 + pl.rng.IntN(4)
		segment := (200 + pl.rng.Float64()*300) / float64(n-1)
		heading := pl.rng.Float64() * 2 * math.Pi
		ls := orb.LineString{p}
		for range n - 1 {
			heading += (pl.rng.Float64() - 0.5) * math.Pi / 4
			p = offset(p, segment*math.Cos(heading), segment*math.Sin(heading))
			ls = append(ls, p)
		}
		return dataset.Round(ls)
	case "Polygon":
		// A field of about 100 × 60 m, rotated; corners listed
		// counter-clockwise (RFC 7946) — rotation keeps the orientation.
		w, h := 90+pl.rng.Float64()*20, 55+pl.rng.Float64()*10
		theta := pl.rng.Float64() * math.Pi
		corners := [][2]float64{{0, 0}, {w, 0}, {w, h}, {0, h}}
		ring := make(orb.Ring, 0, 5)
		for _, c := range corners {
			dx := c[0]*math.Cos(theta) - c[1]*math.Sin(theta)
			dy := c[0]*math.Sin(theta) + c[1]*math.Cos(theta)
			ring = append(ring, offset(p, dx, dy))
		}
		ring = append(ring, ring[0])
		return dataset.Round(orb.Polygon{ring})
	}
	return p
}

// offset moves p by dx metres east and dy metres north.
func offset(p orb.Point, dx, dy float64) orb.Point {
	lat := p[1] + dy/metresPerDegree
	return orb.Point{p[0] + dx/(metresPerDegree*math.Cos(lat*math.Pi/180)), lat}
}

// fits reports whether g lies inside k, keeps the margin, and has no
// vertex inside another kelurahan. The last rule keeps the sample clear of
// the overlapping slivers of the source, so the kelurahan derived from a
// project's first coordinate (the lowest code wins) is always k.
func (pl *placer) fits(k domain.Kelurahan, g orb.Geometry) bool {
	pts := vertices(g)
	// Vertices first: the cheap test rejects most misses, and for a point
	// it is the whole of Covers.
	for _, p := range pts {
		if !k.Bound.Contains(p) || !spatial.ContainsPoint(k.Geometry, p) {
			return false
		}
	}
	if _, isPoint := g.(orb.Point); !isPoint && !dataset.Covers(k.Geometry, g) {
		return false
	}
	for _, p := range pts {
		for _, other := range pl.kels {
			if other.Code != k.Code && other.Bound.Contains(p) && spatial.ContainsPoint(other.Geometry, p) {
				return false
			}
		}
	}
	if pl.margin > 0 {
		if ls, ok := g.(orb.LineString); ok {
			for i := 1; i < len(ls); i++ {
				pts = append(pts, orb.Point{(ls[i-1][0] + ls[i][0]) / 2, (ls[i-1][1] + ls[i][1]) / 2})
			}
		}
		for _, p := range pts {
			if geodesy.DistanceToGeometry(p, pl.boundary[k.Code]) < pl.margin {
				return false
			}
		}
	}
	return true
}

func vertices(g orb.Geometry) []orb.Point {
	switch g := g.(type) {
	case orb.Point:
		return []orb.Point{g}
	case orb.LineString:
		return append([]orb.Point(nil), g...)
	case orb.Polygon:
		return append([]orb.Point(nil), g[0]...)
	}
	return nil
}
