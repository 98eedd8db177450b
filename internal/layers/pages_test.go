package layers

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// TestPages checks the walk over a store capped at store.MaxPageSize with
// more records than the sample data has, by offset and by key: every record
// of the window once, in order, whether more follow, the length only when
// the list ran out, and no call asking the store to count.
func TestPages(t *testing.T) {
	const n = 1234
	id := func(i int) string { return fmt.Sprintf("r%05d", i) }
	tests := []struct {
		name          string
		q             Query
		want          int // records returned
		first         int // index of the first
		more          bool
		total         int
		maxStoreReads int
	}{
		{"all", Query{}, n, 0, false, n, 3},
		{"all from offset", Query{Offset: 100}, n - 100, 100, false, n, 3},
		{"over one page", Query{Offset: 10, Limit: 700}, 700, 10, true, -1, 2},
		{"exactly a page", Query{Limit: store.MaxPageSize}, store.MaxPageSize, 0, true, -1, 2},
		{"exactly two pages at the end", Query{Offset: n - 2*store.MaxPageSize, Limit: 2 * store.MaxPageSize}, 2 * store.MaxPageSize, n - 2*store.MaxPageSize, false, -1, 3},
		{"a small page", Query{Limit: 10}, 10, 0, true, -1, 1},
		{"the last small page", Query{Offset: n - 10, Limit: 10}, 10, n - 10, false, n, 1},
		{"tail", Query{Offset: n - 3, Limit: 1000}, 3, n - 3, false, n, 1},
		{"past the end", Query{Offset: n + 5}, 0, n, false, -1, 1},
		{"after a key", Query{After: id(99), Limit: 10}, 10, 100, true, -1, 1},
		{"after a key, to the end", Query{After: id(99)}, n - 100, 100, false, -1, 3},
		{"after a key and an offset", Query{After: id(99), Offset: 5, Limit: 10}, 10, 105, true, -1, 1},
		{"after the last key", Query{After: id(n - 1), Limit: 10}, 0, n, false, -1, 1},
	}
	for _, keyset := range []bool{false, true} {
		for _, tc := range tests {
			if tc.q.After != "" && !keyset {
				continue
			}
			t.Run(fmt.Sprintf("%s/keyset=%t", tc.name, keyset), func(t *testing.T) {
				var got []int
				reads := 0
				more, total, err := pages(tc.q, keyset, func(after string, p domain.Page) (int, string, error) {
					reads++
					if p.Limit < 1 || p.Limit > store.MaxPageSize || !p.NoCount {
						t.Fatalf("page %+v", p)
					}
					start := p.Offset
					if after != "" {
						if !keyset {
							t.Fatal("a key without keyset")
						}
						k, _ := strconv.Atoi(after[1:])
						start += k + 1
					}
					k := 0
					for i := start; i < min(start+p.Limit, n); i++ {
						if tc.q.Limit == 0 || len(got) < tc.q.Limit {
							got = append(got, i)
						}
						k++
					}
					return k, id(start + k - 1), nil
				})
				if err != nil {
					t.Fatal(err)
				}
				if more != tc.more || total != tc.total {
					t.Errorf("more %t total %d, want %t %d", more, total, tc.more, tc.total)
				}
				if len(got) != tc.want {
					t.Fatalf("got %d records, want %d", len(got), tc.want)
				}
				for i, v := range got {
					if v != tc.first+i {
						t.Fatalf("record %d is %d, want %d", i, v, tc.first+i)
					}
				}
				if reads > tc.maxStoreReads {
					t.Errorf("%d store reads, want at most %d", reads, tc.maxStoreReads)
				}
			})
		}
	}
}
