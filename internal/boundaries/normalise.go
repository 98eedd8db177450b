package boundaries

import (
	"errors"
	"fmt"
	"math"
	"regexp"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/geojson"
	sf "github.com/peterstace/simplefeatures/geom"

	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/spatial"
)

// Normalise turns a source geometry into what both stores keep, by these
// rules, in order (each repair is counted in rp):
//
//  1. only Polygon and MultiPolygon are accepted, with finite coordinates
//     in lon −180..180, lat −90..90;
//  2. coordinates are rounded to the files' precision
//     (dataset.CoordinatePrecision), as the embedded data is;
//  3. an unclosed ring is closed by repeating its first position;
//  4. consecutive repeated positions are removed;
//  5. a ring left with fewer than 4 positions, or with no area, is dropped
//     (an exterior ring with its holes); nothing left is refused;
//  6. rings are oriented per RFC 7946 (exterior counter-clockwise);
//  7. the result must be valid in the OGC sense (as PostGIS ST_IsValid).
//     A MultiPolygon whose parts are each valid but overlap is replaced
//     by the union of its parts (then rounded and checked again); any
//     other invalid geometry is refused.
//
// The embedded Baubau data goes through the same rules (geobuild), so an
// import of the Baubau file gives exactly the embedded kelurahan.
func Normalise(g orb.Geometry, rp *Repairs) (orb.Geometry, error) {
	switch g.(type) {
	case orb.Polygon, orb.MultiPolygon:
	case nil:
		return nil, errors.New("geometry is missing")
	default:
		return nil, fmt.Errorf("geometry is a %s, want Polygon or MultiPolygon", g.GeoJSONType())
	}
	if err := checkPositions(g); err != nil {
		return nil, err
	}
	g = repairRings(dataset.Round(g), rp)
	if g == nil {
		return nil, errors.New("no ring with an area is left")
	}
	g = orient(g, rp)
	err := Valid(g)
	if err == nil {
		return g, nil
	}
	mp, ok := g.(orb.MultiPolygon)
	if !ok || !partsValid(mp) {
		return nil, err
	}
	u, uerr := union(multiPolygonParts(mp))
	if uerr != nil {
		return nil, fmt.Errorf("%v; the union of its parts failed: %v", err, uerr)
	}
	u = orient(repairRings(dataset.Round(u), &Repairs{}), &Repairs{})
	if u == nil {
		return nil, err
	}
	if verr := Valid(u); verr != nil {
		return nil, fmt.Errorf("%v; the union of its parts is not valid either: %v", err, verr)
	}
	rp.UnionedParts++
	return u, nil
}

// ParseGeometry decodes a GeoJSON geometry without the request limits of
// spatial.ParseGeoJSON (a province has more vertices than a user may send).
func ParseGeometry(raw []byte) (orb.Geometry, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, errors.New("geometry is missing")
	}
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil {
		return nil, fmt.Errorf("geometry: %w", err)
	}
	return g.Geometry(), nil
}

func checkPositions(g orb.Geometry) error {
	var bad error
	check := func(p orb.Point) {
		if bad != nil {
			return
		}
		switch {
		case math.IsNaN(p[0]) || math.IsInf(p[0], 0) || math.IsNaN(p[1]) || math.IsInf(p[1], 0):
			bad = errors.New("coordinates must be finite numbers")
		case p[0] < -180 || p[0] > 180:
			bad = fmt.Errorf("longitude %g is outside -180..180", p[0])
		case p[1] < -90 || p[1] > 90:
			bad = fmt.Errorf("latitude %g is outside -90..90", p[1])
		}
	}
	eachRing(g, func(r orb.Ring) {
		for _, p := range r {
			check(p)
		}
	})
	return bad
}

func eachRing(g orb.Geometry, f func(orb.Ring)) {
	switch g := g.(type) {
	case orb.Polygon:
		for _, r := range g {
			f(r)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			eachRing(p, f)
		}
	}
}

