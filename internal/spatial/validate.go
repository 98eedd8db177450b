package spatial

import (
	"fmt"
	"math"
	"regexp"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
)

// Validate applies the same checks to an orb geometry (used by loaders and writes).
//
// It accepts Point, MultiPoint, LineString, MultiLineString, Polygon and
// MultiPolygon, non-empty, with finite coordinates in lon -180..180 and
// lat -90..90, lines of at least 2 distinct positions, rings of at least
// 4 positions that are closed, polygons valid in the OGC sense (as
// PostGIS ST_IsValid: no self-intersection, holes inside the shell,
// parts of a MultiPolygon not overlapping), and at most MaxVertices
// positions in all. Ring orientation is not checked: the source data has
// clockwise shells and Orient fixes that for output.
//
// Errors are *domain.Error with Code EINVALID and Field field; messages
// locate the problem as a GeoJSON path, e.g. "coordinates[0][3]: ...".
func Validate(field string, g orb.Geometry) error {
	if n := countVertices(g); n > MaxVertices {
		return domain.Invalid(field, "geometry has %d positions, more than the limit of %d", n, MaxVertices)
	}
	v := validator{field: field}
	switch g := g.(type) {
	case nil:
		return domain.Invalid(field, "geometry is missing")
	case orb.Point:
		return v.position("coordinates", g)
	case orb.MultiPoint:
		if len(g) == 0 {
			return domain.Invalid(field, "coordinates: a MultiPoint needs at least one position")
		}
		for i, p := range g {
			if err := v.position(fmt.Sprintf("coordinates[%d]", i), p); err != nil {
				return err
			}
		}
		return nil
	case orb.LineString:
		return v.line("coordinates", g)
	case orb.MultiLineString:
		if len(g) == 0 {
			return domain.Invalid(field, "coordinates: a MultiLineString needs at least one LineString")
		}
		for i, ls := range g {
			if err := v.line(fmt.Sprintf("coordinates[%d]", i), ls); err != nil {
				return err
			}
		}
		return nil
	case orb.Polygon:
		if err := v.polygon("coordinates", g); err != nil {
			return err
		}
		return v.valid(g)
	case orb.MultiPolygon:
		if len(g) == 0 {
			return domain.Invalid(field, "coordinates: a MultiPolygon needs at least one Polygon")
		}
		for i, p := range g {
			if err := v.polygon(fmt.Sprintf("coordinates[%d]", i), p); err != nil {
				return err
			}
		}
		return v.valid(g)
	case orb.Collection:
		return domain.Invalid(field, "GeometryCollection is not supported")
	}
	return domain.Invalid(field, "geometry type %T is not supported", g)
}

type validator struct{ field string }

func (v validator) position(path string, p orb.Point) error {
	lon, lat := p[0], p[1]
	switch {
	case math.IsNaN(lon) || math.IsInf(lon, 0) || math.IsNaN(lat) || math.IsInf(lat, 0):
		return domain.Invalid(v.field, "%s: coordinates must be finite numbers", path)
	case lon < -180 || lon > 180:
		return domain.Invalid(v.field, "%s: longitude %g is outside -180..180", path, lon)
	case lat < -90 || lat > 90:
		return domain.Invalid(v.field, "%s: latitude %g is outside -90..90", path, lat)
	}
	return nil
}

func (v validator) line(path string, ls orb.LineString) error {
	if len(ls) < 2 {
		return domain.Invalid(v.field, "%s: a LineString needs at least 2 positions, has %d", path, len(ls))
	}
	distinct := false
	for i, p := range ls {
		if err := v.position(fmt.Sprintf("%s[%d]", path, i), p); err != nil {
			return err
		}
		distinct = distinct || p != ls[0]
	}
	if !distinct {
		return domain.Invalid(v.field, "%s: a LineString needs at least 2 distinct positions", path)
	}
	return nil
}

func (v validator) polygon(path string, p orb.Polygon) error {
	if len(p) == 0 {
		return domain.Invalid(v.field, "%s: a Polygon needs at least one linear ring", path)
	}
	for i, r := range p {
		rp := fmt.Sprintf("%s[%d]", path, i)
		if len(r) < 4 {
			return domain.Invalid(v.field, "%s: a linear ring needs at least 4 positions, has %d", rp, len(r))
		}
		for j, q := range r {
			if err := v.position(fmt.Sprintf("%s[%d]", rp, j), q); err != nil {
				return err
			}
		}
		if r[0] != r[len(r)-1] {
			return domain.Invalid(v.field, "%s: linear ring is not closed (its first and last positions differ)", rp)
		}
	}
	return nil
}

// xyPattern matches the "{x y}" in simplefeatures' messages.
var xyPattern = regexp.MustCompile(`\{(\S+) (\S+)\}`)

// valid checks OGC validity of a structurally sound polygonal geometry.
func (v validator) valid(g orb.Geometry) error {
	if err := validity(g); err != nil {
		msg := xyPattern.ReplaceAllString(err.Error(), "[$1, $2]")
		return domain.Invalid(v.field, "coordinates: polygon is not valid: %s", msg)
	}
	return nil
}

// validity returns simplefeatures' verdict on g.
func validity(g orb.Geometry) (err error) {
	defer func() {
		// simplefeatures is not known to panic on any input, but a
		// panic here would come from user input; report it as invalid.
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot be checked (%v)", r)
		}
	}()
	sg, err := toSF(g)
	if err != nil {
		return err
	}
	return sg.Validate()
}

// countVertices counts the positions of g.
func countVertices(g orb.Geometry) int {
	switch g := g.(type) {
	case orb.Point:
		return 1
	case orb.MultiPoint:
		return len(g)
	case orb.LineString:
		return len(g)
	case orb.MultiLineString:
		n := 0
		for _, ls := range g {
			n += len(ls)
		}
		return n
	case orb.Ring:
		return len(g)
	case orb.Polygon:
		n := 0
		for _, r := range g {
			n += len(r)
		}
		return n
	case orb.MultiPolygon:
		n := 0
		for _, p := range g {
			n += countVertices(p)
		}
		return n
	case orb.Collection:
		n := 0
		for _, m := range g {
			n += countVertices(m)
		}
		return n
	}
	return 0
}
