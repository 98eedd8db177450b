package store

import (
	"context"
	"fmt"

	"github.com/serasi/serasi/internal/domain"
)

// Writer changes the program's data. Both stores implement it with the same
// rules (storetest.RunWriteConformanceTests):
//
//   - Every mutation takes the Actor who makes it. A zero actor (no Name)
//     is EUNAUTHENTICATED; a role below the one a method needs is
//     EFORBIDDEN (records need RoleEditor, tokens RoleAdmin). The transport
//     should check roles itself as well, to answer before parsing input.
//   - Input is checked field by field (Validate*Input and Check* in this
//     package). EINVALID names the field relative to the input object
//     ("title", "geometry", "kelurahanCodes[1]"); when several fields are
//     wrong the *domain.Error carries them all in Details.
//   - Update*, Archive* and Delete* take the Version the caller read. When
//     the record has changed since (its version differs) the answer is
//     ECONFLICT and nothing changes. A successful change sets Version to
//     the old version + 1; a new record has Version 1. Update replaces every
//     field of the record: to change a few, read the record, change them,
//     and pass the version read.
//   - Every successful mutation appends one AuditEntry in the same
//     transaction as the change; a refused or failed one appends nothing.
//   - A mutation that returns nil is durable: the PostGIS transaction has
//     committed, or the memory store's data file has been synced (a memory
//     store without a data directory keeps everything in memory only).
//   - Unknown ids are ENOTFOUND. Any other error is internal.
type Writer interface {
	// CreateForum adds a forum (Version 1). ECONFLICT when in.ID is taken.
	CreateForum(ctx context.Context, actor domain.Actor, in domain.ForumInput) (domain.Forum, error)
	// UpdateForum replaces forum id's fields with in (in.ID must be "" or
	// id). ENOTFOUND, ECONFLICT for a stale version, EINVALID.
	UpdateForum(ctx context.Context, actor domain.Actor, id string, version int, in domain.ForumInput) (domain.Forum, error)
	// ArchiveForum sets a forum INACTIVE (forums are never deleted: projects
	// and activities refer to them). Archiving an inactive forum still
	// counts as a change. ENOTFOUND, ECONFLICT for a stale version.
	ArchiveForum(ctx context.Context, actor domain.Actor, id string, version int) (domain.Forum, error)

	// CreateProject adds a project; its KelurahanCode is assigned from the
	// geometry. ECONFLICT when in.ID is taken; EINVALID.
	CreateProject(ctx context.Context, actor domain.Actor, in domain.ProjectInput) (domain.Project, error)
	// UpdateProject replaces project id's fields. ENOTFOUND, ECONFLICT, EINVALID.
	UpdateProject(ctx context.Context, actor domain.Actor, id string, version int, in domain.ProjectInput) (domain.Project, error)
	// DeleteProject removes a project and returns it as it was. ENOTFOUND, ECONFLICT.
	DeleteProject(ctx context.Context, actor domain.Actor, id string, version int) (domain.Project, error)

	// CreateActivity records an activity; its KelurahanCode comes from the
	// location or the forum. ECONFLICT when in.ID is taken; EINVALID.
	CreateActivity(ctx context.Context, actor domain.Actor, in domain.ActivityInput) (domain.Activity, error)
	// UpdateActivity replaces activity id's fields. ENOTFOUND, ECONFLICT, EINVALID.
	UpdateActivity(ctx context.Context, actor domain.Actor, id string, version int, in domain.ActivityInput) (domain.Activity, error)
	// DeleteActivity removes an activity and returns it as it was. ENOTFOUND, ECONFLICT.
	DeleteActivity(ctx context.Context, actor domain.Actor, id string, version int) (domain.Activity, error)

	// CreateToken makes a bearer token for name with role (RoleAdmin
	// needed) and returns it with its plaintext, which is shown this once:
	// the store keeps only a SHA-256 hash. EINVALID for a bad name or role.
	CreateToken(ctx context.Context, actor domain.Actor, name string, role domain.Role) (domain.Token, string, error)
	// AuthenticateToken returns the actor of a token's plaintext (the
	// bearer credential, without "Bearer "). EUNAUTHENTICATED for a
	// malformed, unknown or revoked token; the secret is compared in
	// constant time.
	AuthenticateToken(ctx context.Context, plaintext string) (domain.Actor, error)
	// ListTokens returns every token, revoked ones included, ordered by
	// creation then id. It takes no actor: the transport must require
	// RoleAdmin.
	ListTokens(ctx context.Context) ([]domain.Token, error)
	// RevokeToken revokes a token (RoleAdmin needed) and returns it.
	// Revoking a revoked token changes nothing and records nothing.
	// ENOTFOUND for an unknown id.
	RevokeToken(ctx context.Context, actor domain.Actor, id string) (domain.Token, error)

	// AuditLog returns one page of the audit entries matching f, newest
	// first. It takes no actor: the transport must require RoleAdmin.
	// EINVALID for a bad filter or page.
	AuditLog(ctx context.Context, f domain.AuditFilter, p domain.Page) (domain.AuditPage, error)
}

// ReadWriter is a store that can be read and written: both memory.Store
// and postgis.Store are one. Read-only callers keep taking Store.
type ReadWriter interface {
	Store
	Writer
}

// Authorize checks that actor may do what needs role need.
func Authorize(actor domain.Actor, need domain.Role) error {
	if actor.Name == "" {
		return domain.Errorf(domain.EUNAUTHENTICATED, "this operation needs credentials")
	}
	if !actor.Role.Allows(need) {
		return domain.Errorf(domain.EFORBIDDEN, "this operation needs the %s role", need)
	}
	return nil
}

// Stale returns the ECONFLICT error of a write that named version when the
// record is at current.
func Stale(kind, id string, version, current int) error {
	return &domain.Error{Code: domain.ECONFLICT, Field: "version", Message: fmt.Sprintf(
		"%s %q is at version %d, not %d: it was changed since it was read; read it again and retry",
		kind, id, current, version)}
}

// Batcher applies all-or-nothing batches of upserts (store.Flow.ApplyBatch,
// for the importer). Both stores are one.
type Batcher interface {
	ApplyBatch(ctx context.Context, actor domain.Actor, meta BatchMeta, items []BatchItem) (BatchResult, error)
}

// FlowStore is a store with the whole write flow: the single-record
// writes, batches and the durable change feed (storetest.RunFlowConformanceTests).
type FlowStore interface {
	ReadWriter
	Batcher
	ChangeFeed
}
