package geobuild_test

import (
	"slices"
	"testing"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/geobuild"
	"github.com/serasi/serasi/internal/spatial"
)

func TestRequestPoints(t *testing.T) {
	ds, err := dataset.Load(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	const n = 43 * 40
	ps := geobuild.RequestPoints(ds.Kelurahans, n, 7)
	if len(ps) != n {
		t.Fatalf("%d points, want %d", len(ps), n)
	}
	if !slices.Equal(ps, geobuild.RequestPoints(ds.Kelurahans, n, 7)) {
		t.Error("the same seed gave other points")
	}
	if slices.Equal(ps, geobuild.RequestPoints(ds.Kelurahans, n, 8)) {
		t.Error("another seed gave the same points")
	}
	// Drawn by kelurahan, not by area: the smallest get their share too.
	hits := map[string]int{}
	for _, p := range ps {
		in := ""
		for _, k := range ds.Kelurahans {
			if spatial.ContainsPoint(k.Geometry, p) {
				in = k.Code
				break
			}
		}
		if in == "" {
			t.Fatalf("point %v is in no kelurahan", p)
		}
		hits[in]++
	}
	for _, k := range ds.Kelurahans {
		if hits[k.Code] < 10 {
			t.Errorf("%s %s (%.2f km²) got %d of %d points", k.Code, k.Name, k.AreaSqM/1e6, hits[k.Code], n)
		}
	}
	if geobuild.RequestPoints(nil, 5, 1) != nil || geobuild.RequestPoints(ds.Kelurahans, 0, 1) != nil {
		t.Error("no kelurahan or no count should give no points")
	}
}
