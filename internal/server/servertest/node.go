package servertest

import (
	"encoding/base64"
	"testing"
)

func testNode(t *testing.T, h *harness) {
	// One object of each Node type: its id from a list, then node(id:).
	lists := []struct {
		typ, list, key string
	}{
		{"Kecamatan", `{ kecamatans { id key: code } }`, "kecamatans"},
		{"Kelurahan", `{ kelurahans { id key: code } }`, "kelurahans"},
		{"Forum", `{ forums { id key: forumId } }`, "forums"},
		{"Project", `{ projects(first: 1) { edges { node { id key: projectId } } } }`, "projects"},
		{"Activity", `{ activities(first: 1) { edges { node { id key: activityId } } } }`, "activities"},
	}
	type obj struct{ ID, Key string }
	for _, l := range lists {
		t.Run(l.typ, func(t *testing.T) {
			var out map[string]any
			h.query(t, l.list, nil, &out)
			// Checked assertions all the way: a wrong answer fails the
			// test, it does not panic the package's run away.
			var m map[string]any
			switch v := out[l.key].(type) {
			case []any:
				if len(v) > 0 {
					m, _ = v[0].(map[string]any)
				}
			case map[string]any:
				if edges, _ := v["edges"].([]any); len(edges) > 0 {
					e, _ := edges[0].(map[string]any)
					m, _ = e["node"].(map[string]any)
				}
			}
			id, _ := m["id"].(string)
			key, _ := m["key"].(string)
			if id == "" || key == "" {
				t.Fatalf("%s: no first object with an id and a key in %v", l.key, out)
			}
			first := obj{id, key}
			raw, err := base64.StdEncoding.DecodeString(first.ID)
			if err != nil || string(raw) != l.typ+":"+first.Key {
				t.Errorf("id %q decodes to %q, want %s:%s", first.ID, raw, l.typ, first.Key)
			}
			var got struct {
				Node *struct {
					Typename string `json:"__typename"`
					ID       string
				}
			}
			h.query(t, `query($id: ID!) { node(id: $id) { __typename id } }`, map[string]any{"id": first.ID}, &got)
			if got.Node == nil || got.Node.Typename != l.typ || got.Node.ID != first.ID {
				t.Errorf("node(%q) = %+v, want the %s", first.ID, got.Node, l.typ)
			}
			var missing struct{ Node *struct{ ID string } }
			h.query(t, `query($id: ID!) { node(id: $id) { id } }`,
				map[string]any{"id": base64.StdEncoding.EncodeToString([]byte(l.typ + ":does-not-exist"))}, &missing)
			if missing.Node != nil {
				t.Errorf("node of an unknown %s = %+v, want null", l.typ, missing.Node)
			}
		})
	}
	t.Run("fragments", func(t *testing.T) {
		var out struct {
			Node struct{ Name string }
		}
		h.query(t, `query($id: ID!) { node(id: $id) { ... on Kelurahan { name } } }`,
			map[string]any{"id": base64.StdEncoding.EncodeToString([]byte("Kelurahan:74.72.02.1001"))}, &out)
		if out.Node.Name != "Wale" {
			t.Errorf("node(Kelurahan:74.72.02.1001) name = %q, want Wale", out.Node.Name)
		}
	})
	t.Run("malformed ids", func(t *testing.T) {
		for _, id := range []string{"", "!!!", "S2VsdXJhaGFu", base64.StdEncoding.EncodeToString([]byte("Nope:1")), base64.StdEncoding.EncodeToString([]byte(":1"))} {
			e := h.queryError(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id}, "BAD_USER_INPUT")
			if e.Extensions.Field != "id" {
				t.Errorf("id %q: field %q, want id", id, e.Extensions.Field)
			}
		}
	})
}
