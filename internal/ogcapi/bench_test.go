package ogcapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/geobuild"
	"github.com/serasi/serasi/internal/mirror"
	"github.com/serasi/serasi/internal/ogcapi"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/memory"
)

// BenchmarkItems is the cost of the yardstick's items pages and single
// feature (scripts/load/peers) through the handler, without the network,
// over the embedded store with 100,000 synthetic projects (store) and over
// the in-process copy of that store (copy, as serve runs on PostGIS).
func BenchmarkItems(b *testing.B) {
	ds, err := dataset.Load(geodata.FS)
	if err != nil {
		b.Fatal(err)
	}
	ds.Projects = append(ds.Projects, geobuild.SyntheticProjects(ds, 100_000, 1)...)
	s := memory.NewFromDataset(ds)
	m, err := mirror.New(context.Background(), s, mirror.Options{})
	if err != nil {
		b.Fatal(err)
	}
	for _, src := range []struct {
		name string
		s    store.Store
	}{{"store", s}, {"copy", m.Wrap(s)}} {
		h := ogcapi.New(src.s, ogcapi.Options{})
		for _, c := range []struct{ name, path string }{
			{"page", "/ogcapi/collections/projects/items?limit=100&bbox=122.585,-5.495,122.635,-5.445"},
			{"offset5000", "/ogcapi/collections/projects/items?limit=100&offset=5000&bbox=122.585,-5.495,122.635,-5.445"},
			{"feature", "/ogcapi/collections/projects/items/syn-049981"},
		} {
			b.Run(src.name+"/"+c.name, func(b *testing.B) {
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
}
