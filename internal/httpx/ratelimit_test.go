package httpx_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/serasi/serasi/internal/httpx"
)

func TestRateLimit(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	h := httpx.RateLimit(httpx.RateLimitOptions{PerToken: 1, TokenBurst: 3, PerIP: 0.5, IPBurst: 2})(ok)
	send := func(path, ip, token string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", path, nil)
		r.RemoteAddr = ip + ":40000"
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec
	}
	count := func(n int, path, ip, token string) (passed int, last *httptest.ResponseRecorder) {
		for range n {
			last = send(path, ip, token)
			if last.Code == 200 {
				passed++
			}
		}
		return passed, last
	}
	if n, last := count(10, "/graphql", "10.0.0.1", ""); n != 2 || last.Code != 429 {
		t.Errorf("anonymous from one IP: %d passed, last %d; want the burst of 2", n, last.Code)
	} else {
		if s, err := strconv.Atoi(last.Header().Get("Retry-After")); err != nil || s < 1 || s > 2 {
			t.Errorf("Retry-After %q", last.Header().Get("Retry-After"))
		}
		if c := decode(t, last).Errors[0].Extensions.Code; c != "TOO_MANY_REQUESTS" {
			t.Errorf("code %s", c)
		}
	}
	if n, _ := count(5, "/graphql", "10.0.0.2", ""); n != 2 {
		t.Errorf("another IP has a bucket of its own: %d passed", n)
	}
	if n, _ := count(5, "/graphql", "10.0.0.1", "aaa"); n != 3 {
		t.Errorf("a token from the limited IP: %d passed, want its burst of 3", n)
	}
	if n, _ := count(5, "/graphql", "10.0.0.1", "bbb"); n != 3 {
		t.Errorf("another token: %d passed, want 3", n)
	}
	if n, _ := count(5, "/readyz", "10.0.0.1", ""); n != 5 {
		t.Errorf("probes are never limited: %d passed", n)
	}
	off := httpx.RateLimit(httpx.RateLimitOptions{})(ok)
	for range 100 {
		rec := httptest.NewRecorder()
		off.ServeHTTP(rec, httptest.NewRequest("GET", "/graphql", nil))
		if rec.Code != 200 {
			t.Fatal("limited although off")
		}
	}
}
