package postgis

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

var _ store.FlowStore = (*Store)(nil)

// Every mutation is one transaction at READ COMMITTED (Update, tx.go): it
// reads the record it changes FOR UPDATE, so a concurrent writer of the
// same record waits and then sees the new version (and answers ECONFLICT);
// it reads the forum a project or activity refers to FOR SHARE; and it
// inserts its audit_log and change_log rows before COMMIT. A transaction
// that fails anywhere rolls back whole.

// txLookup answers the write checks inside a transaction.
type txLookup struct {
	s  *Store
	tx *sqlx.Tx
}

// KelurahanAt and Kelurahan read inside the transaction too, although
// kelurahan are never written: a writer holding a connection must not wait
// for a second one from the pool, or writers that fill the pool wait for
// each other for ever. KelurahanAt's query is Store.KelurahanAt's rule:
// the polygon covers the point, the lowest code wins.
func (l txLookup) KelurahanAt(ctx context.Context, p orb.Point) (domain.Kelurahan, error) {
	if err := store.ValidatePoint("point", p); err != nil {
		return domain.Kelurahan{}, err
	}
	return l.kelurahan(ctx, `WHERE ST_Covers(k.geom, ST_GeomFromWKB($1, 4326)) ORDER BY k.code LIMIT 1`,
		wkb.Value(p), fmt.Sprint(p))
}

func (l txLookup) Kelurahan(ctx context.Context, code string) (domain.Kelurahan, error) {
	if !storable(code) {
		return domain.Kelurahan{}, domain.NotFound("kelurahan", code)
	}
	return l.kelurahan(ctx, `WHERE k.code = $1`, code, code)
}

// kelurahan reads the fields the write checks use: code, name, geometry.
func (l txLookup) kelurahan(ctx context.Context, where string, arg any, what string) (domain.Kelurahan, error) {
	var rows []struct {
		Code string              `db:"code"`
		Name string              `db:"name"`
		Geom wkb.GeometryScanner `db:"geom"`
	}
	err := l.tx.SelectContext(ctx, &rows, `SELECT k.code, k.name, ST_AsBinary(k.geom) AS geom FROM kelurahan k `+where, arg)
	if err != nil {
		return domain.Kelurahan{}, fmt.Errorf("postgis: kelurahan %s: %w", what, err)
	}
	if len(rows) == 0 {
		return domain.Kelurahan{}, domain.NotFound("kelurahan", what)
	}
	r := rows[0]
	return domain.Kelurahan{Code: r.Code, Name: r.Name, KecamatanCode: domain.KecamatanCodeOf(r.Code), Geometry: r.Geom.Geometry}, nil
}

func (l txLookup) Forum(ctx context.Context, id string) (domain.Forum, error) {
	return selectForumTx(ctx, l.tx, id, "FOR SHARE OF fo")
}

// CityBound reads the bound of every kelurahan vertex that the
// kelurahan_extent trigger keeps (migration 00010): computed from the
// vertices, not from the cached float boxes of the geometries, so that it
// equals the memory store's bound.
func (l txLookup) CityBound(ctx context.Context) (orb.Bound, error) {
	var b struct {
		MinX, MinY, MaxX, MaxY sql.NullFloat64
	}
	err := l.tx.QueryRowxContext(ctx, `SELECT min_x, min_y, max_x, max_y FROM kelurahan_extent`).
		Scan(&b.MinX, &b.MinY, &b.MaxX, &b.MaxY)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return orb.Bound{}, fmt.Errorf("postgis: city bound: %w", err)
	}
	return orb.Bound{Min: orb.Point{b.MinX.Float64, b.MinY.Float64}, Max: orb.Point{b.MaxX.Float64, b.MaxY.Float64}}, nil
}

// mutate runs fn in a transaction and, when it succeeds, appends the audit
// entry it returns and commits: the token writes, which are no records of
// the change feed.
func (s *Store) mutate(ctx context.Context, actor domain.Actor, need domain.Role, fn func(tx *sqlx.Tx) (domain.AuditEntry, error)) error {
	if err := store.Authorize(actor, need); err != nil {
		return err
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("postgis: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit this is a no-op
	entry, err := fn(tx)
	if err != nil {
		return err
	}
	if err := insertAudit(ctx, tx, entry); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("postgis: commit: %w", err)
	}
	s.afterWrite(ctx)
	return nil
}

// dateParam binds an optional calendar date as text for a ::date cast.
func dateParam(t *time.Time) any {
	if t == nil {
		return nil
	}
	return dateText(t.UTC())
}

// geomParam binds an optional geometry as WKB for ST_GeomFromWKB, which
// answers NULL to NULL.
func geomParam(g orb.Geometry) any {
	if g == nil {
		return nil
	}
	return wkb.Value(g)
}

// inserted turns the result of an INSERT ... ON CONFLICT DO NOTHING into
// ECONFLICT when the id was taken.
func inserted(res sql.Result, err error, kind, id string) error {
	if err != nil {
		return fmt.Errorf("postgis: insert %s %q: %w", kind, id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return &domain.Error{Code: domain.ECONFLICT, Field: "id", Message: fmt.Sprintf("%s %q already exists", kind, id)}
	}
	return nil
}

// ---- forums ----

func selectForumTx(ctx context.Context, tx *sqlx.Tx, id, lock string) (domain.Forum, error) {
	if !storable(id) {
		return domain.Forum{}, domain.NotFound("forum", id)
	}
	var rows []forumRow
	if err := tx.SelectContext(ctx, &rows, `SELECT `+forumColumns+` FROM forum fo WHERE fo.id = $1 `+lock, id); err != nil {
		return domain.Forum{}, fmt.Errorf("postgis: forum %q: %w", id, err)
	}
	if len(rows) == 0 {
		return domain.Forum{}, domain.NotFound("forum", id)
	}
	return rows[0].domain(), nil
}

func writeForumKelurahan(ctx context.Context, tx *sqlx.Tx, f domain.Forum) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM forum_kelurahan WHERE forum_id = $1`, f.ID); err != nil {
		return fmt.Errorf("postgis: forum %q kelurahan: %w", f.ID, err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO forum_kelurahan (forum_id, kelurahan_code, position)
		SELECT $1, u.code, u.ord - 1 FROM unnest($2::text[]) WITH ORDINALITY AS u(code, ord)`,
		f.ID, pq.StringArray(f.KelurahanCodes))
	if err != nil {
		return fmt.Errorf("postgis: forum %q kelurahan: %w", f.ID, err)
	}
	return nil
}

// isNoRows reports whether err says a query found no row.
func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
