package spatial

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
)

func TestValidate(t *testing.T) {
	big := make(orb.MultiPoint, MaxVertices+1)
	for i := range big {
		big[i] = orb.Point{122, -5}
	}
	cases := []struct {
		name string
		g    orb.Geometry
		msg  string // "" for valid; else a substring of the message
	}{
		{"point", orb.Point{122.6, -5.5}, ""},
		{"clockwise polygon", orb.Polygon{square}, ""},
		{"polygon with hole", donut, ""},
		{"multipolygon", multi, ""},
		{"nil", nil, "geometry is missing"},
		{"NaN", orb.Point{math.NaN(), 0}, "coordinates: coordinates must be finite numbers"},
		{"Inf in a line", orb.LineString{{0, 0}, {math.Inf(1), 0}}, "coordinates[1]: coordinates must be finite numbers"},
		{"collection", orb.Collection{orb.Point{1, 2}}, "GeometryCollection is not supported"},
		{"ring", square, "geometry type orb.Ring is not supported"},
		{"bound", square.Bound(), "geometry type orb.Bound is not supported"},
		{"empty multilinestring part", orb.MultiLineString{{}}, "coordinates[0]: a LineString needs at least 2 positions, has 0"},
		{"too many vertices", big, "geometry has 10001 positions, more than the limit of 10000"},
		{"hole touching the shell along an edge", orb.Polygon{square, {{0, 1}, {1, 1}, {1, 2}, {0, 2}, {0, 1}}}, "polygon is not valid"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate("body.geometry", tc.g)
			if tc.msg == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.EINVALID || de.Field != "body.geometry" {
				t.Fatalf("got %v, want an EINVALID *domain.Error for body.geometry", err)
			}
			if !strings.Contains(de.Message, tc.msg) {
				t.Errorf("message %q does not contain %q", de.Message, tc.msg)
			}
		})
	}
}

func TestValidateDoesNotModify(t *testing.T) {
	p := orb.Polygon{square.Clone()}
	if err := Validate("g", p); err != nil {
		t.Fatal(err)
	}
	if !orb.Equal(p, orb.Polygon{square}) {
		t.Error("Validate modified its input")
	}
}
