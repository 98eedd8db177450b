package postgis

import (
	"context"
	"errors"
	"sync"

	"github.com/jmoiron/sqlx"
)

// preparedStatements holds the server-side prepared statements of the hot
// read queries (KelurahanAt, NearestProjects, Projects near a point), keyed
// by their SQL text, on a pool of their own whose connections run with
// plan_cache_mode = force_generic_plan.
//
// Why: an unnamed statement, which is what lib/pq sends for a plain query,
// is parsed and planned on every call; for KelurahanAt planning costs more
// than executing, and the planning of the KNN queries (CTEs, PostGIS
// selectivity, SQL function inlining) costs a third of their time. A
// prepared statement is parsed once per connection (database/sql prepares
// it again on each connection the first time it runs there). But left to
// plan_cache_mode = auto PostgreSQL would still plan the KNN queries every
// time: their generic plan guesses LIMIT $n at 10% of the table and so
// looks dearer than the custom plans, though its shape is the same. Hence
// force_generic_plan, and hence a pool of its own: the setting also
// applies to unnamed statements, and the other queries of this store, with
// filters of any shape, are better planned with their values.
//
// Only fixed SQL texts whose generic plans were checked with EXPLAIN go
// through here. A prepared statement also gets bytea results (the WKB) in
// binary rather than hex text from lib/pq.
type preparedStatements struct {
	db    *sqlx.DB
	mu    sync.Mutex
	stmts map[string]*sqlx.Stmt
}

// stmt returns the prepared statement of query, preparing it on first use.
// Preparing happens lazily rather than in Open because Open may run before
// the migrations (serve --migrate). A failed preparation is not remembered,
// so a later call tries again.
func (p *preparedStatements) stmt(ctx context.Context, query string) (*sqlx.Stmt, error) {
	p.mu.Lock()
	st, ok := p.stmts[query]
	p.mu.Unlock()
	if ok {
		return st, nil
	}
	st, err := p.db.PreparexContext(ctx, query)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if prev, ok := p.stmts[query]; ok {
		// Another goroutine prepared it meanwhile.
		st.Close()
		return prev, nil
	}
	if p.stmts == nil {
		p.stmts = map[string]*sqlx.Stmt{}
	}
	p.stmts[query] = st
	return st, nil
}

// close closes every prepared statement and the pool.
func (p *preparedStatements) close() error {
	err := p.closeStmts()
	if p.db != nil {
		err = errors.Join(err, p.db.Close())
	}
	return err
}

// closeStmts closes every prepared statement but not the pool (the write
// statements are prepared on the store's own pool, which Close closes).
func (p *preparedStatements) closeStmts() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var errs []error
	for _, st := range p.stmts {
		errs = append(errs, st.Close())
	}
	p.stmts = nil
	return errors.Join(errs...)
}

// selectPrepared runs query as a prepared statement and scans every row
// into dest, as sqlx's SelectContext does.
func (s *Store) selectPrepared(ctx context.Context, dest any, query string, args ...any) error {
	return s.routed(ctx, dest, func(_ *sqlx.DB, prepared *preparedStatements) error {
		st, err := prepared.stmt(ctx, query)
		if err != nil {
			return err
		}
		return st.SelectContext(ctx, dest, args...)
	})
}

// getPrepared runs query as a prepared statement and scans its one row into
// dest, as sqlx's GetContext does (sql.ErrNoRows when there is none).
func (s *Store) getPrepared(ctx context.Context, dest any, query string, args ...any) error {
	return s.routed(ctx, dest, func(_ *sqlx.DB, prepared *preparedStatements) error {
		st, err := prepared.stmt(ctx, query)
		if err != nil {
			return err
		}
		return st.GetContext(ctx, dest, args...)
	})
}
