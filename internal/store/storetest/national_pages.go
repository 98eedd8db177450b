package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/serasi/serasi/internal/boundaries"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/ogcapi"
	"github.com/serasi/serasi/internal/store"
)

// testNationalKelurahanPages pages through all kelurahan by code
// (KelurahanFilter.AfterCode and Limit) and finds every kelurahan of the set
// once, in code order, with a filter and a limit that cut the last page.
func testNationalKelurahanPages(t *testing.T, ctx context.Context, s store.Store, set *boundaries.Set) {
	const size = 5_000
	var got []string
	after := ""
	for {
		ks, err := s.Kelurahans(ctx, domain.KelurahanFilter{AfterCode: after, Limit: size})
		if err != nil {
			t.Fatal(err)
		}
		if len(ks) > size {
			t.Fatalf("a page of %d holds %d kelurahan", size, len(ks))
		}
		for _, k := range ks {
			got = append(got, k.Code)
		}
		if len(ks) < size {
			break
		}
		after = ks[len(ks)-1].Code
	}
	want := kelurahanCodesOf(set)
	if len(got) != len(want) {
		t.Fatalf("paged %d kelurahan, the set has %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("kelurahan %d of the pages is %s, want %s", i, got[i], want[i])
		}
	}
	// A filtered page: the first 3 desa of Jawa Barat (32) with an "a" in
	// their name after its first kelurahan.
	mid := ""
	for _, c := range want {
		if strings.HasPrefix(c, "32.") {
			mid = c
			break
		}
	}
	ks, err := s.Kelurahans(ctx, domain.KelurahanFilter{ProvinsiCode: "32", Jenis: domain.JenisDesa, AfterCode: mid, Limit: 3, NameContains: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ks) != 3 {
		t.Fatalf("a filtered page of 3: %d kelurahan", len(ks))
	}
	for i, k := range ks {
		if k.Code <= mid || !strings.HasPrefix(k.Code, "32.") || k.Jenis != domain.JenisDesa ||
			!strings.Contains(strings.ToLower(k.Name), "a") || (i > 0 && k.Code <= ks[i-1].Code) {
			t.Errorf("filtered page: %s %s %s after %s", k.Code, k.Name, k.Jenis, mid)
		}
	}
	if _, err := s.Kelurahans(ctx, domain.KelurahanFilter{Limit: -1}); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("a negative limit: %v, want EINVALID", err)
	}
}

func kelurahanCodesOf(set *boundaries.Set) []string {
	out := make([]string, len(set.Kelurahans))
	for i, k := range set.Kelurahans {
		out[i] = k.Code
	}
	return out
}

// testNationalOGCItems follows the next links of the OGC API kelurahan
// collection from its first page to its last: every kelurahan once, in code
// order, each next link a cursor (keyset, not an offset), and no page but a
// last one read from the start says numberMatched (no full count per page).
func testNationalOGCItems(t *testing.T, s store.Store, set *boundaries.Set) {
	srv := httptest.NewServer(ogcapi.New(s, ogcapi.Options{}))
	defer srv.Close()
	want := kelurahanCodesOf(set)
	next := srv.URL + "/ogcapi/collections/kelurahan/items?limit=1000"
	var got []string
	pages := 0
	for next != "" {
		pages++
		if pages > len(want)/1000+2 {
			t.Fatalf("more than %d pages", pages)
		}
		var doc struct {
			Features []struct {
				ID         string         `json:"id"`
				Properties map[string]any `json:"properties"`
			} `json:"features"`
			Links []struct {
				Href, Rel string
			} `json:"links"`
			NumberMatched  *int `json:"numberMatched"`
			NumberReturned int  `json:"numberReturned"`
		}
		res, err := http.Get(next)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", next, res.StatusCode, body)
		}
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatalf("%s: %v", next, err)
		}
		if doc.NumberMatched != nil {
			t.Errorf("page %d says numberMatched %d: a page of the national set must not count it", pages, *doc.NumberMatched)
		}
		if doc.NumberReturned != len(doc.Features) {
			t.Errorf("page %d: numberReturned %d, %d features", pages, doc.NumberReturned, len(doc.Features))
		}
		for _, f := range doc.Features {
			got = append(got, f.ID)
		}
		next = ""
		for _, l := range doc.Links {
			if l.Rel == "next" {
				next = l.Href
			}
			if l.Rel == "prev" {
				t.Errorf("page %d has a prev link %s: keyset pages do not go back by offset", pages, l.Href)
			}
		}
		if next != "" && (!strings.Contains(next, "cursor=") || strings.Contains(next, "offset=")) {
			t.Fatalf("page %d: next link %s is not a cursor", pages, next)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d pages gave %d kelurahan, the set has %d", pages, len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("feature %d of the pages is %s, want %s", i, got[i], want[i])
		}
	}
	if want := fmt.Sprint(len(want)/1000 + 1); fmt.Sprint(pages) != want {
		t.Errorf("%d pages, want %s", pages, want)
	}
}
