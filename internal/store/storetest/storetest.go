// Package storetest is the one conformance suite that every store.Store
// implementation runs, in the manner of gocloud.dev's drivertest: a backend
// calls RunConformanceTests from a ten-line test file, and a behaviour is
// written once, here.
//
// Expected answers never come from a store, nor from the code the stores
// share. Geometric answers (which kelurahan covers a point, distances, what
// lies within a radius, what a box or polygon meets) come from golden data
// that PostGIS computed once (testdata/golden.json, GoldenCommand); the rest
// is derived by brute force over the records of dataset.Load(geodata.FS).
package storetest

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// suite is what every behaviour test gets: a fresh store and the records it
// was loaded with.
type suite struct {
	s   store.Store
	ds  *dataset.Dataset
	g   *Golden
	ctx context.Context
}

// RunConformanceTests runs every behaviour test against stores made by
// newStore, each loaded with the embedded sample data (geodata.FS).
// newStore is called once per group of tests (about ten times); the store
// it returns is only read.
func RunConformanceTests(t *testing.T, newStore func(t *testing.T) store.Store) {
	ds := loadDataset(t)
	g := loadGolden(t, ds)
	groups := []struct {
		name string
		run  func(t *testing.T, su *suite)
	}{
		{"Hierarchy", testHierarchy},
		{"Kecamatan", testKecamatan},
		{"Kelurahan", testKelurahan},
		{"Kelurahans", testKelurahans},
		{"KelurahanAt", testKelurahanAt},
		{"Forums", testForums},
		{"Project", testProject},
		{"Projects", testProjects},
		{"NearestProjects", testNearestProjects},
		{"RadiusEdges", testRadiusEdges},
		{"ProjectStats", testProjectStats},
		{"Activities", testActivities},
		{"Analytics", testAnalytics},
		{"Isolation", testIsolation},
		{"Ping", testPing},
	}
	for _, gr := range groups {
		t.Run(gr.name, func(t *testing.T) {
			gr.run(t, &suite{s: newStore(t), ds: ds, g: g, ctx: context.Background()})
		})
	}
}

func loadDataset(t testing.TB) *dataset.Dataset {
	t.Helper()
	ds, err := dataset.Load(geodata.FS)
	if err != nil {
		t.Fatalf("loading the sample data: %v", err)
	}
	if len(ds.Kelurahans) == 0 || len(ds.Projects) == 0 || len(ds.Forums) == 0 || len(ds.Activities) == 0 {
		t.Fatalf("sample data is incomplete: %d kelurahan, %d forums, %d projects, %d activities",
			len(ds.Kelurahans), len(ds.Forums), len(ds.Projects), len(ds.Activities))
	}
	return ds
}

func testPing(t *testing.T, su *suite) {
	if err := su.s.Ping(su.ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

// distanceTolerance is how far two stores' distances may differ: 0.5 m or
// 0.1 %, whichever is larger (PostGIS and orb-based code measure the
// ellipsoid a little differently).
func distanceTolerance(d float64) float64 { return math.Max(0.5, math.Abs(d)*0.001) }

func closeDistance(a, b float64) bool { return math.Abs(a-b) <= distanceTolerance(math.Max(a, b)) }

// nearlyEqual compares floats a store keeps rather than computes (areas,
// centroids): they may pass through a database, so the last bits may move.
func nearlyEqual(a, b float64) bool {
	return a == b || math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
}

// wantCode fails t unless err carries the domain error code want ("" for no error).
func wantCode(t *testing.T, err error, want string) bool {
	t.Helper()
	got := domain.ErrorCode(err)
	if got != want {
		t.Errorf("error code = %q (%v), want %q", got, err, want)
		return false
	}
	if want != "" {
		var de *domain.Error
		if !errors.As(err, &de) || de.Message == "" {
			t.Errorf("error %v is not a *domain.Error with a message", err)
		}
	}
	return true
}

func ptr[T any](v T) *T { return &v }
