package server_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/metrics"
	"github.com/serasi/serasi/internal/server"
	"github.com/serasi/serasi/internal/store/memory"
)

// BenchmarkGraphQL measures a whole request through the real handler stack
// (middleware, transport, gqlgen, resolvers, memory store) without the
// network, with random points over Kota Baubau (fixed seed).
func BenchmarkGraphQL(b *testing.B) {
	st, err := memory.New(geodata.FS)
	if err != nil {
		b.Fatal(err)
	}
	h := server.New(server.Config{}, st, nil)
	queries := map[string]string{
		"kelurahanAt": `query($lon:Float!,$lat:Float!){kelurahanAt(lon:$lon,lat:$lat){code name}}`,
		"near":        `query($lon:Float!,$lat:Float!){projects(filter:{near:{lon:$lon,lat:$lat,radiusMeters:500}},first:20){totalCount edges{distanceMeters node{projectId kind}}}}`,
		"nearest":     `query($lon:Float!,$lat:Float!){nearestProjects(lon:$lon,lat:$lat,limit:10){distanceMeters project{projectId kind}}}`,
	}
	for _, name := range []string{"kelurahanAt", "near", "nearest"} {
		b.Run(name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			bodies := make([]string, 1024)
			for i := range bodies {
				lon, lat := 122.52+rng.Float64()*0.20, -5.58+rng.Float64()*0.23
				bodies[i] = fmt.Sprintf(`{"query":%q,"variables":{"lon":%f,"lat":%f}}`, queries[name], lon, lat)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(bodies[i%len(bodies)]))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
				_, _ = io.Copy(io.Discard, rec.Body)
			}
		})
	}
}

// BenchmarkMetrics measures what the Prometheus metrics cost on a whole
// kelurahanAt request (goal: under 3%): each iteration sends the same
// request through a server without and one with them, in alternating
// order, so that drift of the machine's speed (other processes) touches
// both alike. It reports both times per request and the overhead in %.
func BenchmarkMetrics(b *testing.B) {
	st, err := memory.New(geodata.FS)
	if err != nil {
		b.Fatal(err)
	}
	q := `query Lokasi($lon:Float!,$lat:Float!){kelurahanAt(lon:$lon,lat:$lat){code name}}`
	rng := rand.New(rand.NewPCG(1, 2))
	bodies := make([]string, 1024)
	for i := range bodies {
		lon, lat := 122.52+rng.Float64()*0.20, -5.58+rng.Float64()*0.23
		bodies[i] = fmt.Sprintf(`{"query":%q,"variables":{"lon":%f,"lat":%f}}`, q, lon, lat)
	}
	off := server.New(server.Config{}, st, nil)
	on := server.New(server.Config{Metrics: metrics.New()}, st, nil)
	send := func(h http.Handler, body string) time.Duration {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, req)
		d := time.Since(start)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		return d
	}
	var tOff, tOn time.Duration
	n := 0
	for i := 0; b.Loop(); i++ {
		body := bodies[i%len(bodies)]
		if i%2 == 0 {
			tOff += send(off, body)
			tOn += send(on, body)
		} else {
			tOn += send(on, body)
			tOff += send(off, body)
		}
		n++
	}
	b.ReportMetric(float64(tOff.Nanoseconds())/float64(n), "ns-off/req")
	b.ReportMetric(float64(tOn.Nanoseconds())/float64(n), "ns-on/req")
	b.ReportMetric(100*(float64(tOn)/float64(tOff)-1), "%overhead")
}
