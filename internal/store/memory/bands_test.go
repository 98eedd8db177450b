package memory_test

import (
	"context"
	"testing"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/boundaries"
	"github.com/serasi/serasi/internal/generalise"
	"github.com/serasi/serasi/internal/store/memory"
)

// TestBandGeometry: boundaries imported with their generalised bands come
// back from the data dir, one geometry per band, the original from z12.
func TestBandGeometry(t *testing.T) {
	set, err := boundaries.Read("../../../../shared/data/baubau-kelurahan.geojson", boundaries.Options{Generalise: generalise.Geometries})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := memory.ImportBoundaries(dir, set); err != nil {
		t.Fatal(err)
	}
	s, err := memory.Open(geodata.FS, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const wale = "74.72.02.1001"
	k, err := s.Kelurahan(context.Background(), wale)
	if err != nil {
		t.Fatal(err)
	}
	full := vertices(k.Geometry)
	prev := 0
	for z := 4; z <= 11; z++ {
		g, ok := s.BandGeometry("kelurahan", wale, z)
		if !ok {
			t.Fatalf("z%d: no band geometry", z)
		}
		n := vertices(g)
		if n >= full || n < prev || !generalise.Valid(g) {
			t.Errorf("z%d: %d vertices (original %d, previous band %d), valid %v", z, n, full, prev, generalise.Valid(g))
		}
		prev = n
	}
	if _, ok := s.BandGeometry("kelurahan", wale, 12); ok {
		t.Error("z12 has a band geometry; it draws the original")
	}
	if _, ok := s.BandGeometry("kelurahan", "99.99.99.9999", 5); ok {
		t.Error("an unknown code has a band geometry")
	}
	plain, err := memory.New(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := plain.BandGeometry("kelurahan", wale, 5); ok {
		t.Error("the embedded data (no import) has band geometries")
	}
}

func vertices(g orb.Geometry) int {
	n := 0
	switch g := g.(type) {
	case orb.Polygon:
		for _, r := range g {
			n += len(r)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			n += vertices(p)
		}
	}
	return n
}
