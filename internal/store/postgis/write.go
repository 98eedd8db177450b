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

var _ store.ReadWriter = (*Store)(nil)

// Every mutation is one transaction at READ COMMITTED: it reads the record
// it changes FOR UPDATE, so a concurrent writer of the same record waits
// and then sees the new version (and answers ECONFLICT); it reads the forum
// a project or activity refers to FOR SHARE; and it inserts its audit_log
// row before COMMIT. A transaction that fails anywhere rolls back whole.

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

// CityBound is computed from the vertices, not from the cached float
// boxes of the geometries, so that it equals the memory store's bound.
func (l txLookup) CityBound(ctx context.Context) (orb.Bound, error) {
	var b struct {
		MinX, MinY, MaxX, MaxY sql.NullFloat64
	}
	err := l.tx.QueryRowxContext(ctx, `SELECT min(ST_X(d.geom)), min(ST_Y(d.geom)), max(ST_X(d.geom)), max(ST_Y(d.geom))
		FROM kelurahan k, ST_DumpPoints(k.geom) d`).Scan(&b.MinX, &b.MinY, &b.MaxX, &b.MaxY)
	if err != nil {
		return orb.Bound{}, fmt.Errorf("postgis: city bound: %w", err)
	}
	return orb.Bound{Min: orb.Point{b.MinX.Float64, b.MinY.Float64}, Max: orb.Point{b.MaxX.Float64, b.MaxY.Float64}}, nil
}

// mutate runs fn in a transaction and, when it succeeds, appends the audit
// entry it returns and commits.
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

// newID returns the caller's id, or a random one, for a new record; the
// INSERT finds out whether it is free.
func newID(given, prefix string) string {
	if given != "" {
		return given
	}
	return store.NewRecordID(prefix)
}

