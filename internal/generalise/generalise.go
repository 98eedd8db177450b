package generalise

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/simplify"
	sf "github.com/peterstace/simplefeatures/geom"

	"github.com/serasi/serasi/internal/spatial"
)

// Band is a range of zooms drawn from one generalised geometry.
type Band struct {
	MinZoom, MaxZoom int
	// Tolerance is the Douglas–Peucker tolerance in degrees; 0 keeps the
	// original geometry.
	Tolerance float64
}

// pixel is the width in degrees of one pixel of a 512 px tile at zoom z;
// near the equator, where Indonesia lies, it is also its height.
func pixel(z int) float64 { return 360 / math.Exp2(float64(z)) / 512 }

// Bands are the zoom bands, deepest last; the last one is the original
// geometry and runs to any zoom.
var Bands = []Band{
	{MinZoom: 0, MaxZoom: 5, Tolerance: pixel(5)},
	{MinZoom: 6, MaxZoom: 7, Tolerance: pixel(7)},
	{MinZoom: 8, MaxZoom: 9, Tolerance: pixel(9)},
	{MinZoom: 10, MaxZoom: 11, Tolerance: pixel(11)},
	{MinZoom: 12, MaxZoom: math.MaxInt, Tolerance: 0},
}

// MaxRetries is how many times a geometry that simplification made
// invalid is simplified again at half the tolerance before the original
// is kept.
const MaxRetries = 6

// BandIndex returns the index in Bands of the band that draws zoom z.
func BandIndex(z int) int {
	for i, b := range Bands {
		if z <= b.MaxZoom {
			return i
		}
	}
	return len(Bands) - 1
}

// Set holds one geometry per band, indexed like Bands.
type Set []orb.Geometry

// ForZoom returns the geometry drawn at zoom z.
func (s Set) ForZoom(z int) orb.Geometry { return s[BandIndex(z)] }

// Stats counts what generalisation changed.
type Stats struct {
	DroppedHoles int // holes that collapsed and were dropped
	DroppedParts int // MultiPolygon parts that collapsed and were dropped
	// Retries counts the simplifications done again at half the
	// tolerance (a collapsed largest part or an invalid result);
	// Originals counts the band geometries that kept the original.
	Retries, Originals int
}

// Add adds o to s.
func (s *Stats) Add(o Stats) {
	s.DroppedHoles += o.DroppedHoles
	s.DroppedParts += o.DroppedParts
	s.Retries += o.Retries
	s.Originals += o.Originals
}

// All returns g generalised for every band (see the package comment). g
// must be a valid Polygon or MultiPolygon; any other geometry is returned
// unchanged in every band. The last band holds g itself.
func All(g orb.Geometry) (Set, Stats) {
	set := make(Set, len(Bands))
	var st Stats
	for i, b := range Bands {
		if b.Tolerance == 0 {
			set[i] = g
			continue
		}
		var s Stats
		set[i], s = Simplify(g, b.Tolerance)
		st.Add(s)
	}
	return set, st
}

// Geometries is All without the stats, in the form of the import's hook
// (boundaries.Options.Generalise).
func Geometries(g orb.Geometry) []orb.Geometry {
	set, _ := All(g)
	return set
}

// Simplify returns g simplified at tolerance tol (degrees) by the rules of
// the package comment. The result never shares memory with g.
func Simplify(g orb.Geometry, tol float64) (orb.Geometry, Stats) {
	var parts []orb.Polygon
	switch g := g.(type) {
	case orb.Polygon:
		parts = []orb.Polygon{g}
	case orb.MultiPolygon:
		parts = g
	default:
		return g, Stats{}
	}
	if len(parts) == 0 {
		return g, Stats{}
	}
	largest := largestPart(parts)
	var st Stats
	for try := 0; try <= MaxRetries; try, tol = try+1, tol/2 {
		var s Stats
		out := make(orb.MultiPolygon, 0, len(parts))
		for i, p := range parts {
			q, ps := simplifyPolygon(p, tol, i == largest)
			s.Add(ps)
			if q == nil {
				s.DroppedParts++
				continue
			}
			out = append(out, q)
		}
		st.Retries += s.Retries
		var res orb.Geometry = out
		if _, single := g.(orb.Polygon); single || len(out) == 1 {
			res = out[0]
		}
		res = spatial.Orient(res)
		if Valid(res) {
			st.DroppedHoles += s.DroppedHoles
			st.DroppedParts += s.DroppedParts
			return res, st
		}
		st.Retries++
	}
	st.Originals++
	return clone(g), st
}

// simplifyPolygon simplifies p's rings at tol, dropping collapsed holes.
// It returns nil when the exterior collapses, unless keep is set: then it
// halves the tolerance until the exterior survives (the original at the
// end).
func simplifyPolygon(p orb.Polygon, tol float64, keep bool) (orb.Polygon, Stats) {
	var st Stats
	var shell orb.Ring
	for try := 0; ; try, tol = try+1, tol/2 {
		if try > MaxRetries {
			shell = p[0].Clone()
			break
		}
		shell = simplifyRing(p[0], tol)
		if shell != nil {
			break
		}
		if !keep {
			return nil, st
		}
		st.Retries++
	}
	out := orb.Polygon{shell}
	for _, h := range p[1:] {
		if r := simplifyRing(h, tol); r != nil {
			out = append(out, r)
		} else {
			st.DroppedHoles++
		}
	}
	return out, st
}

// simplifyRing returns r simplified at tol, or nil when it collapses.
func simplifyRing(r orb.Ring, tol float64) orb.Ring {
	s, _ := simplify.DouglasPeucker(tol).Simplify(r.Clone()).(orb.Ring)
	if len(s) < 4 || planar.Area(s) == 0 {
		return nil
	}
	return s
}

func largestPart(parts []orb.Polygon) int {
	best, bestArea := 0, -1.0
	for i, p := range parts {
		if a := math.Abs(planar.Area(p[0])); a > bestArea {
			best, bestArea = i, a
		}
	}
	return best
}

// Valid reports whether g is valid in the OGC sense, with simplefeatures'
// validation (the one spatial.Validate uses, without its vertex limit:
// a national kelurahan may have more).
func Valid(g orb.Geometry) bool {
	var err error
	switch g := g.(type) {
	case orb.Polygon:
		_, err = sfPolygon(g)
	case orb.MultiPolygon:
		ps := make([]sf.Polygon, len(g))
		for i, p := range g {
			if ps[i], err = sfPolygon(p); err != nil {
				return false
			}
		}
		err = sf.NewMultiPolygon(ps).Validate()
	}
	return err == nil
}

func sfPolygon(p orb.Polygon) (sf.Polygon, error) {
	rings := make([]sf.LineString, len(p))
	for i, r := range p {
		flat := make([]float64, 0, 2*len(r))
		for _, q := range r {
			flat = append(flat, q[0], q[1])
		}
		rings[i] = sf.NewLineString(sf.NewSequence(flat, sf.DimXY))
	}
	poly := sf.NewPolygon(rings)
	return poly, poly.Validate()
}

func clone(g orb.Geometry) orb.Geometry {
	switch g := g.(type) {
	case orb.Polygon:
		return g.Clone()
	case orb.MultiPolygon:
		return g.Clone()
	}
	return g
}
