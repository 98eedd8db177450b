package server

import "testing"

func TestNegotiate(t *testing.T) {
	for _, tc := range []struct {
		accept string
		want   string // "" = not acceptable (406)
	}{
		{"", mediaJSON},
		{"  ", mediaJSON},
		{"application/graphql-response+json", mediaGraphQLResponse},
		{"application/json", mediaJSON},
		{"*/*", mediaJSON},
		{"application/*", mediaJSON},
		{"APPLICATION/JSON", mediaJSON},
		{"application/json, application/graphql-response+json", mediaGraphQLResponse},
		{"application/graphql-response+json;q=0.5, application/json", mediaJSON},
		{"application/graphql-response+json, application/json;q=0.9", mediaGraphQLResponse},
		{"application/json; charset=utf-8", mediaJSON},
		{"text/html, application/xml;q=0.9", ""},
		{"text/html", ""},
		{"application/json;q=abc", ""},
		{"application/json;q=0.1, text/html", mediaJSON},
		{"application/graphql-response+json;q=0", ""},
		{"application/graphql-response+json;q=0, application/json", mediaJSON},
	} {
		got, ok := negotiate(tc.accept)
		if ok != (tc.want != "") || got != tc.want {
			t.Errorf("negotiate(%q) = %q, %v; want %q", tc.accept, got, ok, tc.want)
		}
	}
}
