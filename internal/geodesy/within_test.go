package geodesy

import (
	"testing"

	"github.com/paulmach/orb"
)

func square(lon, lat, side float64) orb.Polygon {
	return orb.Polygon{{{lon, lat}, {lon + side, lat}, {lon + side, lat + side}, {lon, lat + side}, {lon, lat}}}
}

func TestPolygonsWithin(t *testing.T) {
	base := square(122.60, -5.46, 0.01)
	// 0.0001° of longitude near 5.46° S is about 11.08 m.
	gap := square(122.61+0.0001, -5.46, 0.01)
	tests := []struct {
		name   string
		a, b   orb.Geometry
		metres float64
		want   bool
	}{
		{"overlap", base, square(122.605, -5.455, 0.01), 0, true},
		{"inside", base, square(122.602, -5.458, 0.002), 0, true},
		{"shared edge", base, square(122.61, -5.46, 0.01), 0, true},
		{"corner", base, square(122.61, -5.45, 0.01), 0, true},
		{"gap within", base, gap, 12, true},
		{"gap beyond", base, gap, 10, false},
		{"gap beyond, reversed", gap, base, 10, false},
		{"multipolygon", orb.MultiPolygon{square(122.5, -5.5, 0.01), base}, gap, 12, true},
		{"far", base, square(122.70, -5.46, 0.01), 1000, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := PolygonsWithin(tc.a, tc.b, tc.metres); got != tc.want {
				t.Errorf("PolygonsWithin = %v, want %v", got, tc.want)
			}
		})
	}
}
