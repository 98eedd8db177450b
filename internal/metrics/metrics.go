// Package metrics keeps serasi's Prometheus metrics: HTTP requests and
// their latency by route, GraphQL operations by name, errors by
// extensions.code, the vector-tile cache, the database pool and the Go
// runtime. Everything is in a registry of its own (no global state), served
// by Handler on a listener apart from the API.
package metrics

import (
	"database/sql"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// MaxOperationNames bounds the distinct GraphQL operation names kept as
// label values, "other" included: clients choose them, and every value is
// a time series.
// Names past it (and names that are not GraphQL names) count as "other".
const MaxOperationNames = 200

// Metrics are the server's metrics. The zero value is not usable; use New.
// A nil *Metrics records nothing, so callers need not check.
type Metrics struct {
	reg *prometheus.Registry

	requests   *prometheus.CounterVec   // route, method, status
	duration   *prometheus.HistogramVec // route
	operations *prometheus.CounterVec   // operation
	opDuration *prometheus.HistogramVec // operation
	errors     *prometheus.CounterVec   // code

	// routes caches each label combination's children: a Vec lookup
	// hashes its label values on every call, this a map lookup only.
	mu     sync.RWMutex
	routes map[routeKey]*routeSeries
	ops    map[string]*opSeries
}

type routeKey struct {
	route, method string
	status        int
}

type routeSeries struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

type opSeries struct {
	count    prometheus.Counter
	duration prometheus.Observer
}

// latency buckets: from the embedded store's tens of microseconds to a
// PostGIS query near the request deadline.
var buckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// New returns metrics registered with a new registry, with Go runtime and
// process metrics.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "serasi_http_requests_total", Help: "HTTP requests by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "serasi_http_request_duration_seconds", Help: "HTTP request latency by route pattern.", Buckets: buckets,
		}, []string{"route"}),
		operations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "serasi_graphql_operations_total", Help: "GraphQL operations by operation name (\"\" anonymous, \"other\" past the limit of names).",
		}, []string{"operation"}),
		opDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "serasi_graphql_operation_duration_seconds", Help: "GraphQL request latency by operation name.", Buckets: buckets,
		}, []string{"operation"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "serasi_errors_total", Help: "Errors answered, by extensions.code.",
		}, []string{"code"}),
		routes: map[routeKey]*routeSeries{},
		ops:    map[string]*opSeries{},
	}
	m.reg.MustRegister(m.requests, m.duration, m.operations, m.opDuration, m.errors,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Registry is where the metrics live, for tests and further collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// ObserveRequest records one HTTP request. route is the pattern that
// matched ("" when none did: counted as "other"); operation is the GraphQL
// operation name, or nil for a request that was not a GraphQL operation.
func (m *Metrics) ObserveRequest(route, method string, status int, d time.Duration, operation *string) {
	if m == nil {
		return
	}
	if route == "" {
		route = "other"
	}
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
	default:
		method = "other"
	}
	k := routeKey{route, method, status}
	m.mu.RLock()
	rs := m.routes[k]
	m.mu.RUnlock()
	if rs == nil {
		m.mu.Lock()
		if rs = m.routes[k]; rs == nil {
			rs = &routeSeries{
				requests: m.requests.WithLabelValues(route, method, strconv.Itoa(status)),
				duration: m.duration.WithLabelValues(route),
			}
			m.routes[k] = rs
		}
		m.mu.Unlock()
	}
	rs.requests.Inc()
	secs := d.Seconds()
	rs.duration.Observe(secs)
	if operation != nil {
		os := m.op(*operation)
		os.count.Inc()
		os.duration.Observe(secs)
	}
}

func (m *Metrics) op(name string) *opSeries {
	if !validName(name) {
		name = "other"
	}
	m.mu.RLock()
	s := m.ops[name]
	m.mu.RUnlock()
	if s != nil {
		return s
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if s = m.ops[name]; s != nil {
		return s
	}
	if len(m.ops) >= MaxOperationNames-1 { // one left for "other"
		name = "other"
		if s = m.ops[name]; s != nil {
			return s
		}
	}
	s = &opSeries{count: m.operations.WithLabelValues(name), duration: m.opDuration.WithLabelValues(name)}
	m.ops[name] = s
	return s
}

// validName reports whether s is a GraphQL name of at most 64 bytes, or "".
func validName(s string) bool {
	if len(s) > 64 {
		return false
	}
	for i, c := range s {
		ok := c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9'
		if !ok {
			return false
		}
	}
	return true
}

// ObserveError counts one error answered with the given extensions.code.
// The codes are serasi's and gqlgen's own, a fixed set.
func (m *Metrics) ObserveError(code string) {
	if m == nil {
		return
	}
	m.errors.WithLabelValues(code).Inc()
}

// RegisterTileCache exports the vector-tile cache's hits and misses,
// read from stats when scraped.
func (m *Metrics) RegisterTileCache(stats func() (hits, misses uint64)) {
	if m == nil {
		return
	}
	m.reg.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "serasi_tile_cache_hits_total", Help: "Vector tiles answered from the cache.",
		}, func() float64 { h, _ := stats(); return float64(h) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "serasi_tile_cache_misses_total", Help: "Vector tiles rendered because the cache did not have them.",
		}, func() float64 { _, mi := stats(); return float64(mi) }),
	)
}

// RegisterDB exports the connection pool statistics of db
// (go_sql_* with db_name="serasi": open, in use, idle, waits, ...).
func (m *Metrics) RegisterDB(db *sql.DB) {
	if m == nil {
		return
	}
	m.reg.MustRegister(collectors.NewDBStatsCollector(db, "serasi"))
}
