package ogcapi_test

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/boundaries/boundariestest"
	"github.com/serasi/serasi/internal/ogcapi"
	"github.com/serasi/serasi/internal/store/memory"
)

// BenchmarkKelurahanItemsNational is the time of a page of 100 of the OGC
// API kelurahan collection over the embedded store holding the national
// boundaries (83,190 kelurahan and desa), at the start of the collection
// and deep in it (after the 40,000th and the 83,000th, by the cursor of
// the next links), through the handler without the network. A page must
// cost the same wherever it is: it reads one page from the store and
// counts nothing.
//
//	go test ./internal/ogcapi -run '^$' -bench KelurahanItemsNational -count 5
func BenchmarkKelurahanItemsNational(b *testing.B) {
	set := boundariestest.National(b)
	dir := b.TempDir()
	if _, err := memory.ImportBoundaries(dir, set); err != nil {
		b.Fatal(err)
	}
	st, err := memory.Open(geodata.FS, dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	h := ogcapi.New(st, ogcapi.Options{})
	cursor := func(i int) string {
		return "&cursor=" + base64.RawURLEncoding.EncodeToString([]byte("k1:"+set.Kelurahans[i].Code))
	}
	for _, c := range []struct{ name, query string }{
		{"start", ""},
		{"after40000", cursor(40_000)},
		{"after83000", cursor(83_000)},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/ogcapi/collections/kelurahan/items?limit=100"+c.query, nil))
				if rec.Code != 200 {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
		})
	}
}
