package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/serasi/serasi/internal/server"
)

// hostile are the most expensive requests under 1 MiB we could build, each
// with the code it must be refused with ("" = it runs) and the wall time it
// must stay under on a loaded 2-CPU machine; BenchmarkHostile measures them.
// The bounds are generous on purpose (a busy CI machine must not fail
// them); the figures measured are in the README.
var hostile = []struct {
	name  string
	body  func() []byte
	code  string
	bound time.Duration
}{
	{"20,000 repeated __typename", func() []byte { return query("{"+strings.Repeat(" __typename", 20_000)+" }", nil) }, "QUERY_TOO_COMPLEX", time.Second},
	{"500 repeated __typename (the limit)", func() []byte { return query("{"+strings.Repeat(" __typename", 500)+" }", nil) }, "", 2 * time.Second},
	{"1 MiB of __typename", func() []byte { return query("{"+strings.Repeat(" __typename", 95_000)+" }", nil) }, "QUERY_TOO_COMPLEX", time.Second},
	{"501 repeated __typename", func() []byte { return query("{"+strings.Repeat(" __typename", 501)+" }", nil) }, "QUERY_TOO_COMPLEX", time.Second},
	{"kelurahans with 499 repeated names", func() []byte {
		return query("{ kelurahans {"+strings.Repeat(" name", 499)+" } }", nil)
	}, "", 2 * time.Second},
	{"500 distinct aliases", func() []byte {
		var b strings.Builder
		b.WriteString("{")
		for i := range 500 {
			fmt.Fprintf(&b, " a%d: __typename", i)
		}
		b.WriteString(" }")
		return query(b.String(), nil)
	}, "", 2 * time.Second},
	{"250 aliased kelurahanAt", func() []byte {
		var b strings.Builder
		b.WriteString("{")
		for i := range 250 {
			fmt.Fprintf(&b, " a%d: kelurahanAt(lon: 122.6, lat: -5.45) { name }", i)
		}
		b.WriteString(" }")
		return query(b.String(), nil)
	}, "", 2 * time.Second},
	{"4,900 aliases", func() []byte {
		var b strings.Builder
		b.WriteString("{")
		for i := range 4_900 {
			fmt.Fprintf(&b, " a%d: __typename", i)
		}
		b.WriteString(" }")
		return query(b.String(), nil)
	}, "QUERY_TOO_COMPLEX", time.Second},
	{"fragment spread 5,000 times", func() []byte {
		return query("{"+strings.Repeat(" ...F", 5_000)+" } fragment F on Query { __typename }", nil)
	}, "QUERY_TOO_COMPLEX", time.Second},
	{"fragment bomb", func() []byte {
		var b strings.Builder
		b.WriteString("{ ...F0 }")
		for i := range 40 {
			fmt.Fprintf(&b, " fragment F%d on Query { ...F%d ...F%d }", i, i+1, i+1)
		}
		b.WriteString(" fragment F40 on Query { __typename }")
		return query(b.String(), nil)
	}, "QUERY_TOO_COMPLEX", time.Second},
	{"inline fragments 3,000 deep", func() []byte {
		return query("{"+strings.Repeat(" ... on Query {", 3_000)+" __typename"+strings.Repeat(" }", 3_000)+" }", nil)
	}, "GRAPHQL_PARSE_FAILED", time.Second},
	{"selections 4,000 deep", func() []byte {
		return query(strings.Repeat("{ kelurahans ", 4_000)+"{ __typename }"+strings.Repeat(" }", 4_000), nil)
	}, "GRAPHQL_PARSE_FAILED", time.Second},
	{"1,400 directives on a field", func() []byte {
		return query("{ __typename"+strings.Repeat(" @include(if: true)", 1_400)+" }", nil)
	}, "GRAPHQL_VALIDATION_FAILED", time.Second},
	{"1,000 @skip directives", func() []byte {
		return query("{ __typename"+strings.Repeat(" @skip(if: false)", 1_000)+" }", nil)
	}, "GRAPHQL_VALIDATION_FAILED", 2 * time.Second},
	{"list variable of 60,000 kinds", func() []byte {
		kinds := make([]string, 60_000)
		for i := range kinds {
			kinds[i] = "VILLAGE_ROAD"
		}
		return query(`query($k: [ProjectKind!]) { projects(filter: {kinds: $k}, first: 1) { totalCount } }`, map[string]any{"k": kinds})
	}, "", 2 * time.Second},
	{"variables 400,000 deep", func() []byte {
		v := strings.Repeat("[", 400_000) + strings.Repeat("]", 400_000)
		return []byte(`{"query":"query($k: [ProjectKind!]) { projects(filter: {kinds: $k}, first: 1) { totalCount } }","variables":{"k":` + v + `}}`)
	}, "BAD_REQUEST", time.Second},
	{"80,000 unused variables", func() []byte {
		var b bytes.Buffer
		b.WriteString(`{"query":"{ __typename }","variables":{`)
		for i := range 80_000 {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `"v%d":1`, i)
		}
		b.WriteString(`}}`)
		return b.Bytes()
	}, "", 2 * time.Second},
	{"argument list 300,000 deep", func() []byte {
		return query(`{ projects(filter: {kinds: `+strings.Repeat("[", 300_000)+strings.Repeat("]", 300_000)+`}) { totalCount } }`, nil)
	}, "GRAPHQL_PARSE_FAILED", time.Second},
	{"an object 200,000 deep in an argument", func() []byte {
		return query(`{ projects(filter: `+strings.Repeat("{a:", 200_000)+"1"+strings.Repeat("}", 200_000)+`) { totalCount } }`, nil)
	}, "GRAPHQL_PARSE_FAILED", time.Second},
}

func query(q string, vars map[string]any) []byte {
	b, err := json.Marshal(map[string]any{"query": q, "variables": vars})
	if err != nil {
		panic(err)
	}
	return b
}

func hostileRequest(h http.Handler, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestHostileRequests(t *testing.T) {
	h := server.New(server.Config{}, newMemory(t), nil)
	for _, tc := range hostile {
		t.Run(tc.name, func(t *testing.T) {
			body := tc.body()
			if len(body) > server.DefaultMaxBodyBytes {
				t.Fatalf("the body is %d bytes, over the limit", len(body))
			}
			start := time.Now()
			rec := hostileRequest(h, body)
			took := time.Since(start)
			var res gqlResponse
			if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
				t.Fatalf("status %d, not JSON: %.200s", rec.Code, rec.Body)
			}
			if rec.Code >= 500 || errorCode(res) != tc.code {
				t.Errorf("status %d, code %q, want %q: %.300s", rec.Code, errorCode(res), tc.code, rec.Body)
			}
			t.Logf("%d bytes, %v, status %d %s", len(body), took, rec.Code, errorCode(res))
			if took > tc.bound {
				t.Errorf("took %v, bound %v", took, tc.bound)
			}
		})
	}
}

func BenchmarkHostile(b *testing.B) {
	h := server.New(server.Config{}, newMemory(b), nil)
	for _, tc := range hostile {
		body := tc.body()
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				hostileRequest(h, body)
			}
		})
	}
}
