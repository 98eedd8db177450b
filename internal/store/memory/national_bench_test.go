package memory_test

import (
	"context"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/boundaries/boundariestest"
	"github.com/serasi/serasi/internal/nationaltest"
	"github.com/serasi/serasi/internal/store/memory"
	"github.com/serasi/serasi/internal/store/storetest"
)

var national struct {
	once sync.Once
	s    *memory.Store
	pts  []nationaltest.Point
	err  error
}

// nationalStore is a store on the imported national boundaries and the
// conformance points, made once per test binary (it takes tens of seconds).
func nationalStore(b *testing.B) (*memory.Store, []nationaltest.Point) {
	b.Helper()
	set := boundariestest.National(b)
	national.once.Do(func() {
		dir, err := tempDir()
		if err != nil {
			national.err = err
			return
		}
		if _, err := memory.ImportBoundaries(dir, set); err != nil {
			national.err = err
			return
		}
		national.s, national.err = memory.Open(geodata.FS, dir)
		feats := make([]nationaltest.Feature, len(set.Kelurahans))
		for i, k := range set.Kelurahans {
			feats[i] = nationaltest.Feature{Code: k.Code, Geometry: k.Geometry}
		}
		national.pts = nationaltest.Points(feats, storetest.NationalPoints, storetest.NationalSeed)
	})
	if national.err != nil {
		b.Fatal(national.err)
	}
	return national.s, national.pts
}

// BenchmarkKelurahanAtNational asks for the kelurahan at the 10,000
// conformance points (inside, near borders, sea, small islands) over all
// 83,190 kelurahan and desa, and reports the median of single calls as
// ns-p50/op (goal, issue 14: ≤ 5 µs).
//
//	go test ./internal/store/memory -run '^$' -bench KelurahanAtNational -count 5
func BenchmarkKelurahanAtNational(b *testing.B) {
	s, pts := nationalStore(b)
	ctx := context.Background()
	b.ReportAllocs()
	lat := make([]time.Duration, 0, 1<<16)
	for i := 0; b.Loop(); i++ {
		p := pts[i%len(pts)].Point
		start := time.Now()
		_, _ = s.KelurahanAt(ctx, p)
		if len(lat) < cap(lat) {
			lat = append(lat, time.Since(start))
		}
	}
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "ns-p50/op")
		b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "ns-p99/op")
	}
}

// tempDir is the data directory of the shared store: b.TempDir would be
// removed after the first benchmark; TestMain is not worth it for one file.
func tempDir() (string, error) { return os.MkdirTemp("", "serasi-national-bench-") }
