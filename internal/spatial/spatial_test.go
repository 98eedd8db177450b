package spatial

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// kelurahanFile is the shared data set, beside the repository.
const kelurahanFile = "../../../shared/data/baubau-kelurahan.geojson"

type kelurahan struct {
	kode, nama string
	geometry   orb.Geometry
}

// loadKelurahan returns the 43 kelurahan of Baubau as the file has them
// (clockwise shells), or skips when the shared data is not there.
func loadKelurahan(tb testing.TB) []kelurahan {
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
	var out []kelurahan
	for _, f := range fc.Features {
		out = append(out, kelurahan{f.Properties.MustString("kode"), f.Properties.MustString("nama"), f.Geometry})
	}
	if len(out) != 43 {
		tb.Fatalf("got %d kelurahan, want 43", len(out))
	}
	return out
}

func byKode(tb testing.TB, kode string) orb.Geometry {
	tb.Helper()
	for _, k := range loadKelurahan(tb) {
		if k.kode == kode {
			return k.geometry
		}
	}
	tb.Fatalf("no kelurahan %s", kode)
	return nil
}
