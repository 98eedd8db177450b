package servertest

import (
	"strings"
	"testing"
)

// testQuerySafety checks the default complexity limit from the outside: a
// full page of 500 projects with geometry and kelurahan is admitted, every
// kelurahan with 500 projects each is not, and the refusal runs nothing.
func testQuerySafety(t *testing.T, h *harness) {
	t.Run("a full page with geometry is admitted", func(t *testing.T) {
		var out struct {
			Projects struct{ Edges []struct{} }
		}
		h.query(t, `{ projects(first: 500) { edges { node { projectId geometry kelurahan { name } } } } }`, nil, &out)
		if len(out.Projects.Edges) == 0 {
			t.Error("no projects")
		}
	})
	t.Run("every kelurahan with 500 projects each is refused", func(t *testing.T) {
		h.counter.Reset()
		e := h.queryError(t, `{ kelurahans { projects(first: 500) { edges { node { projectId geometry } } } } }`, nil, "COMPLEXITY_LIMIT_EXCEEDED")
		if !strings.Contains(e.Message, "complexity") {
			t.Errorf("message %q does not say what was exceeded", e.Message)
		}
		if calls := h.counter.Calls(); len(calls) != 0 {
			t.Errorf("a refused operation called the store: %v", calls)
		}
	})
	t.Run("a whole layer per item adds up", func(t *testing.T) {
		// 26 layers at 2,000 each: over 50,000 without any list.
		var b strings.Builder
		b.WriteString("{")
		for i := range 26 {
			b.WriteString(" l")
			b.WriteByte(byte('a' + i))
			b.WriteString(": kecamatanLayer")
		}
		b.WriteString(" }")
		h.queryError(t, b.String(), nil, "COMPLEXITY_LIMIT_EXCEEDED")
	})
}
