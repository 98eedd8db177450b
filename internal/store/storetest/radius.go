package storetest

import (
	"cmp"
	"fmt"
	"slices"
	"testing"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// radiusSlack is how close to the radius a project may lie and still go
// either way: membership is held to 1 m at every radius (the stores measure
// on the same spheroid as PostGIS, to millimetres), tighter than the 0.5 m /
// 0.1 % allowed for a distance that is reported.
const radiusSlack = 0.9

// testRadiusEdges puts the radius 1 m beyond and 1 m short of a project,
// for the nearest, a middle and the farthest project (within 50 km) of
// every golden query point: from a few metres to 49 km, from 5.05° to
// 5.88° S. The project must be in, then out; every other project more than
// radiusSlack from the radius must be on its side, with its distance.
func testRadiusEdges(t *testing.T, su *suite) {
	cases := 0
	for i := range su.g.Distances {
		gd := &su.g.Distances[i]
		type pd struct {
			id string
			d  float64
		}
		var in50 []pd
		for id, d := range gd.Meters {
			if d >= 10 && d+1 <= store.MaxRadiusMeters {
				in50 = append(in50, pd{id, d})
			}
		}
		if len(in50) == 0 {
			continue
		}
		slices.SortFunc(in50, func(a, b pd) int { return cmp.Or(cmp.Compare(a.d, b.d), cmp.Compare(a.id, b.id)) })
		picks := []pd{in50[0], in50[len(in50)/2], in50[len(in50)-1]}
		for j, p := range picks {
			if j > 0 && p == picks[j-1] {
				continue
			}
			for _, side := range []struct {
				name   string
				radius float64
				in     bool
			}{{"1 m beyond", p.d + 1, true}, {"1 m short of", p.d - 1, false}} {
				cases++
				name := fmt.Sprintf("%s/%s %s at %.0f m", gd.Name, side.name, p.id, p.d)
				t.Run(name, func(t *testing.T) { checkRadius(t, su, gd, side.radius, p.id, side.in) })
			}
		}
	}
	if cases < 100 {
		t.Errorf("%s: only %d radius edge cases; regenerate it: %s", GoldenPath, cases, GoldenCommand)
	}
}

func checkRadius(t *testing.T, su *suite, gd *GoldenDistances, r float64, target string, wantIn bool) {
	f := domain.ProjectFilter{Near: &domain.Near{Point: gd.P, RadiusMeters: r}}
	got, err := su.s.Projects(su.ctx, f, domain.ProjectOrder{}, domain.Page{Limit: store.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	inside := map[string]float64{}
	for _, h := range got.Items {
		inside[h.ID] = h.DistanceMeters
	}
	if _, in := inside[target]; in != wantIn {
		t.Errorf("radius %.3f m: %s at %.3f m (PostGIS) is in the answer: %v, want %v (store says %.3f m)", r, target, gd.Meters[target], in, wantIn, inside[target])
	}
	for id, d := range gd.Meters {
		gotD, in := inside[id]
		switch {
		case d <= r-radiusSlack && !in:
			t.Errorf("radius %.3f m: %s at %.3f m is missing", r, id, d)
		case d >= r+radiusSlack && in:
			t.Errorf("radius %.3f m: %s at %.3f m is in the answer (store says %.3f m)", r, id, d, gotD)
		case in && !closeDistance(gotD, d):
			t.Errorf("%s: distance %.3f m, PostGIS says %.3f m", id, gotD, d)
		}
	}
	if got.TotalCount != len(got.Items) {
		t.Errorf("TotalCount %d, but %d items on a page of %d", got.TotalCount, len(got.Items), store.MaxPageSize)
	}
	stats, err := su.s.ProjectStats(su.ctx, f, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(stats) != 1 || stats[0].Count != len(got.Items) {
		t.Errorf("ProjectStats within the radius: %+v, want a count of %d", stats, len(got.Items))
	}
}
