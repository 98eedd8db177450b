package nationaltest_test

import (
	"testing"

	"github.com/serasi/serasi/internal/nationaltest"
)

// TestPoints: the generator is deterministic and gives the promised mix.
// On Kota Baubau's kelurahan, so it runs without the national data.
func TestPoints(t *testing.T) {
	feats := nationaltest.Read(t, "../../../shared/data/baubau-kelurahan.geojson")
	a := nationaltest.Points(feats, 1000, 7)
	b := nationaltest.Points(feats, 1000, 7)
	c := nationaltest.Points(feats, 1000, 8)
	if len(a) != 1000 {
		t.Fatalf("%d points, want 1000", len(a))
	}
	same := 0
	kinds := map[nationaltest.PointKind]int{}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("point %d differs between two runs with one seed: %v %v", i, a[i], b[i])
		}
		if a[i] == c[i] {
			same++
		}
		kinds[a[i].Kind]++
	}
	if same > 10 {
		t.Errorf("%d points equal under another seed", same)
	}
	want := map[nationaltest.PointKind]int{nationaltest.Inside: 400, nationaltest.Border: 300, nationaltest.Sea: 150, nationaltest.Island: 150}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%d %s points, want %d", kinds[k], k, n)
		}
	}
}
