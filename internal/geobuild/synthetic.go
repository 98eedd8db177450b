package geobuild

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/spatial"
)

// SyntheticProjects returns n projects for benchmarks, spread over the
// kelurahan of ds in proportion to their area, of every kind in turn, each
// geometry covered by its kelurahan. A project in a kelurahan served by a
// forum is attached to one of its forums half of the time. Ids run
// "syn-000001", "syn-000002", ...; the same ds, n and seed give the same
// projects.
func SyntheticProjects(ds *dataset.Dataset, n int, seed uint64) []domain.Project {
	if n <= 0 || len(ds.Kelurahans) == 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x5e7a51))
	// No margin: the distance check would cost more than everything else,
	// and benchmarks need coverage, not clearance.
	pl := newPlacer(rng, ds.Kelurahans, 0)

	cumulative := make([]float64, len(ds.Kelurahans))
	total := 0.0
	for i, k := range ds.Kelurahans {
		total += k.AreaSqM
		cumulative[i] = total
	}
	forumsOf := map[string][]domain.Forum{}
	for _, f := range ds.Forums {
		for _, code := range f.KelurahanCodes {
			forumsOf[code] = append(forumsOf[code], f)
		}
	}

	out := make([]domain.Project, 0, n)
	for i := range n {
		kind := domain.ProjectKinds[i%len(domain.ProjectKinds)]
		var (
			k    domain.Kelurahan
			geom orb.Geometry
		)
		// A line or field may not fit a narrow kelurahan; draw another one.
		for geom == nil {
			j, _ := slices.BinarySearch(cumulative, rng.Float64()*total)
			k = ds.Kelurahans[min(j, len(ds.Kelurahans)-1)]
			geom, _ = pl.place(k, kind, 50)
		}
		p := domain.Project{
			ID:            fmt.Sprintf("syn-%06d", i+1),
			Kind:          kind,
			Geometry:      geom,
			KelurahanCode: k.Code,
			Year:          dataset.MinYear + rng.IntN(lastSampleYear-dataset.MinYear+1),
			Beneficiaries: 50 + rng.IntN(1500),
		}
		info := kindInfo[kind]
		p.BudgetRupiah = info.minBudget + rng.Int64N((info.maxBudget-info.minBudget)/500_000+1)*500_000
		if fs := forumsOf[k.Code]; len(fs) > 0 && rng.IntN(2) == 0 {
			f := fs[rng.IntN(len(fs))]
			p.ForumID = f.ID
			p.Year = max(p.Year, f.YearFormed)
		}
		p.Title = fmt.Sprintf("%s %s #%d", kind.LabelID(), k.Name, i+1)
		p.Description = "Synthetic benchmark record."
		p.Status = domain.ProjectStatuses[rng.IntN(len(domain.ProjectStatuses))]
		if p.Status != domain.ProjectPlanned {
			start := time.Date(p.Year, time.January, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(300))
			p.StartDate = &start
			if p.Status == domain.ProjectCompleted {
				finish := start.AddDate(0, 0, 20+rng.IntN(150))
				p.FinishDate = &finish
			}
		}
		out = append(out, p)
	}
	return out
}

// RequestPoints returns n points for load tests, each inside a kelurahan
// (boundary and holes respected, planar test) drawn uniformly from kels, so
// that a request stream visits the whole set as a nationwide user base
// would rather than in proportion to area (a few large desa of Papua would
// otherwise take most of them). The same kels, n and seed give the same
// points.
func RequestPoints(kels []domain.Kelurahan, n int, seed uint64) []orb.Point {
	if n <= 0 || len(kels) == 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9017a5))
	out := make([]orb.Point, 0, n)
	for len(out) < n {
		k := kels[rng.IntN(len(kels))]
		b := k.Geometry.Bound()
		// A thin kelurahan fills little of its box; give up on it after
		// a while and draw another.
		for range 1000 {
			p := orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
			if spatial.ContainsPoint(k.Geometry, p) {
				out = append(out, p)
				break
			}
		}
	}
	return out
}
