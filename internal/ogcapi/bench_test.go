package ogcapi_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/geobuild"
	"github.com/serasi/serasi/internal/ogcapi"
	"github.com/serasi/serasi/internal/store/memory"
)

// BenchmarkItems is the cost of an items page and a single feature
// through the handler, over the embedded store with 100,000 synthetic
// projects (as in scripts/load/peers), without the network.
func BenchmarkItems(b *testing.B) {
	ds, err := dataset.Load(geodata.FS)
	if err != nil {
		b.Fatal(err)
	}
	ds.Projects = append(ds.Projects, geobuild.SyntheticProjects(ds, 100_000, 1)...)
	h := ogcapi.New(memory.NewFromDataset(ds), ogcapi.Options{})
	for _, c := range []struct{ name, path string }{
		{"page", "/ogcapi/collections/projects/items?limit=100&bbox=122.585,-5.495,122.635,-5.445"},
		{"feature", "/ogcapi/collections/projects/items/syn-049981"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, c.path, nil))
				if rec.Code != 200 {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
		})
	}
}
