package servertest

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

// testErrors covers the error presenter: internal errors are hidden and
// logged with the request id, panics are recovered.
func testErrors(t *testing.T, h *harness) {
	t.Run("internal error is hidden and logged", func(t *testing.T) {
		h.counter.Fail = func(string) error { return errors.New("pq: connection refused to secret-host:5432") }
		defer func() { h.counter.Fail = nil }()
		res := h.do(t, withHeader(postJSON(`{"query":"{ kecamatans { code } }"}`), "X-Request-Id", "req-internal-1"))
		if res.Status != http.StatusOK || len(res.Errors) != 1 {
			t.Fatalf("status %d\n%s", res.Status, res.Raw)
		}
		e := res.Errors[0]
		if e.Extensions.Code != "INTERNAL" || e.Message != "internal error" {
			t.Errorf("got %+v, want INTERNAL \"internal error\"", e)
		}
		if strings.Contains(string(res.Raw), "secret-host") {
			t.Errorf("the response leaks the internal error: %s", res.Raw)
		}
		log := h.log.String()
		if !strings.Contains(log, "secret-host") || !strings.Contains(log, `"request_id":"req-internal-1"`) {
			t.Errorf("the internal error is not logged with its request id:\n%s", log)
		}
	})
	t.Run("panic is recovered", func(t *testing.T) {
		h.counter.Fail = func(method string) error {
			if method == "Kecamatan" {
				panic("boom")
			}
			return nil
		}
		// kecamatan is nullable, so its error does not null the whole data.
		res := h.post(t, `{ kecamatan(code: "74.72.02") { code } kecamatans { code } }`, nil)
		h.counter.Fail = nil
		if len(res.Errors) != 1 || res.Errors[0].Extensions.Code != "INTERNAL" || res.Errors[0].Message != "internal error" {
			t.Fatalf("want one INTERNAL error, got %s", res.Raw)
		}
		if !strings.Contains(string(res.Data), `"kecamatan":null`) || !strings.Contains(string(res.Data), `"74.72.02"`) {
			t.Errorf("the other field did not resolve: %s", res.Data)
		}
		if !strings.Contains(h.log.String(), "boom") {
			t.Errorf("the panic is not logged")
		}
		var out struct{ Kecamatans []struct{ Code string } }
		h.query(t, `{ kecamatans { code } }`, nil, &out)
		if len(out.Kecamatans) == 0 {
			t.Errorf("the server does not answer after a panic")
		}
	})
	t.Run("store EINVALID keeps its message and field", func(t *testing.T) {
		e := h.queryError(t, `{ kelurahanAt(lon: 122.6, lat: 91) { code } }`, nil, "BAD_USER_INPUT")
		if e.Extensions.Field == "" || !strings.Contains(e.Message, "91") {
			t.Errorf("got %+v, want the store's message and field", e)
		}
		if len(e.Path) != 1 || e.Path[0] != "kelurahanAt" {
			t.Errorf("path %v, want [kelurahanAt]", e.Path)
		}
	})
}
