package memory

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// tokenRecord is a token with the SHA-256 of its plaintext.
type tokenRecord struct {
	domain.Token
	hash []byte
}

// tokenFileJSON is a token in the data file.
type tokenFileJSON struct {
	Token json.RawMessage `json:"token"` // store.MarshalRecord form
	Hash  []byte          `json:"hash"`  // base64 in JSON
}

func unmarshalToken(v []byte) (tokenRecord, error) {
	var j tokenFileJSON
	if err := json.Unmarshal(v, &j); err != nil {
		return tokenRecord{}, err
	}
	t, err := store.UnmarshalToken(j.Token)
	if err != nil {
		return tokenRecord{}, err
	}
	return tokenRecord{Token: t, hash: j.Hash}, nil
}

func cloneToken(t domain.Token) domain.Token {
	t.RevokedAt = cloneTime(t.RevokedAt)
	return t
}

// CreateToken makes a bearer token; see store.Writer.
func (s *Store) CreateToken(ctx context.Context, actor domain.Actor, name string, role domain.Role) (domain.Token, string, error) {
	if err := store.ValidateTokenInput(name, role); err != nil {
		return domain.Token{}, "", err
	}
	d, err := s.begin(actor, domain.RoleAdmin)
	if err != nil {
		return domain.Token{}, "", err
	}
	defer s.wmu.Unlock()
	id, plaintext, hash := store.NewToken()
	for _, taken := d.tokens[id]; taken; _, taken = d.tokens[id] {
		id, plaintext, hash = store.NewToken()
	}
	t := tokenRecord{Token: domain.Token{ID: id, Name: name, Role: role,
		CreatedAt: s.now().UTC().Truncate(time.Microsecond), CreatedBy: actor.Name}, hash: hash}
	if err := s.saveToken(ctx, d, actor, domain.OpCreate, nil, t); err != nil {
		return domain.Token{}, "", err
	}
	return cloneToken(t.Token), plaintext, nil
}

// RevokeToken revokes a token; see store.Writer.
func (s *Store) RevokeToken(ctx context.Context, actor domain.Actor, id string) (domain.Token, error) {
	d, err := s.begin(actor, domain.RoleAdmin)
	if err != nil {
		return domain.Token{}, err
	}
	defer s.wmu.Unlock()
	old, ok := d.tokens[id]
	if !ok {
		return domain.Token{}, domain.NotFound("token", id)
	}
	if old.RevokedAt != nil {
		return cloneToken(old.Token), nil
	}
	t := old
	t.Token = cloneToken(old.Token)
	at := s.now().UTC().Truncate(time.Microsecond)
	t.RevokedAt = &at
	if err := s.saveToken(ctx, d, actor, domain.OpRevoke, &old.Token, t); err != nil {
		return domain.Token{}, err
	}
	return cloneToken(t.Token), nil
}

func (s *Store) saveToken(ctx context.Context, d *data, actor domain.Actor, op domain.AuditOperation, old *domain.Token, t tokenRecord) error {
	var before any
	if old != nil {
		before = *old
	}
	e, err := store.NewAuditEntry(actor, op, domain.RecordToken, t.ID, before, t.Token)
	if err != nil {
		return err
	}
	v, err := json.Marshal(tokenFileJSON{Token: e.After, Hash: t.hash})
	if err != nil {
		return err
	}
	return s.commit(ctx, d, d.withToken(t), e, put{tokensBucket, t.ID, v})
}

// AuthenticateToken returns the actor of a token; see store.Writer.
func (s *Store) AuthenticateToken(ctx context.Context, plaintext string) (domain.Actor, error) {
	id, hash, ok := store.ParseToken(plaintext)
	if !ok {
		return domain.Actor{}, store.Unauthenticated()
	}
	t, ok := s.snapshot().tokens[id]
	if !ok || !store.TokenHashEqual(t.hash, hash) || t.RevokedAt != nil {
		return domain.Actor{}, store.Unauthenticated()
	}
	return domain.Actor{TokenID: t.ID, Name: t.Name, Role: t.Role}, nil
}

// ListTokens returns every token, ordered by creation then id.
func (s *Store) ListTokens(ctx context.Context) ([]domain.Token, error) {
	d := s.snapshot()
	out := make([]domain.Token, 0, len(d.tokens))
	for _, t := range d.tokens {
		out = append(out, cloneToken(t.Token))
	}
	slices.SortFunc(out, func(a, b domain.Token) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}

// AuditLog returns one page of the audit trail, newest first; see
// store.Writer. With a data file it reads the file.
func (s *Store) AuditLog(ctx context.Context, f domain.AuditFilter, p domain.Page) (domain.AuditPage, error) {
	if err := store.ValidateAuditFilter(f); err != nil {
		return domain.AuditPage{}, err
	}
	if err := store.ValidatePage(p); err != nil {
		return domain.AuditPage{}, err
	}
	page := domain.AuditPage{Items: []domain.AuditEntry{}}
	take := func(e *domain.AuditEntry) bool {
		if !store.MatchAudit(f, e) {
			return true
		}
		if page.TotalCount >= p.Offset && len(page.Items) < p.Limit {
			page.Items = append(page.Items, cloneAudit(*e))
		}
		page.TotalCount++
		return true
	}
	if s.db != nil {
		if err := s.auditFromFile(take); err != nil {
			return domain.AuditPage{}, fmt.Errorf("memory: audit log: %w", err)
		}
		return page, nil
	}
	d := s.snapshot()
	for i := len(d.audit) - 1; i >= 0; i-- {
		take(&d.audit[i])
	}
	return page, nil
}

func cloneAudit(e domain.AuditEntry) domain.AuditEntry {
	e.Before = slices.Clone(e.Before)
	e.After = slices.Clone(e.After)
	return e
}
