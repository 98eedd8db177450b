package server

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkReadPOST measures decoding a typical request body, the first
// thing every GraphQL POST costs.
func BenchmarkReadPOST(b *testing.B) {
	body := []byte(`{"query":"query($lon:Float!,$lat:Float!){kelurahanAt(lon:$lon,lat:$lat){code name}}","variables":{"lon":122.607700,"lat":-5.456000}}`)
	req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
	req.Header.Set("Content-Type", "application/json")
	rd := bytes.NewReader(body)
	b.ReportAllocs()
	for b.Loop() {
		rd.Reset(body)
		req.Body = io.NopCloser(rd)
		req.ContentLength = int64(len(body))
		if _, err := readPOST(req); err != nil {
			b.Fatal(err)
		}
	}
}
