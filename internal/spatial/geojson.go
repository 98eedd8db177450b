package spatial

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
)

// ParseGeoJSON parses one GeoJSON geometry object (RFC 7946; a Feature is also accepted and its geometry taken).
// Every problem is a *domain.Error with Code EINVALID and field name `field`, message saying what is wrong:
// malformed JSON, missing/unknown type, GeometryCollection (not supported), coordinates not numbers,
// non-finite, lon outside -180..180 or lat outside -90..90, LineString with <2 positions, ring with <4 positions
// or not closed, polygon not valid (self-intersection, etc.), more than MaxVertices vertices in all.
//
// The decoding is done here rather than by orb/geojson so that each
// problem gets a message a client can act on, with the GeoJSON path of
// the offending position; the result is plain orb types. A position may
// carry an altitude, which is dropped. Type names are case-sensitive, as
// RFC 7946 has them.
func ParseGeoJSON(field string, data []byte) (orb.Geometry, error) {
	g, err := decodeGeometry(field, data, true)
	if err != nil {
		return nil, err
	}
	if err := Validate(field, g); err != nil {
		return nil, err
	}
	return g, nil
}

// object holds the members of a GeoJSON object that matter here.
type object struct {
	Type        *string         `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
	Geometry    json.RawMessage `json:"geometry"`
}

func decodeGeometry(field string, data []byte, featureAllowed bool) (orb.Geometry, error) {
	var o object
	if err := json.Unmarshal(data, &o); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return nil, domain.Invalid(field, "malformed JSON at byte %d: %s", syn.Offset, syn.Error())
		case errors.As(err, &typ) && typ.Field == "type":
			return nil, domain.Invalid(field, `"type" must be a string`)
		case errors.As(err, &typ):
			return nil, domain.Invalid(field, "must be a GeoJSON geometry object, not a JSON %s", typ.Value)
		}
		return nil, domain.Invalid(field, "malformed JSON: %s", err.Error())
	}
	if o.Type == nil {
		return nil, domain.Invalid(field, `missing "type"`)
	}
	typ := *o.Type
	switch typ {
	case "Feature":
		if !featureAllowed {
			return nil, domain.Invalid(field, "a Feature's geometry must be a geometry, not a Feature")
		}
		if isNull(o.Geometry) {
			return nil, domain.Invalid(field, "Feature has no geometry")
		}
		return decodeGeometry(field, o.Geometry, false)
	case "GeometryCollection":
		return nil, domain.Invalid(field, "GeometryCollection is not supported")
	case "FeatureCollection":
		return nil, domain.Invalid(field, "FeatureCollection is not supported; send one geometry or Feature")
	case "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon":
	default:
		return nil, domain.Invalid(field, "unknown geometry type %q", typ)
	}
	if isNull(o.Coordinates) {
		return nil, domain.Invalid(field, `missing "coordinates"`)
	}
	g, err := decodeCoordinates(typ, o.Coordinates)
	if err != nil {
		var pe *positionError
		switch {
		case errors.As(err, &pe):
			return nil, domain.Invalid(field, "%s", pe.Error())
		case errors.Is(err, errNotNumber):
			return nil, domain.Invalid(field, "coordinates must be numbers")
		case errors.Is(err, errNotFinite):
			return nil, domain.Invalid(field, "coordinates must be finite numbers")
		}
		return nil, domain.Invalid(field, "coordinates of a %s must be %s", typ, shapes[typ])
	}
	return g, nil
}

// shapes says what the coordinates of each type look like.
var shapes = map[string]string{
	"Point":           "one position [lon, lat]",
	"MultiPoint":      "an array of positions",
	"LineString":      "an array of positions",
	"MultiLineString": "an array of arrays of positions",
	"Polygon":         "an array of linear rings (arrays of positions)",
	"MultiPolygon":    "an array of polygons (arrays of linear rings)",
}

func isNull(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) == 0 || bytes.Equal(raw, []byte("null"))
}

var (
	errNotNumber = errors.New("spatial: coordinate is not a number")
	errNotFinite = errors.New("spatial: coordinate is not finite")
)

// number is a coordinate. encoding/json would turn null into 0 and give a
// Go type name for a string; number refuses both with our own errors.
type number float64

func (n *number) UnmarshalJSON(b []byte) error {
	if len(b) == 0 || (b[0] != '-' && (b[0] < '0' || b[0] > '9')) {
		return errNotNumber
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return errNotFinite // out of float64 range, e.g. 1e400
	}
	*n = number(f)
	return nil
}

// positionError is a position of the wrong length.
type positionError struct {
	path string
	n    int
}

func (e *positionError) Error() string {
	return fmt.Sprintf("%s: a position must have 2 or 3 numbers, has %d", e.path, e.n)
}

func toPoint(path string, pos []number) (orb.Point, error) {
	if len(pos) != 2 && len(pos) != 3 {
		return orb.Point{}, &positionError{path, len(pos)}
	}
	return orb.Point{float64(pos[0]), float64(pos[1])}, nil
}

func toPoints(path string, ps [][]number) ([]orb.Point, error) {
	out := make([]orb.Point, len(ps))
	for i, pos := range ps {
		p, err := toPoint(fmt.Sprintf("%s[%d]", path, i), pos)
		if err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, nil
}

func toRings(path string, rs [][][]number) ([]orb.Ring, error) {
	out := make([]orb.Ring, len(rs))
	for i, r := range rs {
		ps, err := toPoints(fmt.Sprintf("%s[%d]", path, i), r)
		if err != nil {
			return nil, err
		}
		out[i] = ps
	}
	return out, nil
}

func decodeCoordinates(typ string, raw json.RawMessage) (orb.Geometry, error) {
	const path = "coordinates"
	switch typ {
	case "Point":
		var c []number
		if err := json.Unmarshal(raw, &c); err != nil {
			return nil, err
		}
		return toPoint(path, c)
	case "MultiPoint", "LineString":
		var c [][]number
		if err := json.Unmarshal(raw, &c); err != nil {
			return nil, err
		}
		ps, err := toPoints(path, c)
		if err != nil {
			return nil, err
		}
		if typ == "MultiPoint" {
			return orb.MultiPoint(ps), nil
		}
		return orb.LineString(ps), nil
	case "MultiLineString", "Polygon":
		var c [][][]number
		if err := json.Unmarshal(raw, &c); err != nil {
			return nil, err
		}
		rs, err := toRings(path, c)
		if err != nil {
			return nil, err
		}
		if typ == "Polygon" {
			return orb.Polygon(rs), nil
		}
		mls := make(orb.MultiLineString, len(rs))
		for i, r := range rs {
			mls[i] = orb.LineString(r)
		}
		return mls, nil
	default: // MultiPolygon
		var c [][][][]number
		if err := json.Unmarshal(raw, &c); err != nil {
			return nil, err
		}
		mp := make(orb.MultiPolygon, len(c))
		for i, p := range c {
			rs, err := toRings(fmt.Sprintf("%s[%d]", path, i), p)
			if err != nil {
				return nil, err
			}
			mp[i] = rs
		}
		return mp, nil
	}
}
