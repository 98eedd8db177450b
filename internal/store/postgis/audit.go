package postgis

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// insertAudit appends e to audit_log inside the mutation's transaction.
// The JSON goes as text to a jsonb cast: with binary parameters a []byte
// would travel as jsonb's binary format, which starts with a version byte.
func insertAudit(ctx context.Context, tx *sqlx.Tx, e domain.AuditEntry) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, token_id, actor_name, operation, record_type, record_id, before, after)
		VALUES (clock_timestamp(), NULLIF($1, ''), $2, $3, $4, $5, $6::jsonb, $7::jsonb)`,
		e.TokenID, e.ActorName, string(e.Operation), string(e.RecordType), e.RecordID, jsonParam(e.Before), jsonParam(e.After))
	if err != nil {
		return fmt.Errorf("postgis: audit: %w", err)
	}
	return nil
}

// appendAuditQuery is insertAudit's statement that reads back the entry's
// id and time; prepared (txStmts).
const appendAuditQuery = `INSERT INTO audit_log (at, token_id, actor_name, operation, record_type, record_id, before, after)
	VALUES (clock_timestamp(), NULLIF($1, ''), $2, $3, $4, $5, $6::jsonb, $7::jsonb) RETURNING id, at`

// appendAudit runs appendAuditQuery, prepared on the write's connection.
func appendAudit(ctx context.Context, st *sqlx.Stmt, e *domain.AuditEntry) error {
	err := st.QueryRowxContext(ctx,
		e.TokenID, e.ActorName, string(e.Operation), string(e.RecordType), e.RecordID, jsonParam(e.Before), jsonParam(e.After)).
		Scan(&e.ID, &e.At)
	if err != nil {
		return fmt.Errorf("postgis: audit: %w", err)
	}
	e.At = e.At.UTC()
	return nil
}

func jsonParam(b json.RawMessage) any {
	if b == nil {
		return nil
	}
	return string(b)
}

type auditRow struct {
	ID         int64          `db:"id"`
	At         time.Time      `db:"at"`
	TokenID    string         `db:"token_id"`
	ActorName  string         `db:"actor_name"`
	Operation  string         `db:"operation"`
	RecordType string         `db:"record_type"`
	RecordID   string         `db:"record_id"`
	Before     sql.NullString `db:"before"`
	After      sql.NullString `db:"after"`
	Total      int            `db:"total"`
}

func rawJSON(s sql.NullString) json.RawMessage {
	if !s.Valid {
		return nil
	}
	return json.RawMessage(s.String)
}

// AuditLog returns one page of the audit trail, newest first; see store.Writer.
func (s *Store) AuditLog(ctx context.Context, f domain.AuditFilter, p domain.Page) (domain.AuditPage, error) {
	if err := store.ValidateAuditFilter(f); err != nil {
		return domain.AuditPage{}, err
	}
	if err := store.ValidatePage(p); err != nil {
		return domain.AuditPage{}, err
	}
	var w where
	if f.RecordType != "" {
		w.and("l.record_type = %s", w.bind(string(f.RecordType)))
	}
	if f.RecordID != "" {
		w.eq("l.record_id", f.RecordID)
	}
	if f.TokenID != "" {
		w.eq("l.token_id", f.TokenID)
	}
	if f.From != nil {
		w.and("l.at >= %s", w.bind(f.From.UTC()))
	}
	if f.To != nil {
		w.and("l.at < %s", w.bind(f.To.UTC()))
	}
	filter := w.sql()
	query := `SELECT l.id, l.at, coalesce(l.token_id, '') AS token_id, l.actor_name, l.operation, l.record_type,
		l.record_id, l.before::text AS before, l.after::text AS after, count(*) OVER () AS total
		FROM audit_log l` + filter + ` ORDER BY l.id DESC LIMIT ` + w.bind(p.Limit) + ` OFFSET ` + w.bind(p.Offset)
	var rows []auditRow
	if err := s.db.SelectContext(ctx, &rows, query, w.args...); err != nil {
		return domain.AuditPage{}, fmt.Errorf("postgis: audit log: %w", err)
	}
	page := domain.AuditPage{Items: make([]domain.AuditEntry, len(rows))}
	for i, r := range rows {
		page.Items[i] = domain.AuditEntry{ID: r.ID, At: r.At.UTC(), TokenID: r.TokenID, ActorName: r.ActorName,
			Operation: domain.AuditOperation(r.Operation), RecordType: domain.RecordType(r.RecordType),
			RecordID: r.RecordID, Before: rawJSON(r.Before), After: rawJSON(r.After)}
	}
	switch {
	case len(rows) > 0:
		page.TotalCount = rows[0].Total
	case p.Offset > 0 || p.Limit == 0:
		args := w.args[:len(w.args)-2]
		if err := s.db.GetContext(ctx, &page.TotalCount, `SELECT count(*) FROM audit_log l`+filter, args...); err != nil {
			return domain.AuditPage{}, fmt.Errorf("postgis: count audit log: %w", err)
		}
	}
	return page, nil
}
