package metrics_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/serasi/serasi/internal/metrics"
)

func TestOperationNamesBounded(t *testing.T) {
	m := metrics.New()
	for i := range 3 * metrics.MaxOperationNames {
		name := "op" + strings.Repeat("x", i%50) + string(rune('a'+i%26)) + string(rune('a'+i/26%26))
		m.ObserveRequest("POST /graphql", http.MethodPost, 200, time.Millisecond, &name)
	}
	bad := "not a name; DROP TABLE"
	m.ObserveRequest("POST /graphql", http.MethodPost, 200, time.Millisecond, &bad)
	n, err := testutil.GatherAndCount(m.Registry(), "serasi_graphql_operations_total")
	if err != nil {
		t.Fatal(err)
	}
	if n > metrics.MaxOperationNames {
		t.Errorf("%d operation series, want at most %d", n, metrics.MaxOperationNames)
	}
	var nilMetrics *metrics.Metrics
	nilMetrics.ObserveRequest("x", "GET", 200, 0, nil) // a nil *Metrics records nothing
	nilMetrics.ObserveError("X")
}

// BenchmarkObserveRequest is what the metrics add to a GraphQL request:
// one request series, one operation series, one latency each. Compare with
// BenchmarkGraphQL/kelurahanAt in internal/server (the whole request).
func BenchmarkObserveRequest(b *testing.B) {
	m := metrics.New()
	op := "Lokasi"
	b.ReportAllocs()
	for b.Loop() {
		m.ObserveRequest("POST /graphql", http.MethodPost, 200, 13*time.Microsecond, &op)
	}
}
