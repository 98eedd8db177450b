package postgis

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

var _ store.TxStore = (*Store)(nil)

// Now is the store's clock; the database stamps audit entries and changes
// with its own.
func (s *Store) Now() time.Time { return time.Now() }

// Update runs fn in one transaction; see store.TxStore.
func (s *Store) Update(ctx context.Context, fn func(store.Tx) error) error {
	// Prepared before BEGIN: preparing takes a connection from the pool,
	// and a writer that holds one must not wait for another.
	stmts, err := s.txStatements(ctx)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("postgis: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit this is a no-op
	t := &pgTx{txLookup: txLookup{s, tx}, stmts: stmts}
	if err := fn(t); err != nil {
		return err
	}
	if err := t.flushAudit(ctx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("postgis: commit: %w", err)
	}
	s.afterWrite(ctx)
	return nil
}

// txStmts are the statements that end every write, prepared on the
// store's pool: a write runs them on its own connection, where
// database/sql prepares them the first time and reuses them after, so
// they are neither parsed nor planned again, and each is one round trip
// (lib/pq sends an unnamed statement as two: parse, then execute).
type txStmts struct {
	feed  *sqlx.Stmt // appendChange
	audit *sqlx.Stmt // appendAuditQuery
}

func (s *Store) txStatements(ctx context.Context) (txStmts, error) {
	feed, err := s.writeStmts.stmt(ctx, appendChange)
	if err != nil {
		return txStmts{}, fmt.Errorf("postgis: prepare change log: %w", err)
	}
	audit, err := s.writeStmts.stmt(ctx, appendAuditQuery)
	if err != nil {
		return txStmts{}, fmt.Errorf("postgis: prepare audit: %w", err)
	}
	return txStmts{feed: feed, audit: audit}, nil
}

// pgTx is one write transaction; its Lookup is txLookup's.
type pgTx struct {
	txLookup
	// audit is the entry of AppendAudit, inserted with the changes that
	// follow it in one round trip (AppendChanges), or before COMMIT.
	audit *domain.AuditEntry
	stmts txStmts
}

func (t *pgTx) Kelurahans(ctx context.Context) ([]domain.Kelurahan, error) {
	var rows []struct {
		Code string              `db:"code"`
		Name string              `db:"name"`
		Geom wkb.GeometryScanner `db:"geom"`
	}
	if err := t.tx.SelectContext(ctx, &rows, `SELECT code, name, ST_AsBinary(geom) AS geom FROM kelurahan`); err != nil {
		return nil, fmt.Errorf("postgis: kelurahan: %w", err)
	}
	out := make([]domain.Kelurahan, len(rows))
	for i, r := range rows {
		out[i] = domain.Kelurahan{Code: r.Code, Name: r.Name, KecamatanCode: domain.KecamatanCodeOf(r.Code), Geometry: r.Geom.Geometry}
	}
	return out, nil
}

func (t *pgTx) ForumsForUpdate(ctx context.Context, ids []string) (map[string]domain.Forum, error) {
	var rows []forumRow
	return byID(ctx, t.tx, &rows, `SELECT `+forumColumns+` FROM forum fo WHERE fo.id = ANY($1) FOR UPDATE OF fo`, ids,
		func(i int) (string, domain.Forum) { f := rows[i].domain(); return f.ID, f })
}

func (t *pgTx) ProjectsForUpdate(ctx context.Context, ids []string) (map[string]domain.Project, error) {
	var rows []projectRow
	return byID(ctx, t.tx, &rows, `SELECT `+projectColumns+` FROM project p WHERE p.id = ANY($1) FOR UPDATE OF p`, ids,
		func(i int) (string, domain.Project) { p := rows[i].domain(); return p.ID, p })
}

func (t *pgTx) ActivitiesForUpdate(ctx context.Context, ids []string) (map[string]domain.Activity, error) {
	var rows []activityRow
	return byID(ctx, t.tx, &rows, `SELECT `+activityColumns+` FROM activity a WHERE a.id = ANY($1) FOR UPDATE OF a`, ids,
		func(i int) (string, domain.Activity) { a := rows[i].domain(); return a.ID, a })
}

// byID selects rows for ids (unstorable ones match nothing) and maps them
// by id.
func byID[R any, T any](ctx context.Context, tx *sqlx.Tx, rows *[]R, query string, ids []string, get func(i int) (string, T)) (map[string]T, error) {
	out := make(map[string]T, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	if err := tx.SelectContext(ctx, rows, query, textArray(ids)); err != nil {
		return nil, fmt.Errorf("postgis: read for update: %w", err)
	}
	for i := range *rows {
		id, r := get(i)
		out[id] = r
	}
	return out, nil
}

// batchRows is how many projects one multi-row statement carries.
const batchRows = 5000

// Apply writes forums and activities one statement each, projects in
// multi-row statements over unnest.
func (t *pgTx) Apply(ctx context.Context, ws []store.Write) error {
	var creates, updates []domain.Project
	var deletes []string
	flush := func() error {
		if err := t.insertProjects(ctx, creates); err != nil {
			return err
		}
		if err := t.updateProjects(ctx, updates); err != nil {
			return err
		}
		if len(deletes) > 0 {
			if _, err := t.tx.ExecContext(ctx, `DELETE FROM project WHERE id = ANY($1)`, pq.StringArray(deletes)); err != nil {
				return fmt.Errorf("postgis: delete projects: %w", err)
			}
		}
		creates, updates, deletes = creates[:0], updates[:0], deletes[:0]
		return nil
	}
	for _, w := range ws {
		if w.Type == domain.RecordProject {
			switch w.Op {
			case domain.OpCreate:
				creates = append(creates, w.Record.(domain.Project))
			case domain.OpDelete:
				deletes = append(deletes, w.ID)
			default:
				updates = append(updates, w.Record.(domain.Project))
			}
			continue
		}
		// Projects queued so far go first: a later write may depend on them
		// only through forums, which come before them, but keep the order.
		if err := flush(); err != nil {
			return err
		}
		var err error
		switch w.Type {
		case domain.RecordForum:
			err = t.putForum(ctx, w)
		case domain.RecordActivity:
			err = t.putActivity(ctx, w)
		default:
			err = fmt.Errorf("postgis: cannot write a %s record", w.Type)
		}
		if err != nil {
			return err
		}
	}
	return flush()
}

func (t *pgTx) putForum(ctx context.Context, w store.Write) error {
	f := w.Record.(domain.Forum)
	if w.Op == domain.OpCreate {
		res, err := t.tx.ExecContext(ctx, `INSERT INTO forum (id, name, year_formed, status, member_count, secretariat, description, version)
			VALUES ($1, $2, $3, $4, $5, ST_GeomFromWKB($6, 4326), $7, $8) ON CONFLICT (id) DO NOTHING`,
			f.ID, f.Name, f.YearFormed, string(f.Status), f.MemberCount, wkb.Value(f.Secretariat), f.Description, f.Version)
		if err := inserted(res, err, "forum", f.ID); err != nil {
			return err
		}
	} else {
		_, err := t.tx.ExecContext(ctx, `UPDATE forum SET name = $2, year_formed = $3, status = $4, member_count = $5,
			secretariat = ST_GeomFromWKB($6, 4326), description = $7, version = $8 WHERE id = $1`,
			f.ID, f.Name, f.YearFormed, string(f.Status), f.MemberCount, wkb.Value(f.Secretariat), f.Description, f.Version)
		if err != nil {
			return fmt.Errorf("postgis: update forum %q: %w", f.ID, err)
		}
	}
	return writeForumKelurahan(ctx, t.tx, f)
}

func (t *pgTx) putActivity(ctx context.Context, w store.Write) error {
	if w.Op == domain.OpDelete {
		if _, err := t.tx.ExecContext(ctx, `DELETE FROM activity WHERE id = $1`, w.ID); err != nil {
			return fmt.Errorf("postgis: delete activity %q: %w", w.ID, err)
		}
		return nil
	}
	a := w.Record.(domain.Activity)
	var loc orb.Geometry
	if a.Location != nil {
		loc = *a.Location
	}
	values := []any{a.ID, a.Title, a.ForumID, string(a.Kind), dateText(a.Date.UTC()), a.Participants,
		geomParam(loc), a.KelurahanCode, a.Description, a.Version}
	if w.Op == domain.OpCreate {
		res, err := t.tx.ExecContext(ctx, `INSERT INTO activity (id, title, forum_id, kind, date, participants, location,
			kelurahan_code, description, version)
			VALUES ($1, $2, $3, $4, $5::date, $6, ST_GeomFromWKB($7, 4326), $8, $9, $10) ON CONFLICT (id) DO NOTHING`, values...)
		return inserted(res, err, "activity", a.ID)
	}
	_, err := t.tx.ExecContext(ctx, `UPDATE activity SET title = $2, forum_id = $3, kind = $4, date = $5::date,
		participants = $6, location = ST_GeomFromWKB($7, 4326), kelurahan_code = $8, description = $9, version = $10
		WHERE id = $1`, values...)
	if err != nil {
		return fmt.Errorf("postgis: update activity %q: %w", a.ID, err)
	}
	return nil
}

// projectArrays are the columns of some projects as array parameters, in
// the order of projectUnnest.
func projectArrays(ps []domain.Project) []any {
	n := len(ps)
	var (
		ids, titles, kinds, kel, forums, statuses, descs = make(pq.StringArray, n), make(pq.StringArray, n),
			make(pq.StringArray, n), make(pq.StringArray, n), make([]sql.NullString, n), make(pq.StringArray, n), make(pq.StringArray, n)
		geoms                       = make(pq.ByteaArray, n)
		years, budgets, benefits, v = make(pq.Int64Array, n), make(pq.Int64Array, n), make(pq.Int64Array, n), make(pq.Int64Array, n)
		starts, finishes            = make([]sql.NullString, n), make([]sql.NullString, n)
	)
	for i, p := range ps {
		ids[i], titles[i], kinds[i], kel[i] = p.ID, p.Title, string(p.Kind), p.KelurahanCode
		forums[i] = sql.NullString{String: p.ForumID, Valid: p.ForumID != ""}
		statuses[i], descs[i] = string(p.Status), p.Description
		geoms[i], _ = wkb.Marshal(p.Geometry) // a checked geometry always marshals
		years[i], budgets[i], benefits[i], v[i] = int64(p.Year), p.BudgetRupiah, int64(p.Beneficiaries), int64(p.Version)
		if p.StartDate != nil {
			starts[i] = sql.NullString{String: dateText(p.StartDate.UTC()), Valid: true}
		}
		if p.FinishDate != nil {
			finishes[i] = sql.NullString{String: dateText(p.FinishDate.UTC()), Valid: true}
		}
	}
	return []any{ids, titles, kinds, geoms, kel, pq.Array(forums), years, budgets, statuses,
		pq.Array(starts), pq.Array(finishes), benefits, descs, v}
}

const projectUnnest = `unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::text[], $6::text[], $7::int[],
	$8::bigint[], $9::text[], $10::date[], $11::date[], $12::int[], $13::text[], $14::int[])
	AS u(id, title, kind, geom, kelurahan_code, forum_id, year, budget_rupiah, status, start_date, finish_date,
	     beneficiaries, description, version)`

// projectValues are the bind values of one project's columns, in the
// order of the single-row INSERT and UPDATE.
func projectValues(p domain.Project) []any {
	return []any{p.ID, p.Title, string(p.Kind), wkb.Value(p.Geometry), p.KelurahanCode, p.ForumID, p.Year,
		p.BudgetRupiah, string(p.Status), dateParam(p.StartDate), dateParam(p.FinishDate), p.Beneficiaries,
		p.Description, p.Version}
}

// insertProjects inserts one project with scalar parameters (the path of
// every single-record write: arrays cost more to encode and unnest) and
// more with multi-row statements.
func (t *pgTx) insertProjects(ctx context.Context, ps []domain.Project) error {
	if len(ps) == 1 {
		p := ps[0]
		res, err := t.tx.ExecContext(ctx, `INSERT INTO project (id, title, kind, geom, kelurahan_code, forum_id, year,
			budget_rupiah, status, start_date, finish_date, beneficiaries, description, version)
			VALUES ($1, $2, $3, ST_GeomFromWKB($4, 4326), $5, NULLIF($6, ''), $7, $8, $9, $10::date, $11::date, $12, $13, $14)
			ON CONFLICT (id) DO NOTHING`, projectValues(p)...)
		return inserted(res, err, "project", p.ID)
	}
	for len(ps) > 0 {
		chunk := ps[:min(len(ps), batchRows)]
		ps = ps[len(chunk):]
		res, err := t.tx.ExecContext(ctx, `INSERT INTO project (id, title, kind, geom, kelurahan_code, forum_id, year,
			budget_rupiah, status, start_date, finish_date, beneficiaries, description, version)
			SELECT u.id, u.title, u.kind, ST_GeomFromWKB(u.geom, 4326), u.kelurahan_code, u.forum_id, u.year,
			       u.budget_rupiah, u.status, u.start_date, u.finish_date, u.beneficiaries, u.description, u.version
			FROM `+projectUnnest+` ON CONFLICT (id) DO NOTHING`, projectArrays(chunk)...)
		if err != nil {
			return fmt.Errorf("postgis: insert projects: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || int(n) != len(chunk) {
			if len(chunk) == 1 {
				return store.Taken("project", chunk[0].ID)
			}
			return &domain.Error{Code: domain.ECONFLICT, Field: "id", Message: "a project of the batch was created by another writer meanwhile; nothing was written"}
		}
	}
	return nil
}

func (t *pgTx) updateProjects(ctx context.Context, ps []domain.Project) error {
	if len(ps) == 1 {
		p := ps[0]
		_, err := t.tx.ExecContext(ctx, `UPDATE project SET title = $2, kind = $3, geom = ST_GeomFromWKB($4, 4326),
			kelurahan_code = $5, forum_id = NULLIF($6, ''), year = $7, budget_rupiah = $8, status = $9,
			start_date = $10::date, finish_date = $11::date, beneficiaries = $12, description = $13, version = $14
			WHERE id = $1`, projectValues(p)...)
		if err != nil {
			return fmt.Errorf("postgis: update project %q: %w", p.ID, err)
		}
		return nil
	}
	for len(ps) > 0 {
		chunk := ps[:min(len(ps), batchRows)]
		ps = ps[len(chunk):]
		_, err := t.tx.ExecContext(ctx, `UPDATE project p SET title = u.title, kind = u.kind,
			geom = ST_GeomFromWKB(u.geom, 4326), kelurahan_code = u.kelurahan_code, forum_id = u.forum_id, year = u.year,
			budget_rupiah = u.budget_rupiah, status = u.status, start_date = u.start_date, finish_date = u.finish_date,
			beneficiaries = u.beneficiaries, description = u.description, version = u.version
			FROM `+projectUnnest+` WHERE p.id = u.id`, projectArrays(chunk)...)
		if err != nil {
			return fmt.Errorf("postgis: update projects: %w", err)
		}
	}
	return nil
}

// AppendAudit keeps e to insert it with the changes that follow (the flow
// appends them next): one statement instead of two, so the change feed
// costs a write no round trip of its own. e gets its id and time then, or
// before COMMIT when no change follows.
func (t *pgTx) AppendAudit(ctx context.Context, e *domain.AuditEntry) error {
	if err := t.flushAudit(ctx); err != nil {
		return err
	}
	t.audit = e
	return nil
}

// flushAudit inserts the kept audit entry, if any.
func (t *pgTx) flushAudit(ctx context.Context) error {
	e := t.audit
	if e == nil {
		return nil
	}
	t.audit = nil
	return appendAudit(ctx, t.tx.StmtxContext(ctx, t.stmts.audit), e)
}

// ChangesChannel is the NOTIFY channel of the change feed; the payload is
// the latest sequence number.
const ChangesChannel = "serasi_changes"

// insertChanges inserts change_log rows in one round trip: it first takes
// a transaction-level advisory lock that serialises the writers of
// change_log from their insert to their commit, so that sequence numbers
// become visible in order (a reader that has seen N never finds a smaller
// one committed later), then NOTIFYs ChangesChannel (delivered at COMMIT).
// The lock is taken last in a write, after every row lock, so it cannot
// deadlock with them; the cost is that commits of writers that reach it
// at once go one after the other.
//
// The audit entry kept by AppendAudit ($8...$14) is inserted by the same
// statement (a data-modifying CTE always runs); without one, $8 is NULL and
// the CTE inserts nothing.
const insertChanges = auditAndLock + `
	ins AS (
		INSERT INTO change_log (at, record_type, record_id, operation, version, old_bbox, new_bbox)
		SELECT clock_timestamp(), u.rt, u.id, u.op, u.v, u.ob::float8[], u.nb::float8[]
		FROM l CROSS JOIN unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[])
			WITH ORDINALITY AS u(rt, id, op, v, ob, nb, ord)
		ORDER BY u.ord
		RETURNING seq, at),
	n AS MATERIALIZED (SELECT pg_notify($7, (SELECT max(seq) FROM ins)::text))
	SELECT ins.seq, ins.at, a.id AS audit_id, a.at AS audit_at FROM ins CROSS JOIN n LEFT JOIN a ON true ORDER BY ins.seq`

// appendChange is insertChanges for the one change of a single-record
// write, with scalar parameters ($1...$6) instead of arrays, prepared
// (txStmts): the statement of every single-record write.
const appendChange = auditAndLock + `
	ins AS (
		INSERT INTO change_log (at, record_type, record_id, operation, version, old_bbox, new_bbox)
		SELECT clock_timestamp(), $1::text, $2::text, $3::text, $4::int, $5::float8[], $6::float8[] FROM l
		RETURNING seq, at),
	n AS MATERIALIZED (SELECT pg_notify($7, (SELECT seq FROM ins)::text))
	SELECT ins.seq, ins.at, a.id AS audit_id, a.at AS audit_at FROM ins CROSS JOIN n LEFT JOIN a ON true`

// auditAndLock begins both statements of the feed: the audit entry
// ($8...$15) and the advisory lock, which the change_log insert waits for.
const auditAndLock = `WITH a AS (
		INSERT INTO audit_log (at, token_id, actor_name, operation, record_type, record_id, before, after)
		SELECT clock_timestamp(), NULLIF($9, ''), $10, $11, $12, $13, $14::jsonb, $15::jsonb WHERE $8
		RETURNING id, at),
	l AS MATERIALIZED (SELECT pg_advisory_xact_lock(7372617369)),`

// pruneEvery is how often a store drops changes past retention: a
// DELETE per write would cost a round trip for nothing almost always.
const pruneEvery = time.Minute

// AppendChanges inserts cs into change_log and, at most every pruneEvery,
// drops what is past retention.
func (t *pgTx) AppendChanges(ctx context.Context, cs []domain.Change) error {
	if len(cs) == 0 || t.s.noFeed {
		return nil
	}
	n := len(cs)
	e := t.audit
	t.audit = nil
	audit := []any{false, "", "", "", "", "", nil, nil}
	if e != nil {
		audit = []any{true, e.TokenID, e.ActorName, string(e.Operation), string(e.RecordType), e.RecordID,
			jsonParam(e.Before), jsonParam(e.After)}
	}
	var rows *sql.Rows
	var err error
	if n == 1 {
		c := cs[0]
		args := append([]any{string(c.RecordType), c.RecordID, string(c.Operation), int64(c.Version),
			boundText(c.OldBound), boundText(c.NewBound), ChangesChannel}, audit...)
		rows, err = t.tx.StmtxContext(ctx, t.stmts.feed).QueryContext(ctx, args...)
	} else {
		types, ids, ops := make(pq.StringArray, n), make(pq.StringArray, n), make(pq.StringArray, n)
		versions := make(pq.Int64Array, n)
		oldB, newB := make([]sql.NullString, n), make([]sql.NullString, n)
		for i, c := range cs {
			types[i], ids[i], ops[i], versions[i] = string(c.RecordType), c.RecordID, string(c.Operation), int64(c.Version)
			oldB[i], newB[i] = boundText(c.OldBound), boundText(c.NewBound)
		}
		args := append([]any{types, ids, ops, versions, pq.Array(oldB), pq.Array(newB), ChangesChannel}, audit...)
		rows, err = t.tx.QueryContext(ctx, insertChanges, args...)
	}
	if err != nil {
		return fmt.Errorf("postgis: change log: %w", err)
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		var auditID sql.NullInt64
		var auditAt sql.NullTime
		if i < n {
			if err := rows.Scan(&cs[i].Seq, &cs[i].At, &auditID, &auditAt); err != nil {
				return fmt.Errorf("postgis: change log: %w", err)
			}
			cs[i].At = cs[i].At.UTC()
		}
		if i == 0 && e != nil {
			if !auditID.Valid {
				return fmt.Errorf("postgis: audit: no entry inserted")
			}
			e.ID, e.At = auditID.Int64, auditAt.Time.UTC()
		}
		i++
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("postgis: change log: %w", err)
	}
	rows.Close()
	if i != n {
		return fmt.Errorf("postgis: change log: %d rows inserted, want %d", i, n)
	}
	if last := t.s.lastPrune.Load(); time.Since(time.Unix(0, last)) < min(pruneEvery, t.s.changeRetention()) {
		return nil
	}
	t.s.lastPrune.Store(time.Now().UnixNano())
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM change_log WHERE at < clock_timestamp() - $1::interval`,
		fmt.Sprintf("%d milliseconds", t.s.changeRetention().Milliseconds())); err != nil {
		return fmt.Errorf("postgis: change log retention: %w", err)
	}
	return nil
}

// boundText is a bound as a float8[] literal, {minX,minY,maxX,maxY}, in
// the shortest decimals that read back as the same float64s.
func boundText(b *orb.Bound) sql.NullString {
	if b == nil {
		return sql.NullString{}
	}
	buf := make([]byte, 0, 4*24+5)
	sep := byte('{')
	for _, v := range [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
		buf = strconv.AppendFloat(append(buf, sep), v, 'g', -1, 64)
		sep = ','
	}
	return sql.NullString{String: string(append(buf, '}')), Valid: true}
}
