package memory

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/geodesy"
)

func TestBoxBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for n := 0; n < 3000; n++ {
		p := orb.Point{rng.Float64()*360 - 180, rng.Float64()*170 - 85}
		if n%2 == 0 { // mostly near Baubau, at the scale of the city
			p = orb.Point{122.6 + rng.NormFloat64()*0.1, -5.45 + rng.NormFloat64()*0.1}
		}
		size := []float64{0.001, 0.05, 1, 20}[n%4]
		c := orb.Point{p[0] + rng.NormFloat64()*size*3, p[1] + rng.NormFloat64()*size*3}
		c[1] = max(-89, min(89, c[1]))
		lo := [2]float64{c[0] - rng.Float64()*size, max(-90, c[1]-rng.Float64()*size)}
		hi := [2]float64{c[0] + rng.Float64()*size, c[1] + rng.Float64()*size}
		if lo[0] < -180 || hi[0] > 180 || hi[1] > 90 {
			continue
		}
		bb := newBoxBound(p)
		lb := bb.metres(lo, hi)
		for range 20 {
			q := orb.Point{lo[0] + rng.Float64()*(hi[0]-lo[0]), lo[1] + rng.Float64()*(hi[1]-lo[1])}
			if d := geodesy.Distance(p, q); d < lb {
				t.Fatalf("p %v box %v %v: distance to %v is %v m, below the bound %v m", p, lo, hi, q, d, lb)
			}
		}
	}
	// The bound must also be useful: close to the distance near the equator.
	p := orb.Point{122.6, -5.45}
	box := [2]float64{122.61, -5.45}
	bb := newBoxBound(p)
	if lb, d := bb.metres(box, [2]float64{122.62, -5.44}), geodesy.Distance(p, orb.Point(box)); lb < 0.99*d {
		t.Errorf("bound %v m is far below the distance %v m", lb, d)
	}
}

func TestLonGap(t *testing.T) {
	tests := []struct{ lon, min, max, want float64 }{
		{10, 0, 20, 0},
		{-5, 0, 20, 5},
		{25, 0, 20, 5},
		{179, -180, -170, 1},
		{-179, 170, 180, 1},
	}
	for _, tc := range tests {
		if got := lonGap(tc.lon, tc.min, tc.max); !closeTo(got, tc.want) {
			t.Errorf("lonGap(%v, %v, %v) = %v, want %v", tc.lon, tc.min, tc.max, got, tc.want)
		}
	}
}

func closeTo(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

// TestNearestDense checks the ring search against brute force where
// projects are dense, so that rings stop early (the sample data is too
// sparse to exercise that).
func TestNearestDense(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 20,000 synthetic projects")
	}
	ds := withSynthetic(loadSample(t), 20_000)
	s := NewFromDataset(ds)
	d := s.snapshot()
	for _, p := range randomPoints(ds, 40) {
		for _, limit := range []int{1, 10, 100} {
			for _, kinds := range []map[domain.ProjectKind]bool{nil, {domain.SportsField: true}} {
				got := d.nearest(p, limit, kinds)
				var want []hit
				d.projects.Scan(func(pr *domain.Project) bool {
					if kinds == nil || kinds[pr.Kind] {
						want = append(want, hit{pr, geodesy.DistanceToGeometry(p, pr.Geometry)})
					}
					return true
				})
				slices.SortFunc(want, func(a, b hit) int {
					return cmp.Or(cmp.Compare(a.dist, b.dist), strings.Compare(a.p.ID, b.p.ID))
				})
				want = want[:limit]
				if !slices.Equal(got, want) {
					t.Fatalf("nearest(%v, %d, %v) = %v, want %v", p, limit, kinds, got, want)
				}
			}
		}
	}
}

// TestConcurrentReaders runs readers side by side; run it with -race.
func TestConcurrentReaders(t *testing.T) {
	ds := loadSample(t)
	s := NewFromDataset(ds)
	ctx := t.Context()
	pts := randomPoints(ds, 200)
	done := make(chan struct{})
	for w := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i, p := range pts {
				if (i+w)%2 == 0 {
					_, _ = s.KelurahanAt(ctx, p)
				} else if _, err := s.NearestProjects(ctx, p, 5, nil); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
}
