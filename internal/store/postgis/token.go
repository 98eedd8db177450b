package postgis

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

const tokenColumns = `t.id, t.name, t.role, t.hash, t.created_at, t.created_by, t.revoked_at`

type tokenRow struct {
	ID        string       `db:"id"`
	Name      string       `db:"name"`
	Role      string       `db:"role"`
	Hash      []byte       `db:"hash"`
	CreatedAt time.Time    `db:"created_at"`
	CreatedBy string       `db:"created_by"`
	RevokedAt sql.NullTime `db:"revoked_at"`
}

func (r tokenRow) domain() domain.Token {
	t := domain.Token{ID: r.ID, Name: r.Name, Role: domain.Role(r.Role), CreatedAt: r.CreatedAt.UTC(), CreatedBy: r.CreatedBy}
	if r.RevokedAt.Valid {
		at := r.RevokedAt.Time.UTC()
		t.RevokedAt = &at
	}
	return t
}

// CreateToken makes a bearer token; see store.Writer.
func (s *Store) CreateToken(ctx context.Context, actor domain.Actor, name string, role domain.Role) (domain.Token, string, error) {
	if err := store.ValidateTokenInput(name, role); err != nil {
		return domain.Token{}, "", err
	}
	var t domain.Token
	var plaintext string
	err := s.mutate(ctx, actor, domain.RoleAdmin, func(tx *sqlx.Tx) (domain.AuditEntry, error) {
		id, pt, hash := store.NewToken()
		plaintext = pt
		t = domain.Token{ID: id, Name: name, Role: role, CreatedAt: time.Now().UTC().Truncate(time.Microsecond), CreatedBy: actor.Name}
		res, err := tx.ExecContext(ctx, `INSERT INTO api_token (id, name, role, hash, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
			t.ID, t.Name, string(t.Role), hash, t.CreatedAt, t.CreatedBy)
		if err := inserted(res, err, "token", t.ID); err != nil {
			return domain.AuditEntry{}, err
		}
		return store.NewAuditEntry(actor, domain.OpCreate, domain.RecordToken, t.ID, nil, t)
	})
	if err != nil {
		return domain.Token{}, "", err
	}
	return t, plaintext, nil
}

// AuthenticateToken returns the actor of a token; see store.Writer.
func (s *Store) AuthenticateToken(ctx context.Context, plaintext string) (domain.Actor, error) {
	id, hash, ok := store.ParseToken(plaintext)
	if !ok {
		return domain.Actor{}, store.Unauthenticated()
	}
	var r tokenRow
	err := s.db.GetContext(ctx, &r, `SELECT `+tokenColumns+` FROM api_token t WHERE t.id = $1`, id)
	if isNoRows(err) {
		return domain.Actor{}, store.Unauthenticated()
	}
	if err != nil {
		return domain.Actor{}, fmt.Errorf("postgis: token: %w", err)
	}
	if !store.TokenHashEqual(r.Hash, hash) || r.RevokedAt.Valid {
		return domain.Actor{}, store.Unauthenticated()
	}
	return domain.Actor{TokenID: r.ID, Name: r.Name, Role: domain.Role(r.Role)}, nil
}

// ListTokens returns every token, ordered by creation then id.
func (s *Store) ListTokens(ctx context.Context) ([]domain.Token, error) {
	var rows []tokenRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT `+tokenColumns+` FROM api_token t ORDER BY t.created_at, t.id`); err != nil {
		return nil, fmt.Errorf("postgis: tokens: %w", err)
	}
	out := make([]domain.Token, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// RevokeToken revokes a token; see store.Writer.
func (s *Store) RevokeToken(ctx context.Context, actor domain.Actor, id string) (domain.Token, error) {
	if err := store.Authorize(actor, domain.RoleAdmin); err != nil {
		return domain.Token{}, err
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return domain.Token{}, fmt.Errorf("postgis: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit this is a no-op
	var r tokenRow
	if storable(id) {
		err = tx.GetContext(ctx, &r, `SELECT `+tokenColumns+` FROM api_token t WHERE t.id = $1 FOR UPDATE`, id)
	} else {
		err = sql.ErrNoRows
	}
	if isNoRows(err) {
		return domain.Token{}, domain.NotFound("token", id)
	}
	if err != nil {
		return domain.Token{}, fmt.Errorf("postgis: token %q: %w", id, err)
	}
	old := r.domain()
	if old.RevokedAt != nil {
		return old, nil // already revoked: nothing changes, nothing is recorded
	}
	t := old
	at := time.Now().UTC().Truncate(time.Microsecond)
	t.RevokedAt = &at
	if _, err := tx.ExecContext(ctx, `UPDATE api_token SET revoked_at = $2 WHERE id = $1`, id, at); err != nil {
		return domain.Token{}, fmt.Errorf("postgis: revoke token %q: %w", id, err)
	}
	e, err := store.NewAuditEntry(actor, domain.OpRevoke, domain.RecordToken, id, old, t)
	if err != nil {
		return domain.Token{}, err
	}
	if err := insertAudit(ctx, tx, e); err != nil {
		return domain.Token{}, err
	}
	if err := tx.Commit(); err != nil {
		return domain.Token{}, fmt.Errorf("postgis: commit: %w", err)
	}
	return t, nil
}
