package spatial

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
)

func TestParseGeoJSON(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want orb.Geometry
	}{
		{"point", `{"type":"Point","coordinates":[122.61,-5.47]}`, orb.Point{122.61, -5.47}},
		{"point with altitude", `{"type":"Point","coordinates":[122.61,-5.47,12.5]}`, orb.Point{122.61, -5.47}},
		{"extra members ignored", `{"type":"Point","coordinates":[1,2],"bbox":[1,2,1,2],"crs":null}`, orb.Point{1, 2}},
		{"multipoint", `{"type":"MultiPoint","coordinates":[[1,2],[3,4]]}`, orb.MultiPoint{{1, 2}, {3, 4}}},
		{"linestring", `{"type":"LineString","coordinates":[[1,2],[3,4]]}`, orb.LineString{{1, 2}, {3, 4}}},
		{"multilinestring", `{"type":"MultiLineString","coordinates":[[[1,2],[3,4]],[[5,6],[7,8]]]}`,
			orb.MultiLineString{{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}}},
		{"clockwise polygon is accepted as is", `{"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1],[1,0],[0,0]]]}`,
			orb.Polygon{{{0, 0}, {0, 1}, {1, 1}, {1, 0}, {0, 0}}}},
		{"polygon with hole", `{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,4],[0,4],[0,0]],[[1,1],[1,2],[2,2],[2,1],[1,1]]]}`,
			orb.Polygon{{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}, {{1, 1}, {1, 2}, {2, 2}, {2, 1}, {1, 1}}}},
		{"multipolygon", `{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[2,2],[3,2],[3,3],[2,2]]]]}`,
			orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}, {{{2, 2}, {3, 2}, {3, 3}, {2, 2}}}}},
		{"feature", `{"type":"Feature","properties":{"nama":"Wale"},"geometry":{"type":"Point","coordinates":[1,2]}}`, orb.Point{1, 2}},
		{"extreme but valid coordinates", `{"type":"Point","coordinates":[-180,90]}`, orb.Point{-180, 90}},
		{"whitespace", " \n{ \"type\" : \"Point\" , \"coordinates\" : [ 1 , 2 ] }\n", orb.Point{1, 2}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseGeoJSON("geometry", []byte(tc.in))
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if !orb.Equal(got, tc.want) {
				t.Errorf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestParseGeoJSONErrors(t *testing.T) {
	square := `[[0,0],[1,0],[1,1],[0,1],[0,0]]`
	cases := []struct {
		name string
		in   string
		msg  string // the whole message
	}{
		{"empty input", ``, "malformed JSON at byte 0: unexpected end of JSON input"},
		{"truncated", `{"type":"Point","coordinates":[1,`, "malformed JSON at byte 33: unexpected end of JSON input"},
		{"syntax error", `{"type":"Point",}`, `malformed JSON at byte 17: invalid character '}' looking for beginning of object key string`},
		{"not an object", `[1,2]`, "must be a GeoJSON geometry object, not a JSON array"},
		{"a string", `"Point"`, "must be a GeoJSON geometry object, not a JSON string"},
		{"null", `null`, `missing "type"`},
		{"missing type", `{"coordinates":[1,2]}`, `missing "type"`},
		{"type not a string", `{"type":7,"coordinates":[1,2]}`, `"type" must be a string`},
		{"unknown type", `{"type":"Circle","coordinates":[1,2]}`, `unknown geometry type "Circle"`},
		{"type is case-sensitive", `{"type":"point","coordinates":[1,2]}`, `unknown geometry type "point"`},
		{"geometry collection", `{"type":"GeometryCollection","geometries":[]}`, "GeometryCollection is not supported"},
		{"feature collection", `{"type":"FeatureCollection","features":[]}`, "FeatureCollection is not supported; send one geometry or Feature"},
		{"feature without geometry", `{"type":"Feature","properties":{}}`, "Feature has no geometry"},
		{"feature with null geometry", `{"type":"Feature","geometry":null}`, "Feature has no geometry"},
		{"feature of a feature", `{"type":"Feature","geometry":{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}}}`,
			"a Feature's geometry must be a geometry, not a Feature"},
		{"feature with collection", `{"type":"Feature","geometry":{"type":"GeometryCollection","geometries":[]}}`, "GeometryCollection is not supported"},
		{"missing coordinates", `{"type":"Point"}`, `missing "coordinates"`},
		{"null coordinates", `{"type":"Point","coordinates":null}`, `missing "coordinates"`},
		{"coordinate is a string", `{"type":"Point","coordinates":["1",2]}`, "coordinates must be numbers"},
		{"coordinate is null", `{"type":"LineString","coordinates":[[1,2],[null,3]]}`, "coordinates must be numbers"},
		{"coordinate is a bool", `{"type":"Point","coordinates":[true,2]}`, "coordinates must be numbers"},
		{"coordinate overflows", `{"type":"Point","coordinates":[1e400,2]}`, "coordinates must be finite numbers"},
		{"point coordinates nested too deep", `{"type":"Point","coordinates":[[1,2]]}`, "coordinates must be numbers"},
		{"polygon coordinates not nested enough", `{"type":"Polygon","coordinates":[[1,2],[3,4]]}`,
			"coordinates of a Polygon must be an array of linear rings (arrays of positions)"},
		{"polygon coordinates an object", `{"type":"Polygon","coordinates":{"a":1}}`,
			"coordinates of a Polygon must be an array of linear rings (arrays of positions)"},
		{"linestring coordinates a number", `{"type":"LineString","coordinates":5}`, "coordinates of a LineString must be an array of positions"},
		{"position too short", `{"type":"Point","coordinates":[1]}`, "coordinates: a position must have 2 or 3 numbers, has 1"},
		{"position too long", `{"type":"LineString","coordinates":[[1,2],[1,2,3,4]]}`, "coordinates[1]: a position must have 2 or 3 numbers, has 4"},
		{"empty point", `{"type":"Point","coordinates":[]}`, "coordinates: a position must have 2 or 3 numbers, has 0"},
		{"longitude out of range", `{"type":"Point","coordinates":[180.5,0]}`, "coordinates: longitude 180.5 is outside -180..180"},
		{"latitude out of range", `{"type":"MultiPoint","coordinates":[[0,0],[0,-90.01]]}`, "coordinates[1]: latitude -90.01 is outside -90..90"},
		{"lat/lon swapped", `{"type":"Point","coordinates":[-5.47,122.61]}`, "coordinates: latitude 122.61 is outside -90..90"},
		{"empty multipoint", `{"type":"MultiPoint","coordinates":[]}`, "coordinates: a MultiPoint needs at least one position"},
		{"linestring of one position", `{"type":"LineString","coordinates":[[1,2]]}`, "coordinates: a LineString needs at least 2 positions, has 1"},
		{"empty linestring", `{"type":"LineString","coordinates":[]}`, "coordinates: a LineString needs at least 2 positions, has 0"},
		{"linestring of one repeated position", `{"type":"LineString","coordinates":[[1,2],[1,2]]}`, "coordinates: a LineString needs at least 2 distinct positions"},
		{"empty multilinestring", `{"type":"MultiLineString","coordinates":[]}`, "coordinates: a MultiLineString needs at least one LineString"},
		{"short line in multilinestring", `{"type":"MultiLineString","coordinates":[[[1,2],[3,4]],[[5,6]]]}`, "coordinates[1]: a LineString needs at least 2 positions, has 1"},
		{"empty polygon", `{"type":"Polygon","coordinates":[]}`, "coordinates: a Polygon needs at least one linear ring"},
		{"ring of three positions", `{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}`, "coordinates[0]: a linear ring needs at least 4 positions, has 3"},
		{"unclosed ring", `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}`, "coordinates[0]: linear ring is not closed (its first and last positions differ)"},
		{"unclosed hole", `{"type":"Polygon","coordinates":[` + square + `,[[0.2,0.2],[0.2,0.4],[0.4,0.4],[0.4,0.2]]]}`,
			"coordinates[1]: linear ring is not closed (its first and last positions differ)"},
		{"bad position in a hole", `{"type":"Polygon","coordinates":[` + square + `,[[0.2,0.2],[0.2,0.4],[0.4,95],[0.2,0.2]]]}`,
			"coordinates[1][2]: latitude 95 is outside -90..90"},
		{"bowtie", `{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}`,
			"coordinates: polygon is not valid: validating ring at index 0: polygon ring not simple (at or near [0, 0])"},
		{"zero-area spike", `{"type":"Polygon","coordinates":[[[0,0],[1,0],[2,0],[0,0]]]}`,
			"coordinates: polygon is not valid: validating ring at index 0: polygon ring not simple (at or near [0, 0])"},
		{"hole outside shell", `{"type":"Polygon","coordinates":[` + square + `,[[2,2],[2,3],[3,3],[3,2],[2,2]]]}`,
			"coordinates: polygon is not valid: polygon interior ring outside of exterior ring (at or near [2, 2])"},
		{"empty multipolygon", `{"type":"MultiPolygon","coordinates":[]}`, "coordinates: a MultiPolygon needs at least one Polygon"},
		{"empty polygon in multipolygon", `{"type":"MultiPolygon","coordinates":[[` + square + `],[]]}`, "coordinates[1]: a Polygon needs at least one linear ring"},
		{"short ring in multipolygon", `{"type":"MultiPolygon","coordinates":[[` + square + `],[[[0,0],[1,1],[0,0]]]]}`,
			"coordinates[1][0]: a linear ring needs at least 4 positions, has 3"},
		{"overlapping multipolygon", `{"type":"MultiPolygon","coordinates":[[` + square + `],[[[0.5,0.5],[1.5,0.5],[1.5,1.5],[0.5,1.5],[0.5,0.5]]]]}`,
			"coordinates: polygon is not valid: validating multipolygon constraints: multipolygon child polygons touch at multiple points (at or near [1, 0.75])"},
		{"too many vertices", tooManyVertices(), fmt.Sprintf("geometry has %d positions, more than the limit of %d", MaxVertices+1, MaxVertices)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g, err := ParseGeoJSON("filter.within", []byte(tc.in))
			if err == nil {
				t.Fatalf("got %v, want an error", g)
			}
			var de *domain.Error
			if !errors.As(err, &de) {
				t.Fatalf("error %v (%T) is not a *domain.Error", err, err)
			}
			if de.Code != domain.EINVALID || de.Field != "filter.within" {
				t.Errorf("code %q field %q, want %q %q", de.Code, de.Field, domain.EINVALID, "filter.within")
			}
			if de.Message != tc.msg {
				t.Errorf("message\n got: %s\nwant: %s", de.Message, tc.msg)
			}
		})
	}
}

// tooManyVertices is a valid LineString of MaxVertices+1 positions.
func tooManyVertices() string {
	var b strings.Builder
	b.WriteString(`{"type":"LineString","coordinates":[`)
	for i := range MaxVertices + 1 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "[%g,%g]", 122+float64(i)*1e-5, -5.0)
	}
	b.WriteString("]}")
	return b.String()
}

func TestParseGeoJSONAtTheVertexLimit(t *testing.T) {
	in := strings.Replace(tooManyVertices(), ",[122.1,-5]]}", "]}", 1)
	if !strings.HasSuffix(in, "]]}") || strings.Count(in, "[") != MaxVertices+1 {
		t.Fatalf("test input has %d positions", strings.Count(in, "[")-1)
	}
	if _, err := ParseGeoJSON("g", []byte(in)); err != nil {
		t.Errorf("%d positions refused: %v", MaxVertices, err)
	}
}
