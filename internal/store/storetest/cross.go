package storetest

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/geodesy"
	"github.com/serasi/serasi/internal/spatial"
	"github.com/serasi/serasi/internal/store"
)

// crossSeed fixes the generated inputs, so a failure can be replayed.
const crossSeed = 20150701

// RunCrossStoreTests checks that other answers exactly like ref on
// generated inputs: points over the whole city and its sea, points a few
// metres from kelurahan borders, points on the islands, nearest-project and
// radius queries, and intersection boxes. Both stores must hold the
// embedded sample data (geodata.FS).
func RunCrossStoreTests(t *testing.T, ref, other store.Store) {
	ds := loadDataset(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(crossSeed, 1))

	t.Run("KelurahanAt", func(t *testing.T) {
		pts := crossPoints(ds, rng)
		if len(pts) < 1000 {
			t.Fatalf("generated only %d points", len(pts))
		}
		mismatches := 0
		for _, p := range pts {
			a, errA := ref.KelurahanAt(ctx, p)
			b, errB := other.KelurahanAt(ctx, p)
			ca, cb := domain.ErrorCode(errA), domain.ErrorCode(errB)
			if ca != cb || a.Code != b.Code {
				mismatches++
				if mismatches <= 20 {
					t.Errorf("KelurahanAt(%.7f, %.7f): ref %q %v, other %q %v", p[0], p[1], a.Code, errA, b.Code, errB)
				}
			}
			if ca != "" && ca != domain.ENOTFOUND {
				t.Errorf("KelurahanAt(%v): %v", p, errA)
			}
		}
		if mismatches > 0 {
			t.Errorf("%d of %d points differ", mismatches, len(pts))
		}
	})

	t.Run("NearestProjects", func(t *testing.T) {
		city := cityBound(ds)
		for i := range 200 {
			p := randomIn(rng, city)
			limit := 1 + rng.IntN(20)
			var kinds []domain.ProjectKind
			if i%3 == 0 {
				kinds = []domain.ProjectKind{domain.ProjectKinds[rng.IntN(len(domain.ProjectKinds))]}
			}
			a, errA := ref.NearestProjects(ctx, p, limit, kinds)
			b, errB := other.NearestProjects(ctx, p, limit, kinds)
			if errA != nil || errB != nil {
				t.Fatalf("NearestProjects(%v): ref %v, other %v", p, errA, errB)
			}
			if diff := sameHits(hitsOf(a), hitsOf(b), true); diff != "" {
				t.Errorf("NearestProjects(%v, %d, %v): %s", p, limit, kinds, diff)
			}
		}
	})

	t.Run("ProjectsNear", func(t *testing.T) {
		city := cityBound(ds)
		for range 200 {
			p := randomIn(rng, city)
			r := crossClearRadius(ds, p, 100+rng.Float64()*4900)
			f := domain.ProjectFilter{Near: &domain.Near{Point: p, RadiusMeters: r}}
			pg := domain.Page{Limit: store.MaxPageSize}
			a, errA := ref.Projects(ctx, f, domain.ProjectOrder{}, pg)
			b, errB := other.Projects(ctx, f, domain.ProjectOrder{}, pg)
			if errA != nil || errB != nil {
				t.Fatalf("Projects(near %v, %.1f m): ref %v, other %v", p, r, errA, errB)
			}
			if a.TotalCount != b.TotalCount {
				t.Errorf("Projects(near %v, %.1f m): TotalCount ref %d, other %d", p, r, a.TotalCount, b.TotalCount)
			}
			if diff := sameHits(hitsOf(a.Items), hitsOf(b.Items), true); diff != "" {
				t.Errorf("Projects(near %v, %.1f m): %s", p, r, diff)
			}
		}
	})

	t.Run("KelurahansIntersects", func(t *testing.T) {
		city := cityBound(ds)
		for range 100 {
			c := randomIn(rng, city)
			dx, dy := 0.0005+rng.Float64()*0.03, 0.0005+rng.Float64()*0.03
			box := orb.Bound{Min: orb.Point{c[0] - dx, c[1] - dy}, Max: orb.Point{c[0] + dx, c[1] + dy}}
			f := domain.KelurahanFilter{Intersects: box.ToPolygon()}
			a, errA := ref.Kelurahans(ctx, f)
			b, errB := other.Kelurahans(ctx, f)
			if errA != nil || errB != nil {
				t.Fatalf("Kelurahans(intersects %v): ref %v, other %v", box, errA, errB)
			}
			if !slices.Equal(kelurahanCodes(a), kelurahanCodes(b)) {
				t.Errorf("Kelurahans(intersects %v): ref %v, other %v", box, kelurahanCodes(a), kelurahanCodes(b))
			}
		}
	})
}

// crossClearRadius returns a radius of about r metres around p that no
// project lies within a few tolerances of. It only chooses an input: the
// cross-store test compares two stores' answers with each other, so
// geodesy here judges neither.
func crossClearRadius(ds *dataset.Dataset, p orb.Point, r float64) float64 {
	gd := &GoldenDistances{Meters: map[string]float64{}}
	for _, pr := range ds.Projects {
		gd.Meters[pr.ID] = geodesy.DistanceToGeometry(p, pr.Geometry)
	}
	return clearRadius(gd, r)
}

func randomIn(rng *rand.Rand, b orb.Bound) orb.Point {
	return orb.Point{
		b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]),
		b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1]),
	}
}

// crossPoints generates the KelurahanAt inputs: 600 uniform over the city
// and its sea, 500 within a few metres of border vertices and edge midpoints,
// and points on every part of the multipolygon kelurahan of Kokalukuna
// (74.72.05) and Lea-Lea (74.72.07), islands included.
func crossPoints(ds *dataset.Dataset, rng *rand.Rand) []orb.Point {
	city := cityBound(ds)
	var pts []orb.Point
	for range 600 {
		pts = append(pts, randomIn(rng, city))
	}

	jitter := func(p orb.Point) orb.Point {
		const m = 5e-5 // about 5 m
		return orb.Point{p[0] + (rng.Float64()*2-1)*m, p[1] + (rng.Float64()*2-1)*m}
	}
	for range 500 {
		k := ds.Kelurahans[rng.IntN(len(ds.Kelurahans))]
		var rings []orb.Ring
		eachRing(k.Geometry, func(r orb.Ring) { rings = append(rings, r) })
		r := rings[rng.IntN(len(rings))]
		i := rng.IntN(len(r) - 1)
		v := r[i]
		if rng.IntN(2) == 0 {
			v = orb.Point{(r[i][0] + r[i+1][0]) / 2, (r[i][1] + r[i+1][1]) / 2}
		}
		pts = append(pts, jitter(v))
	}

	for _, k := range ds.Kelurahans {
		mp, ok := k.Geometry.(orb.MultiPolygon)
		kec := k.KecamatanCode
		if !ok || (kec != "74.72.05" && kec != "74.72.07") {
			continue
		}
		for _, part := range mp {
			b := part.Bound()
			inside := 0
			for try := 0; try < 2000 && inside < 15; try++ {
				p := randomIn(rng, b)
				if spatial.ContainsPoint(part, p) {
					pts = append(pts, p)
					inside++
				}
			}
			for range 5 {
				r := part[0]
				pts = append(pts, jitter(r[rng.IntN(len(r))]))
			}
		}
	}
	return pts
}
