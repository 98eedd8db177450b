package nationaltest

import (
	"os"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// Feature is one boundary as the source file has it: rings clockwise,
// neighbours overlapping or leaving slivers, a few invalid.
type Feature struct {
	Code, Name string
	Geometry   orb.Geometry
}

// Read returns the features of one source file, in file order.
func Read(t testing.TB, path string) []Feature {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("nationaltest: %v", err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		t.Fatalf("nationaltest: %s: %v", path, err)
	}
	out := make([]Feature, 0, len(fc.Features))
	for _, f := range fc.Features {
		out = append(out, Feature{Code: f.Properties.MustString("kode", ""), Name: f.Properties.MustString("nama", ""), Geometry: f.Geometry})
	}
	return out
}

// ReadLevel returns the features of every file of one level.
func ReadLevel(t testing.TB, level string) []Feature {
	t.Helper()
	var out []Feature
	for _, f := range Files(t, level) {
		out = append(out, Read(t, f)...)
	}
	return out
}
