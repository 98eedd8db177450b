package postgis

import (
	"fmt"
	"strings"
	"testing"

	"github.com/serasi/serasi/internal/store"
)

// The neighbour view of migration 00006 repeats the tolerance in SQL (a
// migration cannot take parameters); it must say what the Go constant says.
func TestNeighbourViewTolerance(t *testing.T) {
	// 00007 rebuilds the view (each pair measured once); both say it.
	for _, name := range []string{"00006_kelurahan_neighbours.sql", "00007_wilayah.sql"} {
		b, err := migrationFiles.ReadFile("migrations/" + name)
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("ST_DWithin(a.geom::geography, b.geom::geography, %g)", store.NeighbourToleranceMeters)
		if !strings.Contains(string(b), want) {
			t.Errorf("migration %s lacks %q", name, want)
		}
	}
	// The planar prefilter must reach at least as far as the tolerance in
	// degrees of longitude up to 60° of latitude (55.8 km per degree there).
	if 0.0005*55_800 < store.NeighbourToleranceMeters {
		t.Errorf("the 0.0005° prefilter is shorter than %g m", store.NeighbourToleranceMeters)
	}
}
