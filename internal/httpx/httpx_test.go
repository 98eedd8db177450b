package httpx_test

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/httpx"
)

type sqlStateError string

func (e sqlStateError) Error() string    { return "pq: " + string(e) }
func (e sqlStateError) SQLState() string { return string(e) }

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		name   string
		err    error
		code   string
		status int
	}{
		{"invalid", domain.Invalid("kinds", "unknown"), "BAD_USER_INPUT", 400},
		{"not found", domain.NotFound("project", "x"), "NOT_FOUND", 404},
		{"conflict", domain.Errorf(domain.ECONFLICT, "stale"), "CONFLICT", 409},
		{"unauthenticated", domain.Errorf(domain.EUNAUTHENTICATED, "no"), "UNAUTHENTICATED", 401},
		{"forbidden", domain.Errorf(domain.EFORBIDDEN, "no"), "FORBIDDEN", 403},
		{"wrapped domain", fmt.Errorf("memory: %w", domain.Invalid("x", "y")), "BAD_USER_INPUT", 400},
		{"unknown domain code", &domain.Error{Code: "odd", Message: "secret"}, "INTERNAL", 500},
		{"plain", errors.New("boom"), "INTERNAL", 500},
		{"bad conn", fmt.Errorf("query: %w", driver.ErrBadConn), "UNAVAILABLE", 503},
		{"refused", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, "UNAVAILABLE", 503},
		{"reset", fmt.Errorf("read: %w", syscall.ECONNRESET), "UNAVAILABLE", 503},
		{"admin shutdown", sqlStateError("57P01"), "UNAVAILABLE", 503},
		{"cannot connect now", sqlStateError("57P03"), "UNAVAILABLE", 503},
		{"connection failure", sqlStateError("08006"), "UNAVAILABLE", 503},
		{"too many connections", sqlStateError("53300"), "UNAVAILABLE", 503},
		{"deadline", fmt.Errorf("select: %w", context.DeadlineExceeded), "UNAVAILABLE", 503},
		{"statement timeout is a bug to see", sqlStateError("57014"), "INTERNAL", 500},
		{"syntax error", sqlStateError("42601"), "INTERNAL", 500},
		{"canceled", context.Canceled, "INTERNAL", 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, status := httpx.Classify(tc.err)
			if code != tc.code || status != tc.status {
				t.Errorf("Classify(%v) = %s %d, want %s %d", tc.err, code, status, tc.code, tc.status)
			}
		})
	}
}

func decode(t *testing.T, rec *httptest.ResponseRecorder) httpx.ErrorResponse {
	t.Helper()
	var body httpx.ErrorResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || len(body.Errors) != 1 {
		t.Fatalf("body %s: %v", rec.Body, err)
	}
	return body
}

func TestWriteError(t *testing.T) {
	r := httptest.NewRequest("GET", "/geojson/projects?kinds=X", nil)

	rec := httptest.NewRecorder()
	httpx.WriteErrorPrefix(rec, r, nil, domain.Invalids([]*domain.Error{
		domain.Invalid("kinds", "unknown kind"), domain.Invalid("near.radiusMeters", "too far")}), "filter")
	e := decode(t, rec).Errors[0]
	if rec.Code != 400 || e.Extensions.Code != "BAD_USER_INPUT" || e.Extensions.Field != "filter.kinds" ||
		len(e.Extensions.Fields) != 2 || e.Extensions.Fields[1].Field != "filter.near.radiusMeters" {
		t.Errorf("invalid: %d %+v", rec.Code, e)
	}
	if rec.Header().Get("Cache-Control") != "no-store" || rec.Header().Get("Content-Type") != "application/json" {
		t.Errorf("headers %v", rec.Header())
	}

	rec = httptest.NewRecorder()
	httpx.WriteError(rec, r, nil, fmt.Errorf("pq: password=secret: %w", driver.ErrBadConn))
	e = decode(t, rec).Errors[0]
	if rec.Code != 503 || e.Extensions.Code != "UNAVAILABLE" || rec.Header().Get("Retry-After") != "5" {
		t.Errorf("unavailable: %d %+v %v", rec.Code, e, rec.Header())
	}
	if e.Message != "the data store is unavailable; retry later" {
		t.Errorf("unavailable message %q", e.Message)
	}

	rec = httptest.NewRecorder()
	httpx.WriteError(rec, r, nil, errors.New("secret detail"))
	e = decode(t, rec).Errors[0]
	if rec.Code != 500 || e.Extensions.Code != "INTERNAL" || e.Message != "internal error" {
		t.Errorf("internal: %d %+v", rec.Code, e)
	}
}

