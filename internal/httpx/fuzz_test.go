package httpx_test

import (
	"net/http"
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
	cors := httpx.CORS(httpx.CORSOptions{Origins: []string{"https://peta.example"}})(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) }))
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
		// Without an Origin it is no CORS request: the route answers.
		want := http.StatusNoContent
		if r.Header.Get("Origin") == "" {
			want = http.StatusTeapot
		}
		if rec.Code != want {
			t.Fatalf("Origin %q: status %d, want %d", accept, rec.Code, want)
		}
	})
}