func sameID(given, id string) error {
	if given != "" && given != id {
		return domain.Invalid("id", "cannot be changed")
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

// forumAt reads forum id FOR UPDATE and checks the caller's version.
func forumAt(ctx context.Context, tx *sqlx.Tx, id string, version int) (domain.Forum, error) {
	f, err := selectForumTx(ctx, tx, id, "FOR UPDATE OF fo")
	if err != nil {
		return f, err
	}
	if f.Version != version {
		return f, store.Stale("forum", id, version, f.Version)
	}
	return f, nil
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

// CreateForum adds a forum; see store.Writer.
func (s *Store) CreateForum(ctx context.Context, actor domain.Actor, in domain.ForumInput) (domain.Forum, error) {
	var f domain.Forum
	err := s.mutate(ctx, actor, domain.RoleEditor, func(tx *sqlx.Tx) (domain.AuditEntry, error) {
		var err error
		if f, err = store.CheckForum(ctx, txLookup{s, tx}, in, time.Now()); err != nil {
			return domain.AuditEntry{}, err
		}
		f.ID, f.Version = newID(in.ID, store.ForumIDPrefix), 1
		res, err := tx.ExecContext(ctx, `INSERT INTO forum (id, name, year_formed, status, member_count, secretariat, description, version)
			VALUES ($1, $2, $3, $4, $5, ST_GeomFromWKB($6, 4326), $7, $8) ON CONFLICT (id) DO NOTHING`,
			f.ID, f.Name, f.YearFormed, string(f.Status), f.MemberCount, wkb.Value(f.Secretariat), f.Description, f.Version)
		if err := inserted(res, err, "forum", f.ID); err != nil {
			return domain.AuditEntry{}, err
		}
		if err := writeForumKelurahan(ctx, tx, f); err != nil {
			return domain.AuditEntry{}, err
		}
		return store.NewAuditEntry(actor, domain.OpCreate, domain.RecordForum, f.ID, nil, f)
	})
	if err != nil {
		return domain.Forum{}, err
	}
	return f, nil
}

// UpdateForum replaces a forum's fields; see store.Writer.
func (s *Store) UpdateForum(ctx context.Context, actor domain.Actor, id string, version int, in domain.ForumInput) (domain.Forum, error) {
	var f domain.Forum
	err := s.mutate(ctx, actor, domain.RoleEditor, func(tx *sqlx.Tx) (domain.AuditEntry, error) {
		old, err := forumAt(ctx, tx, id, version)
		if err != nil {
			return domain.AuditEntry{}, err
		}
		if err := sameID(in.ID, id); err != nil {
			return domain.AuditEntry{}, err
		}
		if f, err = store.CheckForum(ctx, txLookup{s, tx}, in, time.Now()); err != nil {
			return domain.AuditEntry{}, err
		}
		f.ID, f.Version = id, old.Version+1
		_, err = tx.ExecContext(ctx, `UPDATE forum SET name = $2, year_formed = $3, status = $4, member_count = $5,
			secretariat = ST_GeomFromWKB($6, 4326), description = $7, version = $8 WHERE id = $1`,
			f.ID, f.Name, f.YearFormed, string(f.Status), f.MemberCount, wkb.Value(f.Secretariat), f.Description, f.Version)
		if err != nil {
			return domain.AuditEntry{}, fmt.Errorf("postgis: update forum %q: %w", id, err)
		}
		if err := writeForumKelurahan(ctx, tx, f); err != nil {
			return domain.AuditEntry{}, err
		}
		return store.NewAuditEntry(actor, domain.OpUpdate, domain.RecordForum, id, old, f)
	})
	if err != nil {
		return domain.Forum{}, err
	}
	return f, nil
}

// ArchiveForum sets a forum INACTIVE; see store.Writer.
func (s *Store) ArchiveForum(ctx context.Context, actor domain.Actor, id string, version int) (domain.Forum, error) {
	var f domain.Forum
	err := s.mutate(ctx, actor, domain.RoleEditor, func(tx *sqlx.Tx) (domain.AuditEntry, error) {
		old, err := forumAt(ctx, tx, id, version)
		if err != nil {
			return domain.AuditEntry{}, err
		}
		f = old
		f.KelurahanCodes = append([]string(nil), old.KelurahanCodes...)
		f.Status, f.Version = domain.ForumInactive, old.Version+1
		_, err = tx.ExecContext(ctx, `UPDATE forum SET status = $2, version = $3 WHERE id = $1`, id, string(f.Status), f.Version)
		if err != nil {
			return domain.AuditEntry{}, fmt.Errorf("postgis: archive forum %q: %w", id, err)
		}
		return store.NewAuditEntry(actor, domain.OpArchive, domain.RecordForum, id, old, f)
	})
	if err != nil {
		return domain.Forum{}, err
	}
	return f, nil
}

// ---- projects ----

// projectAt reads project id FOR UPDATE and checks the caller's version.
func projectAt(ctx context.Context, tx *sqlx.Tx, id string, version int) (domain.Project, error) {
	if !storable(id) {
		return domain.Project{}, domain.NotFound("project", id)
	}
	var rows []projectRow
	if err := tx.SelectContext(ctx, &rows, `SELECT `+projectColumns+` FROM project p WHERE p.id = $1 FOR UPDATE OF p`, id); err != nil {
		return domain.Project{}, fmt.Errorf("postgis: project %q: %w", id, err)
	}
	if len(rows) == 0 {
		return domain.Project{}, domain.NotFound("project", id)
	}
	p := rows[0].domain()
	if p.Version != version {
		return p, store.Stale("project", id, version, p.Version)
	}
	return p, nil
}

// projectValues are the bind values of a project's columns, in the order
// of the INSERT and UPDATE below.
func projectValues(p domain.Project) []any {
	return []any{p.ID, p.Title, string(p.Kind), wkb.Value(p.Geometry), p.KelurahanCode, p.ForumID, p.Year,
		p.BudgetRupiah, string(p.Status), dateParam(p.StartDate), dateParam(p.FinishDate), p.Beneficiaries,
		p.Description, p.Version}
}

// CreateProject adds a project; see store.Writer.
func (s *Store) CreateProject(ctx context.Context, actor domain.Actor, in domain.ProjectInput) (domain.Project, error) {
	var p domain.Project
	err := s.mutate(ctx, actor, domain.RoleEditor, func(tx *sqlx.Tx) (domain.AuditEntry, error) {
		var err error
		if p, err = store.CheckProject(ctx, txLookup{s, tx}, in, time.Now()); err != nil {
			return domain.AuditEntry{}, err
		}
		p.ID, p.Version = newID(in.ID, store.ProjectIDPrefix), 1
		res, err := tx.ExecContext(ctx, `INSERT INTO project (id, title, kind, geom, kelurahan_code, forum_id, year,
			budget_rupiah, status, start_date, finish_date, beneficiaries, description, version)
			VALUES ($1, $2, $3, ST_GeomFromWKB($4, 4326), $5, NULLIF($6, ''), $7, $8, $9, $10::date, $11::date, $12, $13, $14)
			ON CONFLICT (id) DO NOTHING`, projectValues(p)...)
		if err := inserted(res, err, "project", p.ID); err != nil {
			return domain.AuditEntry{}, err
		}
		return store.NewAuditEntry(actor, domain.OpCreate, domain.RecordProject, p.ID, nil, p)
	})
	if err != nil {
		return domain.Project{}, err
	}
	return p, nil
}

// UpdateProject replaces a project's fields; see store.Writer.
func (s *Store) UpdateProject(ctx context.Context, actor domain.Actor, id string, version int, in domain.ProjectInput) (domain.Project, error) {
	var p domain.Project
	err := s.mutate(ctx, actor, domain.RoleEditor, func(tx *sqlx.Tx) (domain.AuditEntry, error) {
		old, err := projectAt(ctx, tx, id, version)
		if err != nil {
			return domain.AuditEntry{}, err
		}
		if err := sameID(in.ID, id); err != nil {
			return domain.AuditEntry{}, err
		}
		if p, err = store.CheckProject(ctx, txLookup{s, tx}, in, time.Now()); err != nil {
			return domain.AuditEntry{}, err
		}
		p.ID, p.Version = id, old.Version+1
		_, err = tx.ExecContext(ctx, `UPDATE project SET title = $2, kind = $3, geom = ST_GeomFromWKB($4, 4326),
			kelurahan_code = $5, forum_id = NULLIF($6, ''), year = $7, budget_rupiah = $8, status = $9,
			start_date = $10::date, finish_date = $11::date, beneficiaries = $12, description = $13, version = $14
			WHERE id = $1`, projectValues(p)...)
		if err != nil {
			return domain.AuditEntry{}, fmt.Errorf("postgis: update project %q: %w", id, err)
		}
		return store.NewAuditEntry(actor, domain.OpUpdate, domain.RecordProject, id, old, p)
	})
	if err != nil {
		return domain.Project{}, err
	}
	return p, nil
}

// DeleteProject removes a project; see store.Writer.
func (s *Store) DeleteProject(ctx context.Context, actor domain.Actor, id string, version int) (domain.Project, error) {
	var old domain.Project
	err := s.mutate(ctx, actor, domain.RoleEditor, func(tx *sqlx.Tx) (domain.AuditEntry, error) {
		var err error
		if old, err = projectAt(ctx, tx, id, version); err != nil {
			return domain.AuditEntry{}, err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM project WHERE id = $1`, id); err != nil {
			return domain.AuditEntry{}, fmt.Errorf("postgis: delete project %q: %w", id, err)
		}
		return store.NewAuditEntry(actor, domain.OpDelete, domain.RecordProject, id, old, nil)
	})
	if err != nil {
		return domain.Project{}, err
	}
	return old, nil
}

// ---- activities ----

func activityAt(ctx context.Context, tx *sqlx.Tx, id string, version int) (domain.Activity, error) {
	if !storable(id) {
		return domain.Activity{}, domain.NotFound("activity", id)
	}
	var rows []activityRow
	if err := tx.SelectContext(ctx, &rows, `SELECT `+activityColumns+` FROM activity a WHERE a.id = $1 FOR UPDATE OF a`, id); err != nil {
		return domain.Activity{}, fmt.Errorf("postgis: activity %q: %w", id, err)
	}
	if len(rows) == 0 {
		return domain.Activity{}, domain.NotFound("activity", id)
	}
	a := rows[0].domain()
	if a.Version != version {
		return a, store.Stale("activity", id, version, a.Version)
	}
	return a, nil
}

func activityValues(a domain.Activity) []any {
	var loc orb.Geometry
	if a.Location != nil {
		loc = *a.Location
	}
	return []any{a.ID, a.Title, a.ForumID, string(a.Kind), dateText(a.Date.UTC()), a.Participants,
		geomParam(loc), a.KelurahanCode, a.Description, a.Version}
}

// CreateActivity records an activity; see store.Writer.
func (s *Store) CreateActivity(ctx context.Context, actor domain.Actor, in domain.ActivityInput) (domain.Activity, error) {
	var a domain.Activity
	err := s.mutate(ctx, actor, domain.RoleEditor, func(tx *sqlx.Tx) (domain.AuditEntry, error) {
		var err error
		if a, err = store.CheckActivity(ctx, txLookup{s, tx}, in, time.Now()); err != nil {
			return domain.AuditEntry{}, err
		}
		a.ID, a.Version = newID(in.ID, store.ActivityIDPrefix), 1
		res, err := tx.ExecContext(ctx, `INSERT INTO activity (id, title, forum_id, kind, date, participants, location,
			kelurahan_code, description, version)
			VALUES ($1, $2, $3, $4, $5::date, $6, ST_GeomFromWKB($7, 4326), $8, $9, $10) ON CONFLICT (id) DO NOTHING`,
			activityValues(a)...)
		if err := inserted(res, err, "activity", a.ID); err != nil {
			return domain.AuditEntry{}, err
		}
		return store.NewAuditEntry(actor, domain.OpCreate, domain.RecordActivity, a.ID, nil, a)
	})
	if err != nil {
		return domain.Activity{}, err
	}
	return a, nil
}

// UpdateActivity replaces an activity's fields; see store.Writer.
func (s *Store) UpdateActivity(ctx context.Context, actor domain.Actor, id string, version int, in domain.ActivityInput) (domain.Activity, error) {
	var a domain.Activity
	err := s.mutate(ctx, actor, domain.RoleEditor, func(tx *sqlx.Tx) (domain.AuditEntry, error) {
		old, err := activityAt(ctx, tx, id, version)
		if err != nil {
			return domain.AuditEntry{}, err
		}
		if err := sameID(in.ID, id); err != nil {
			return domain.AuditEntry{}, err
		}
		if a, err = store.CheckActivity(ctx, txLookup{s, tx}, in, time.Now()); err != nil {
			return domain.AuditEntry{}, err
		}
		a.ID, a.Version = id, old.Version+1
		_, err = tx.ExecContext(ctx, `UPDATE activity SET title = $2, forum_id = $3, kind = $4, date = $5::date,
			participants = $6, location = ST_GeomFromWKB($7, 4326), kelurahan_code = $8, description = $9, version = $10
			WHERE id = $1`, activityValues(a)...)
		if err != nil {
			return domain.AuditEntry{}, fmt.Errorf("postgis: update activity %q: %w", id, err)
		}
		return store.NewAuditEntry(actor, domain.OpUpdate, domain.RecordActivity, id, old, a)
	})
	if err != nil {
		return domain.Activity{}, err
	}
	return a, nil
}

// DeleteActivity removes an activity; see store.Writer.
func (s *Store) DeleteActivity(ctx context.Context, actor domain.Actor, id string, version int) (domain.Activity, error) {
	var old domain.Activity
	err := s.mutate(ctx, actor, domain.RoleEditor, func(tx *sqlx.Tx) (domain.AuditEntry, error) {
		var err error
		if old, err = activityAt(ctx, tx, id, version); err != nil {
			return domain.AuditEntry{}, err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM activity WHERE id = $1`, id); err != nil {
			return domain.AuditEntry{}, fmt.Errorf("postgis: delete activity %q: %w", id, err)
		}
		return store.NewAuditEntry(actor, domain.OpDelete, domain.RecordActivity, id, old, nil)
	})
	if err != nil {
		return domain.Activity{}, err
	}
	return old, nil
}

// isNoRows reports whether err says a query found no row.
func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
