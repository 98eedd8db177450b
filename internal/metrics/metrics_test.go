package metrics_test

import (
	"database/sql"
	"net/http"
	"strings"
	"testing"
	"time"

	_ "github.com/lib/pq"
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

func TestRegisterDB(t *testing.T) {
	db, err := sql.Open("postgres", "postgres://nobody@127.0.0.1:1/none?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(7)
	m := metrics.New()
	m.RegisterDB(db)
	tile := func() (uint64, uint64) { return 3, 4 }
	m.RegisterTileCache(tile)
	for name, want := range map[string]string{
		"go_sql_max_open_connections":    `go_sql_max_open_connections{db_name="serasi"} 7`,
		"serasi_tile_cache_hits_total":   "serasi_tile_cache_hits_total 3",
		"serasi_tile_cache_misses_total": "serasi_tile_cache_misses_total 4",
	} {
		if err := testutil.GatherAndCompare(m.Registry(), strings.NewReader(help[name]+want+"\n"), name); err != nil {
			t.Error(err)
		}
	}
}

var help = map[string]string{
	"go_sql_max_open_connections":    "# HELP go_sql_max_open_connections Maximum number of open connections to the database.\n# TYPE go_sql_max_open_connections gauge\n",
	"serasi_tile_cache_hits_total":   "# HELP serasi_tile_cache_hits_total Vector tiles answered from the cache.\n# TYPE serasi_tile_cache_hits_total counter\n",
	"serasi_tile_cache_misses_total": "# HELP serasi_tile_cache_misses_total Vector tiles rendered because the cache did not have them.\n# TYPE serasi_tile_cache_misses_total counter\n",
}
