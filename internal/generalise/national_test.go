package generalise_test

import (
	"os"
	"testing"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/generalise"
	"github.com/serasi/serasi/internal/nationaltest"
	"github.com/serasi/serasi/internal/spatial"
)

// TestNational generalises every kelurahan and desa of Indonesia: every
// band of every valid source geometry is valid, oriented, and has at
// least one polygon, and the bands shrink the vertex count.
func TestNational(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("national data: not in -short")
	}
	feats := nationaltest.ReadLevel(t, "kel")
	if len(feats) != nationaltest.Kelurahans {
		t.Fatalf("read %d kelurahan, want %d", len(feats), nationaltest.Kelurahans)
	}
	verts := make([]int, len(generalise.Bands))
	var st generalise.Stats
	invalid := 0
	for _, f := range feats {
		g := spatial.Orient(f.Geometry)
		if !generalise.Valid(g) {
			// the boundary import repairs or refuses these; generalisation
			// is only promised for valid input.
			invalid++
			continue
		}
		set, s := generalise.All(g)
		st.Add(s)
		for i, bg := range set {
			verts[i] += vertices(bg)
			if !generalise.Valid(bg) {
				t.Errorf("%s %s band %d: invalid", f.Code, f.Name, i)
			}
			if !ccw(bg) {
				t.Errorf("%s %s band %d: an exterior ring is not counter-clockwise", f.Code, f.Name, i)
			}
		}
	}
	t.Logf("%d kelurahan (%d invalid in the source, left out); stats %+v", len(feats), invalid, st)
	for i, b := range generalise.Bands {
		t.Logf("band z%d-%d tolerance %.6f°: %d vertices (%.1f%% of the original)", b.MinZoom, min(b.MaxZoom, 99), b.Tolerance, verts[i], 100*float64(verts[i])/float64(verts[len(verts)-1]))
	}
	for i := 1; i < len(verts); i++ {
		if verts[i-1] >= verts[i] {
			t.Errorf("band %d has %d vertices, not fewer than band %d's %d", i-1, verts[i-1], i, verts[i])
		}
	}
	// Every kept polygon has at least 4 positions; a z4-5 band near that
	// floor is what keeps a z5 tile of Java under its size target.
	if per := float64(verts[0]) / float64(len(feats)-invalid); per > 12 {
		t.Errorf("band 0 keeps %.1f vertices per kelurahan, want at most 12", per)
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

func ccw(g orb.Geometry) bool {
	switch g := g.(type) {
	case orb.Polygon:
		if len(g) == 0 || g[0].Orientation() != orb.CCW {
			return false
		}
		for _, h := range g[1:] {
			if h.Orientation() != orb.CW {
				return false
			}
		}
		return true
	case orb.MultiPolygon:
		if len(g) == 0 {
			return false
		}
		for _, p := range g {
			if !ccw(p) {
				return false
			}
		}
		return true
	}
	return false
}
