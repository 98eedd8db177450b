package servertest

import (
	"encoding/base64"
	"fmt"
	"slices"
	"testing"

	"github.com/serasi/serasi/internal/domain"
)

func testPagination(t *testing.T, h *harness) {
	all, err := h.store.Projects(h.ctx(), domain.ProjectFilter{}, domain.ProjectOrder{}, domain.Page{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	if all.TotalCount < 11 {
		t.Fatalf("%d projects: too few to page through", all.TotalCount)
	}
	const q = `query($first: Int, $after: String) { projects(first: $first, after: $after) { ` + projectConnFields + ` } }`

	t.Run("walk every page", func(t *testing.T) {
		var ids []string
		var after any
		for page := 0; ; page++ {
			if page > all.TotalCount {
				t.Fatal("paging does not end")
			}
			var out struct{ Projects projectConnJSON }
			h.query(t, q, map[string]any{"first": 4, "after": after}, &out)
			c := out.Projects
			if c.TotalCount != all.TotalCount {
				t.Fatalf("page %d: totalCount %d, want %d", page, c.TotalCount, all.TotalCount)
			}
			if c.PageInfo.HasPreviousPage != (page > 0) {
				t.Errorf("page %d: hasPreviousPage %v", page, c.PageInfo.HasPreviousPage)
			}
			if len(c.Edges) == 0 || deref(c.PageInfo.StartCursor) != c.Edges[0].Cursor || deref(c.PageInfo.EndCursor) != c.Edges[len(c.Edges)-1].Cursor {
				t.Fatalf("page %d: pageInfo {start %s end %s} does not match edges %v", page,
					cursorString(c.PageInfo.StartCursor), cursorString(c.PageInfo.EndCursor), c.Edges)
			}
			ids = append(ids, projectIDs(c)...)
			if !c.PageInfo.HasNextPage {
				break
			}
			after = *c.PageInfo.EndCursor
		}
		if !slices.Equal(ids, hitIDs(all.Items)) {
			t.Errorf("pages give %v\nwant %v", ids, hitIDs(all.Items))
		}
	})
	t.Run("defaults", func(t *testing.T) {
		var out struct{ Projects projectConnJSON }
		h.query(t, `{ projects { `+projectConnFields+` } }`, nil, &out)
		if want := min(50, all.TotalCount); len(out.Projects.Edges) != want || out.Projects.PageInfo.HasNextPage != (all.TotalCount > 50) {
			t.Errorf("%d edges without first, want %d", len(out.Projects.Edges), want)
		}
	})
	t.Run("first 0", func(t *testing.T) {
		var out struct{ Projects projectConnJSON }
		h.query(t, q, map[string]any{"first": 0}, &out)
		c := out.Projects
		if len(c.Edges) != 0 || c.TotalCount != all.TotalCount || !c.PageInfo.HasNextPage || c.PageInfo.StartCursor != nil || c.PageInfo.EndCursor != nil {
			t.Errorf("first 0 = %+v", c)
		}
	})
	t.Run("first 500", func(t *testing.T) {
		var out struct{ Projects projectConnJSON }
		h.query(t, q, map[string]any{"first": 500}, &out)
		if len(out.Projects.Edges) != all.TotalCount || out.Projects.PageInfo.HasNextPage {
			t.Errorf("first 500: %d edges, hasNextPage %v", len(out.Projects.Edges), out.Projects.PageInfo.HasNextPage)
		}
	})
	t.Run("after the last", func(t *testing.T) {
		var out struct{ Projects projectConnJSON }
		h.query(t, q, map[string]any{"first": 500}, &out)
		if out.Projects.PageInfo.EndCursor == nil {
			t.Fatalf("first 500 over %d projects has no endCursor", all.TotalCount)
		}
		last := *out.Projects.PageInfo.EndCursor
		h.query(t, q, map[string]any{"first": 5, "after": last}, &out)
		if len(out.Projects.Edges) != 0 || out.Projects.PageInfo.HasNextPage || !out.Projects.PageInfo.HasPreviousPage {
			t.Errorf("after the last edge: %+v", out.Projects)
		}
	})
	// Cursors at the edges: after the first edge the page starts at the
	// second; after the one before last there is one edge left and no
	// next page; a cursor past the end (a client keeping one while
	// projects are deleted) gives an empty page, not an error; a filter
	// matching nothing gives an empty page with null cursors.
	t.Run("cursor edges", func(t *testing.T) {
		var every struct{ Projects projectConnJSON }
		h.query(t, q, map[string]any{"first": 500}, &every)
		edges := every.Projects.Edges
		n := len(edges)
		if n != all.TotalCount || n < 3 {
			t.Fatalf("first 500: %d edges of %d", n, all.TotalCount)
		}
		ids := projectIDs(every.Projects)
		page := func(t *testing.T, first int, after string) projectConnJSON {
			t.Helper()
			var out struct{ Projects projectConnJSON }
			h.query(t, q, map[string]any{"first": first, "after": after}, &out)
			return out.Projects
		}
		tests := []struct {
			name             string
			first            int
			after            string
			want             []string
			hasNext, hasPrev bool
		}{
			{"after the first", 2, edges[0].Cursor, ids[1:3], n > 3, true},
			{"after the second last", 5, edges[n-2].Cursor, ids[n-1:], false, true},
			{"after the last", 5, edges[n-1].Cursor, nil, false, true},
			{"past the end", 5, base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("cursor:%d", n+10))), nil, false, true},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				c := page(t, tc.first, tc.after)
				if got := projectIDs(c); !slices.Equal(got, tc.want) {
					t.Errorf("edges %v, want %v", got, tc.want)
				}
				if c.TotalCount != n || c.PageInfo.HasNextPage != tc.hasNext || c.PageInfo.HasPreviousPage != tc.hasPrev {
					t.Errorf("totalCount %d hasNextPage %v hasPreviousPage %v, want %d %v %v",
						c.TotalCount, c.PageInfo.HasNextPage, c.PageInfo.HasPreviousPage, n, tc.hasNext, tc.hasPrev)
				}
				if len(c.Edges) == 0 && (c.PageInfo.StartCursor != nil || c.PageInfo.EndCursor != nil) {
					t.Errorf("an empty page has cursors %s, %s", cursorString(c.PageInfo.StartCursor), cursorString(c.PageInfo.EndCursor))
				}
				if len(c.Edges) > 0 && (deref(c.PageInfo.StartCursor) != c.Edges[0].Cursor || deref(c.PageInfo.EndCursor) != c.Edges[len(c.Edges)-1].Cursor) {
					t.Errorf("pageInfo cursors %s, %s do not match the edges", cursorString(c.PageInfo.StartCursor), cursorString(c.PageInfo.EndCursor))
				}
			})
		}
		t.Run("each edge's cursor resumes behind it", func(t *testing.T) {
			for i, e := range edges {
				c := page(t, 1, e.Cursor)
				var want []string
				if i+1 < n {
					want = ids[i+1 : i+2]
				}
				if got := projectIDs(c); !slices.Equal(got, want) {
					t.Fatalf("after edge %d: %v, want %v", i, got, want)
				}
			}
		})
		t.Run("nothing matches", func(t *testing.T) {
			var out struct{ Projects projectConnJSON }
			h.query(t, `{ projects(first: 5, filter: {forumId: "nope"}) { `+projectConnFields+` } }`, nil, &out)
			c := out.Projects
			if len(c.Edges) != 0 || c.TotalCount != 0 || c.PageInfo.HasNextPage || c.PageInfo.HasPreviousPage ||
				c.PageInfo.StartCursor != nil || c.PageInfo.EndCursor != nil {
				t.Errorf("empty connection: %d edges, totalCount %d, pageInfo {%v %v %s %s}", len(c.Edges), c.TotalCount,
					c.PageInfo.HasNextPage, c.PageInfo.HasPreviousPage, cursorString(c.PageInfo.StartCursor), cursorString(c.PageInfo.EndCursor))
			}
		})
	})
	t.Run("activities", func(t *testing.T) {
		const aq = `query($after: String) { activities(first: 7, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { activityId } } } }`
		want, err := h.store.Activities(h.ctx(), domain.ActivityFilter{}, domain.Page{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		var after any
		for range 100 {
			var out struct {
				Activities struct {
					TotalCount int
					PageInfo   struct {
						HasNextPage bool
						EndCursor   *string
					}
					Edges []struct{ Node struct{ ActivityID string } }
				}
			}
			h.query(t, aq, map[string]any{"after": after}, &out)
			for _, e := range out.Activities.Edges {
				ids = append(ids, e.Node.ActivityID)
			}
			if !out.Activities.PageInfo.HasNextPage {
				break
			}
			if out.Activities.PageInfo.EndCursor == nil {
				t.Fatalf("hasNextPage without an endCursor after %d activities", len(ids))
			}
			after = *out.Activities.PageInfo.EndCursor
		}
		if !slices.Equal(ids, codesOf(want.Items, func(a domain.Activity) string { return a.ID })) {
			t.Errorf("pages give %v, want %d activities", ids, want.TotalCount)
		}
	})
	t.Run("bad arguments", func(t *testing.T) {
		tests := []struct {
			name  string
			vars  map[string]any
			field string
		}{
			{"first 501", map[string]any{"first": 501}, "first"},
			{"first -1", map[string]any{"first": -1}, "first"},
			{"garbage cursor", map[string]any{"after": "not a cursor"}, "after"},
			{"base64 of garbage", map[string]any{"after": "aGVsbG8="}, "after"},
			{"negative offset", map[string]any{"after": "Y3Vyc29yOi0x"}, "after"}, // cursor:-1
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				e := h.queryError(t, q, tc.vars, "BAD_USER_INPUT")
				if e.Extensions.Field != tc.field {
					t.Errorf("field %q, want %q", e.Extensions.Field, tc.field)
				}
			})
		}
		h.queryError(t, `{ kelurahan(code: "74.72.02.1001") { projects(first: 501) { totalCount } } }`, nil, "BAD_USER_INPUT")
		h.queryError(t, `{ kelurahan(code: "74.72.02.1001") { projects(first: 5, after: "x", filter: {kelurahanCodes: ["other"]}) { totalCount } } }`, nil, "BAD_USER_INPUT")
		h.queryError(t, `{ forums { activities(first: -1) { totalCount } } }`, nil, "BAD_USER_INPUT")
		h.queryError(t, `{ activities(after: "zzz") { totalCount } }`, nil, "BAD_USER_INPUT")
	})
}

// deref is what a cursor field holds, "" for null: a helper compares and
// fails, it never dereferences nil and panics the package's run away.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func cursorString(s *string) string {
	if s == nil {
		return "null"
	}
	return fmt.Sprintf("%q", *s)
}