// repairRings applies rules 3–5; nil when nothing is left.
func repairRings(g orb.Geometry, rp *Repairs) orb.Geometry {
	ring := func(r orb.Ring) orb.Ring {
		if len(r) > 0 && r[0] != r[len(r)-1] {
			r = append(r[:len(r):len(r)], r[0])
			rp.ClosedRings++
		}
		out := make(orb.Ring, 0, len(r))
		for i, p := range r {
			if i > 0 && p == r[i-1] {
				rp.RepeatedVertices++
				continue
			}
			out = append(out, p)
		}
		if len(out) < 4 || out.Orientation() == 0 {
			rp.DegenerateRings++
			return nil
		}
		return out
	}
	poly := func(p orb.Polygon) orb.Polygon {
		if len(p) == 0 {
			return nil
		}
		shell := ring(p[0])
		if shell == nil {
			rp.DegenerateRings += len(p) - 1
			return nil
		}
		out := orb.Polygon{shell}
		for _, h := range p[1:] {
			if h = ring(h); h != nil {
				out = append(out, h)
			}
		}
		return out
	}
	switch g := g.(type) {
	case orb.Polygon:
		if p := poly(g); p != nil {
			return p
		}
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, 0, len(g))
		for _, p := range g {
			if p = poly(p); p != nil {
				out = append(out, p)
			}
		}
		switch len(out) {
		case 0:
		case 1:
			return out[0]
		default:
			return out
		}
	}
	return nil
}

// orient applies rule 6, counting the rings it turned.
func orient(g orb.Geometry, rp *Repairs) orb.Geometry {
	eachPolygon(g, func(p orb.Polygon) {
		for i, r := range p {
			want := orb.CW
			if i == 0 {
				want = orb.CCW
			}
			if r.Orientation() != want {
				rp.Reoriented++
			}
		}
	})
	return spatial.Orient(g)
}

func eachPolygon(g orb.Geometry, f func(orb.Polygon)) {
	switch g := g.(type) {
	case orb.Polygon:
		f(g)
	case orb.MultiPolygon:
		for _, p := range g {
			f(p)
		}
	}
}

func multiPolygonParts(mp orb.MultiPolygon) []orb.Geometry {
	out := make([]orb.Geometry, len(mp))
	for i, p := range mp {
		out[i] = p
	}
	return out
}

func partsValid(mp orb.MultiPolygon) bool {
	for _, p := range mp {
		if Valid(p) != nil {
			return false
		}
	}
	return true
}

// xyPattern matches the "{x y}" in simplefeatures' messages.
var xyPattern = regexp.MustCompile(`\{(\S+) (\S+)\}`)

// Valid reports whether a polygonal geometry is valid in the OGC sense
// (simplefeatures' verdict, the same as spatial.Validate's, without its
// size limit).
func Valid(g orb.Geometry) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot be checked (%v)", r)
		}
	}()
	s, err := toSF(g)
	if err != nil {
		return err
	}
	if err := s.Validate(); err != nil {
		return fmt.Errorf("polygon is not valid: %s", xyPattern.ReplaceAllString(err.Error(), "[$1, $2]"))
	}
	return nil
}

// union dissolves geometries into one Polygon or MultiPolygon.
func union(gs []orb.Geometry) (g orb.Geometry, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("union failed (%v)", r)
		}
	}()
	parts := make([]sf.Geometry, len(gs))
	for i, g := range gs {
		if parts[i], err = toSF(g); err != nil {
			return nil, err
		}
	}
	u, err := sf.UnionMany(parts)
	if err != nil {
		return nil, err
	}
	og, err := wkb.Unmarshal(u.AsBinary())
	if err != nil {
		return nil, err
	}
	switch og := og.(type) {
	case orb.Polygon, orb.MultiPolygon:
		return og, nil
	case orb.Collection:
		// A union can carry lower-dimensional leftovers; keep the areas.
		var mp orb.MultiPolygon
		for _, m := range og {
			switch m := m.(type) {
			case orb.Polygon:
				mp = append(mp, m)
			case orb.MultiPolygon:
				mp = append(mp, m...)
			}
		}
		if len(mp) == 1 {
			return mp[0], nil
		}
		if len(mp) > 1 {
			return mp, nil
		}
	}
	return nil, fmt.Errorf("union is a %s, want Polygon or MultiPolygon", og.GeoJSONType())
}

// toSF moves a geometry to simplefeatures through WKB, which both
// libraries read and write losslessly.
func toSF(g orb.Geometry) (sf.Geometry, error) {
	b, err := wkb.Marshal(g)
	if err != nil {
		return sf.Geometry{}, err
	}
	return sf.UnmarshalWKB(b, sf.NoValidate{})
}
