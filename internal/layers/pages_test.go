package layers

import (
	"testing"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// TestPages checks the walk over a store capped at store.MaxPageSize with
// more records than the sample data has.
func TestPages(t *testing.T) {
	const n = 1234
	tests := []struct {
		name                string
		offset, limit, want int
	}{
		{"all", 0, 0, n},
		{"all from offset", 100, 0, n - 100},
		{"over one page", 10, 700, 700},
		{"exactly a page", 0, store.MaxPageSize, store.MaxPageSize},
		{"tail", n - 3, 1000, 3},
		{"past the end", n + 5, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []int
			total, err := pages(tc.offset, tc.limit, func(p domain.Page) (int, int, error) {
				if p.Limit < 1 || p.Limit > store.MaxPageSize {
					t.Fatalf("page limit %d", p.Limit)
				}
				k := 0
				for i := p.Offset; i < min(p.Offset+p.Limit, n); i++ {
					got = append(got, i)
					k++
				}
				return k, n, nil
			})
			if err != nil || total != n {
				t.Fatalf("total %d, %v", total, err)
			}
			if len(got) != tc.want {
				t.Fatalf("got %d records, want %d", len(got), tc.want)
			}
			for i, v := range got {
				if v != tc.offset+i {
					t.Fatalf("record %d is %d, want %d", i, v, tc.offset+i)
				}
			}
		})
	}
}
