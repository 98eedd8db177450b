package geodesy

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// Reference values in these tests were computed with PostGIS 3.3.2
// (PROJ 9.1.1, i.e. GeographicLib's geod_inverse and geod_polygonarea on
// WGS 84): ST_Distance(a::geography, b::geography, true) and
// ST_Area(g::geography). The 1°×1° cell and the (0,0)-(1,1) line are also
// the values GeographicLib itself gives.

// kelurahanFile is the shared data set, beside the repository.
const kelurahanFile = "../../../shared/data/baubau-kelurahan.geojson"

// loadKelurahan returns the kelurahan geometries by kode, or skips the test
// when the shared data is not beside the repository.
func loadKelurahan(tb testing.TB) map[string]orb.Geometry {
	tb.Helper()
	data, err := os.ReadFile(filepath.FromSlash(kelurahanFile))
	if os.IsNotExist(err) {
		tb.Skipf("%s not found", kelurahanFile)
	}
	if err != nil {
		tb.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		tb.Fatal(err)
	}
	out := make(map[string]orb.Geometry, len(fc.Features))
	for _, f := range fc.Features {
		out[f.Properties.MustString("kode")] = f.Geometry
	}
	if len(out) != 43 {
		tb.Fatalf("got %d kelurahan, want 43", len(out))
	}
	return out
}
