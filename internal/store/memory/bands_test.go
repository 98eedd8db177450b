package memory_test

import (
	"context"
	"math"
	"testing"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/boundaries"
	"github.com/serasi/serasi/internal/domain"
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

// TestMinZoom: every area of the embedded data has its min zoom, the one
// generalise.MinZoom gives its bound, with or without an import.
func TestMinZoom(t *testing.T) {
	s, err := memory.New(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ks, err := s.Kelurahans(ctx, domain.KelurahanFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range ks {
		z, ok := s.MinZoom("kelurahan", k.Code)
		if want := generalise.MinZoom(k.Geometry.Bound()); !ok || z != want {
			t.Errorf("kelurahan %s: min zoom %d (%v), want %d", k.Code, z, ok, want)
		}
	}
	ps, err := s.Provinsis(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if z, ok := s.MinZoom("provinsi", p.Code); !ok || z != generalise.MinZoom(p.Geometry.Bound()) {
			t.Errorf("provinsi %s: min zoom %d (%v)", p.Code, z, ok)
		}
	}
	if _, ok := s.MinZoom("kelurahan", "99.99.99.9999"); ok {
		t.Error("an unknown code has a min zoom")
	}
}

// TestSharedKelurahans: the shared read gives what Kelurahans gives, less
// the kelurahan under their min zoom when it is asked for a zoom.
func TestSharedKelurahans(t *testing.T) {
	s, err := memory.New(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	box := orb.Bound{Min: orb.Point{122.55, -5.50}, Max: orb.Point{122.62, -5.45}}
	f := domain.KelurahanFilter{BBox: &box}
	want, err := s.Kelurahans(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.SharedKelurahans(ctx, f, math.MaxInt)
	if err != nil {
		t.Fatal(err)
	}
	// At a zoom, only those drawn there.
	const z = 7
	drawn, err := s.SharedKelurahans(ctx, f, z)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, k := range want {
		if generalise.MinZoom(k.Bound) <= z {
			n++
		}
	}
	if len(drawn) != n || n == 0 || n == len(want) {
		t.Errorf("z%d: %d shared, want %d of %d", z, len(drawn), n, len(want))
	}
	if len(want) == 0 || len(got) != len(want) {
		t.Fatalf("%d shared, %d copied; want the same, some", len(got), len(want))
	}
	for i := range want {
		if got[i].Code != want[i].Code || !orb.Equal(got[i].Geometry, want[i].Geometry) {
			t.Errorf("%d: %s, want %s", i, got[i].Code, want[i].Code)
		}
	}
}
