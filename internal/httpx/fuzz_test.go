package httpx_test

import (
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/serasi/serasi/internal/httpx"
)

// FuzzNegotiate: any Accept header gives one of the offers, or none, and
// never a panic; any Origin and request headers give a well-formed CORS
// answer.
func FuzzNegotiate(f *testing.F) {
	for _, s := range []string{"", "*/*", "application/json;q=0.5, application/graphql-response+json", "text/*;q=abc", ";;,,", "a/b;q=1;q=0"} {
		f.Add(s)
	}
	offers := []string{httpx.MediaGraphQLResponse, httpx.MediaJSON, httpx.MediaHTML}
	cors := httpx.CORS(httpx.CORSOptions{Origins: []string{"https://peta.example"}})(nil)
	f.Fuzz(func(t *testing.T, accept string) {
		got, ok := httpx.Negotiate(accept, httpx.MediaJSON, offers...)
		if ok != (got != "") || ok && !slices.Contains(offers, got) {
			t.Fatalf("Negotiate(%q) = %q, %v", accept, got, ok)
		}
		r := httptest.NewRequest("OPTIONS", "/graphql", nil)
		r.Header.Set("Origin", accept)
		r.Header.Set("Access-Control-Request-Method", "POST")
		r.Header.Set("Access-Control-Request-Headers", accept)
		rec := httptest.NewRecorder()
		cors.ServeHTTP(rec, r)
		if rec.Code != 204 {
			t.Fatalf("preflight %d", rec.Code)
		}
	})
}
