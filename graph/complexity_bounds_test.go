package graph

import (
	"context"
	"testing"

	gqlcomplexity "github.com/99designs/gqlgen/complexity"
	"github.com/vektah/gqlparser/v2"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/store/memory"
)

// The area lists cost what the store can return: over Kota Baubau a page
// of kelurahans costs its 43, over the country the page asked for; and
// Kecamatan.kelurahan the most of one kecamatan.
func TestComplexityBounds(t *testing.T) {
	st, err := memory.New(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	baubau := StoreBounds(context.Background(), st)
	if baubau.Kecamatans != 8 || baubau.Kelurahans != 43 || baubau.KelurahanPerKecamatan < 2 || baubau.KelurahanPerKecamatan > 43 {
		t.Fatalf("Kota Baubau's bounds: %+v", baubau)
	}
	cost := func(b Bounds, query string) int {
		t.Helper()
		es := NewExecutableSchema(Config{Resolvers: &Resolver{}, Complexity: complexityFor(b)})
		doc, errs := gqlparser.LoadQuery(es.Schema(), query)
		if errs != nil {
			t.Fatal(errs)
		}
		return gqlcomplexity.Calculate(context.Background(), es, doc.Operations[0], nil)
	}
	tests := []struct {
		name           string
		query          string
		baubau, nation int
	}{
		// 1 + items × (1 + 50 × 1): each kelurahan with the count of its projects.
		{"kelurahans with projects", `{kelurahans{projects{totalCount}}}`, 1 + 43*51, 1 + 100*51},
		{"a page of 1,000", `{kelurahans(first:1000){code}}`, 1 + 43, 1 + 1000},
		{"a page of 10", `{kelurahans(first:10,after:"74.72"){code}}`, 1 + 10, 1 + 10},
		{"kecamatans", `{kecamatans{code}}`, 1 + 8, 1 + 100},
		{"kelurahan of each kecamatan", `{kecamatans{kelurahan{code}}}`,
			1 + 8*(1+baubau.KelurahanPerKecamatan), 1 + 100*(1+108)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := cost(baubau, tc.query); got != tc.baubau {
				t.Errorf("over Kota Baubau: cost %d, want %d", got, tc.baubau)
			}
			if got := cost(NationalBounds, tc.query); got != tc.nation {
				t.Errorf("over the country: cost %d, want %d", got, tc.nation)
			}
			if got := cost(baubau, tc.query); got > DefaultMaxComplexity {
				t.Errorf("over Kota Baubau the query costs %d, over the default limit", got)
			}
		})
	}
}