func TestNegotiate(t *testing.T) {
	const (
		gql  = httpx.MediaGraphQLResponse
		js   = httpx.MediaJSON
		html = httpx.MediaHTML
	)
	for _, tc := range []struct {
		accept string
		offers []string
		want   string // "" = none acceptable
	}{
		{"", []string{gql, js}, js},
		{"*/*", []string{gql, js}, js},
		{"application/*", []string{gql, js}, js},
		{"application/json, application/graphql-response+json", []string{gql, js}, gql},
		{"application/graphql-response+json;q=0.5, application/json", []string{gql, js}, js},
		{"*/*;q=0.9, application/graphql-response+json", []string{gql, js}, gql},
		{"text/html", []string{gql, js}, ""},
		{"application/json;q=0", []string{gql, js}, ""},
		{"application/json;q=2", []string{gql, js}, ""},
		{"APPLICATION/JSON", []string{gql, js}, js},
		{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", []string{js, html}, html},
		{"text/*", []string{js, html}, html},
		{"application/geo+json", []string{js, httpx.MediaGeoJSON, html}, httpx.MediaGeoJSON},
		{",;,  ;q=1", []string{js}, ""},
	} {
		got, ok := httpx.Negotiate(tc.accept, js, tc.offers...)
		if ok != (tc.want != "") || got != tc.want {
			t.Errorf("Negotiate(%q, %v) = %q, %v; want %q", tc.accept, tc.offers, got, ok, tc.want)
		}
	}
}

type tokens map[string]domain.Actor

var errDown = &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}

func (ts tokens) AuthenticateToken(_ context.Context, token string) (domain.Actor, error) {
	if token == "down" {
		return domain.Actor{}, errDown
	}
	a, ok := ts[token]
	if !ok {
		return domain.Actor{}, domain.Errorf(domain.EUNAUTHENTICATED, "the token is not valid")
	}
	return a, nil
}

func TestAuthenticate(t *testing.T) {
	editor := domain.Actor{TokenID: "tok1", Name: "Dinas", Role: domain.RoleEditor}
	ts := tokens{"good": editor}
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = fmt.Fprint(w, domain.ActorFromContext(r.Context()).Name)
	})
	for _, tc := range []struct {
		name    string
		require bool
		header  string
		status  int
		code    string
		body    string
	}{
		{"anonymous", false, "", 200, "", ""},
		{"anonymous, token required", true, "", 401, "UNAUTHENTICATED", ""},
		{"valid", false, "Bearer good", 200, "", "Dinas"},
		{"valid, lower-case scheme", true, "bearer good", 200, "", "Dinas"},
		{"unknown", false, "Bearer bad", 401, "UNAUTHENTICATED", ""},
		{"basic", false, "Basic Zm9vOmJhcg==", 401, "UNAUTHENTICATED", ""},
		{"empty token", false, "Bearer ", 401, "UNAUTHENTICATED", ""},
		{"store down", false, "Bearer down", 503, "UNAVAILABLE", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := httpx.Authenticate(httpx.AuthOptions{Tokens: ts, RequireToken: tc.require})(next)
			r := httptest.NewRequest("GET", "/tiles/kelurahan.json", nil)
			if tc.header != "" {
				r.Header.Set("Authorization", tc.header)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if tc.code == "" {
				if rec.Body.String() != tc.body {
					t.Errorf("actor %q, want %q", rec.Body, tc.body)
				}
				return
			}
			if c := decode(t, rec).Errors[0].Extensions.Code; c != tc.code {
				t.Errorf("code %s, want %s", c, tc.code)
			}
			if tc.status == 401 && rec.Header().Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
			if tc.status == 503 && rec.Header().Get("Retry-After") == "" {
				t.Error("503 without Retry-After")
			}
		})
	}
}
