package ogcapi_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/geobuild"
	"github.com/serasi/serasi/internal/mirror"
	"github.com/serasi/serasi/internal/ogcapi"
	"github.com/serasi/serasi/internal/store/memory"
)

var timeStamp = regexp.MustCompile(`"timeStamp":"[^"]*"`)

// TestItemsFromCopy asks the same pages of every collection through a
// handler over the store and one over its in-process copy, whose pages are
// written from features encoded once (layers.Result.Encoded): the answers
// are the same bytes, but for the time stamp.
func TestItemsFromCopy(t *testing.T) {
	ds, err := dataset.Load(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	ds.Projects = append(ds.Projects, geobuild.SyntheticProjects(ds, 2000, 1)...)
	s := memory.NewFromDataset(ds)
	m, err := mirror.New(context.Background(), s, mirror.Options{})
	if err != nil {
		t.Fatal(err)
	}
	plain, copied := ogcapi.New(s, ogcapi.Options{}), ogcapi.New(m.Wrap(s), ogcapi.Options{})
	get := func(h http.Handler, path string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		b, _ := io.ReadAll(rec.Body)
		return rec.Code, timeStamp.ReplaceAllString(string(b), `"timeStamp":"-"`)
	}
	box := "&bbox=122.585,-5.495,122.635,-5.445"
	var paths []string
	for _, c := range []string{"kecamatan", "kelurahan", "forums", "projects", "activities"} {
		base := "/ogcapi/collections/" + c + "/items?"
		paths = append(paths, base, base+"limit=3", base+"limit=100"+box, base+"limit=5&offset=4"+box,
			base+"limit=1000", base+"limit=10&offset=100000", base+"limit=7&f=json")
	}
	// The next link's cursor, as a client follows it, twice.
	next := "/ogcapi/collections/projects/items?limit=50" + box
	for range 2 {
		paths = append(paths, next)
		_, body := get(copied, next)
		sub := regexp.MustCompile(`"href":"http://example.com(/ogcapi/[^"]*)","rel":"next"`).FindStringSubmatch(body)
		if sub == nil {
			t.Fatalf("no next link in %s", body[:min(len(body), 300)])
		}
		next = regexp.MustCompile(`\\u0026`).ReplaceAllString(sub[1], "&")
	}
	for _, p := range paths {
		c1, want := get(plain, p)
		c2, got := get(copied, p)
		if c1 != 200 || c2 != 200 {
			t.Fatalf("%s: status %d (store) and %d (copy): %s", p, c1, c2, got)
		}
		if got != want {
			t.Errorf("%s: the copy's page differs from the store's:\n got %.400s\nwant %.400s", p, got, want)
		}
	}
}
