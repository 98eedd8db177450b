package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/tidwall/rtree"

	"github.com/serasi/serasi/internal/boundaries"
	"github.com/serasi/serasi/internal/boundaries/boundariestest"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/mirror"
	"github.com/serasi/serasi/internal/nationaltest"
	"github.com/serasi/serasi/internal/store"
)

// NationalPoints is the number of conformance points and NationalSeed
// their seed: the same points on every store and every run.
const (
	NationalPoints = 10_000
	NationalSeed   = 14
)

// RunNationalConformanceTests runs the national-size behaviour tests against one
// store made by newStore, holding the embedded program data and the
// national boundaries set (every kelurahan and desa of Indonesia). It
// skips without the national data, and fails under CI=true, as
// boundariestest does.
//
// The expected answers come from set by brute force, never from a store:
// a store that passes answers as every other store that passes.
func RunNationalConformanceTests(t *testing.T, newStore func(t *testing.T, set *boundaries.Set) store.Store) {
	set := boundariestest.National(t)
	s := newStore(t, set)
	ctx := context.Background()
	t.Run("Hierarchy", func(t *testing.T) { testNationalHierarchy(t, ctx, s, set) })
	t.Run("KelurahanAt", func(t *testing.T) { testNationalKelurahanAt(t, ctx, s, set) })
	t.Run("KelurahanPages", func(t *testing.T) { testNationalKelurahanPages(t, ctx, s, set) })
	t.Run("OGCKelurahanItems", func(t *testing.T) { testNationalOGCItems(t, s, set) })
	if _, ok := s.(store.InProcess); !ok {
		// Such a store serves the map layers from the in-process copy.
		t.Run("OGCKelurahanItemsCopy", func(t *testing.T) {
			m, err := mirror.New(ctx, s, mirror.Options{})
			if err != nil {
				t.Fatal(err)
			}
			testNationalOGCItems(t, m.Wrap(s), set)
		})
	}
}

func testNationalHierarchy(t *testing.T, ctx context.Context, s store.Store, set *boundaries.Set) {
	provs, err := s.Provinsis(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(provs) != len(set.Provinsis) {
		t.Errorf("%d provinsi, want %d", len(provs), len(set.Provinsis))
	}
	kabs, err := s.KabupatenKotas(ctx, domain.KabupatenKotaFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(kabs) != len(set.KabupatenKotas) {
		t.Errorf("%d kabupaten/kota, want %d", len(kabs), len(set.KabupatenKotas))
	}
	kels, err := s.Kelurahans(ctx, domain.KelurahanFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(kels) != nationaltest.Kelurahans {
		t.Errorf("%d kelurahan, want %d", len(kels), nationaltest.Kelurahans)
	}
}

// testNationalKelurahanAt asks for the kelurahan at each of the
// conformance points: inside, within 50 m of a border on either side
// (where the separately simplified polygons overlap or leave slivers), at
// sea and on small islands. The rule is the Store's: the polygon covering
// the point, the lowest code where several do, ENOTFOUND where none does.
func testNationalKelurahanAt(t *testing.T, ctx context.Context, s store.Store, set *boundaries.Set) {
	oracle := newCoverOracle(set.Kelurahans)
	feats := make([]nationaltest.Feature, len(set.Kelurahans))
	for i, k := range set.Kelurahans {
		feats[i] = nationaltest.Feature{Code: k.Code, Name: k.Name, Geometry: k.Geometry}
	}
	points := nationaltest.Points(feats, NationalPoints, NationalSeed)
	type tally struct{ points, found, overlaps, wrong int }
	byKind := map[nationaltest.PointKind]*tally{}
	for _, p := range points {
		tl := byKind[p.Kind]
		if tl == nil {
			tl = &tally{}
			byKind[p.Kind] = tl
		}
		tl.points++
		want, covering := oracle.at(p.Point)
		if covering > 1 {
			tl.overlaps++
		}
		got, err := s.KelurahanAt(ctx, p.Point)
		switch {
		case want == "" && domain.ErrorCode(err) == domain.ENOTFOUND:
		case want == "" && err == nil:
			tl.wrong++
			if tl.wrong <= 5 {
				t.Errorf("%s point %v: got %s, want ENOTFOUND (no polygon covers it)", p.Kind, p.Point, got.Code)
			}
		case err != nil && !errors.Is(err, context.Canceled):
			tl.wrong++
			if tl.wrong <= 5 {
				t.Errorf("%s point %v: %v, want %s", p.Kind, p.Point, err, want)
			}
		case got.Code != want:
			tl.wrong++
			if tl.wrong <= 5 {
				t.Errorf("%s point %v: got %s, want %s (of %d covering)", p.Kind, p.Point, got.Code, want, covering)
			}
		default:
			tl.found++
		}
	}
	for k := nationaltest.Inside; k <= nationaltest.Island; k++ {
		if tl := byKind[k]; tl != nil {
			t.Logf("%-6s %5d points: %5d in a kelurahan, %4d where polygons overlap, %d wrong", k, tl.points, tl.found, tl.overlaps, tl.wrong)
		}
	}
	if in := byKind[nationaltest.Inside]; in == nil || in.found < in.points*9/10 {
		t.Errorf("too few inside points found a kelurahan: %+v", in)
	}
}

// coverOracle answers which kelurahan cover a point by brute force over
// the candidates whose bounding box holds it.
type coverOracle struct {
	kels []domain.Kelurahan
	tree rtree.RTreeG[int]
}

func newCoverOracle(kels []domain.Kelurahan) *coverOracle {
	o := &coverOracle{kels: kels}
	for i, k := range kels {
		b := k.Geometry.Bound()
		o.tree.Insert(b.Min, b.Max, i)
	}
	return o
}

// at returns the lowest code among the kelurahan covering p ("" if none)
// and how many cover it.
func (o *coverOracle) at(p orb.Point) (string, int) {
	var codes []string
	o.tree.Search(p, p, func(_, _ [2]float64, i int) bool {
		if covers(o.kels[i].Geometry, p) {
			codes = append(codes, o.kels[i].Code)
		}
		return true
	})
	if len(codes) == 0 {
		return "", 0
	}
	return slices.Min(codes), len(codes)
}

func covers(g orb.Geometry, p orb.Point) bool {
	switch g := g.(type) {
	case orb.Polygon:
		return planar.PolygonContains(g, p)
	case orb.MultiPolygon:
		return planar.MultiPolygonContains(g, p)
	}
	return false
}
