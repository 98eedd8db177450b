package server

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestReadBody(t *testing.T) {
	for _, tc := range []struct {
		name    string
		body    string
		length  int64 // announced Content-Length; -1 unknown
		limit   int64 // MaxBytesReader limit; 0 none
		want    string
		wantErr string
	}{
		{name: "announced", body: `{"query":"{a}"}`, length: 15, want: `{"query":"{a}"}`},
		{name: "unknown length", body: `{"query":"{a}"}`, length: -1, want: `{"query":"{a}"}`},
		{name: "more than announced", body: `{"query":"{a}"}`, length: 5, want: `{"query":"{a}"}`},
		{name: "less than announced", body: `{"q"`, length: 15, wantErr: io.ErrUnexpectedEOF.Error()},
		{name: "empty", body: ``, length: 0, want: ``},
		{name: "over the limit, announced", body: strings.Repeat("x", 100), length: 100, limit: 50, wantErr: "too large"},
		{name: "over the limit, unknown", body: strings.Repeat("x", 100), length: -1, limit: 50, wantErr: "too large"},
		{name: "at the limit", body: strings.Repeat("x", 50), length: 50, limit: 50, want: strings.Repeat("x", 50)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(tc.body))
			r.ContentLength = tc.length
			if tc.limit > 0 {
				r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, tc.limit)
			}
			got, err := readBody(r)
			if tc.wantErr != "" {
				var tooLarge *http.MaxBytesError
				if err == nil || !(strings.Contains(err.Error(), tc.wantErr) || errors.As(err, &tooLarge) && tc.wantErr == "too large") {
					t.Fatalf("got %q, %v; want error %q", got, err, tc.wantErr)
				}
				return
			}
			if err != nil || string(got) != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}
