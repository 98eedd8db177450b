package store

import (
	"context"
	"time"

	"github.com/serasi/serasi/internal/domain"
)

// Tx is one write transaction of a store: the primitives the write flow
// (Flow) is made of. A store implements nothing else of a write: the
// checks, ids, versions, audit entries and changes are the flow's.
//
// Reads see the state the transaction will change and hold what they read
// until it ends: PostGIS reads records FOR UPDATE and forums (through
// Lookup) FOR SHARE; the memory store holds its writer lock.
type Tx interface {
	Lookup
	// Kelurahans returns every kelurahan with its polygon (a batch checks
	// its positions against them in memory, see Flow.ApplyBatch).
	Kelurahans(ctx context.Context) ([]domain.Kelurahan, error)
	// ForumsForUpdate, ProjectsForUpdate and ActivitiesForUpdate return
	// those of the records ids that exist, by id, locked until the
	// transaction ends. Unknown ids are absent, not errors.
	ForumsForUpdate(ctx context.Context, ids []string) (map[string]domain.Forum, error)
	ProjectsForUpdate(ctx context.Context, ids []string) (map[string]domain.Project, error)
	ActivitiesForUpdate(ctx context.Context, ids []string) (map[string]domain.Activity, error)
	// Apply writes ws. A create whose id is taken is ECONFLICT on field
	// "id"; an update or a delete names a record that exists (the flow has
	// read it for update). Forums come before the projects and activities
	// that may refer to them.
	Apply(ctx context.Context, ws []Write) error
	// AppendAudit numbers e (ID) and stamps it (At, UTC, microseconds),
	// at the latest when the transaction commits (PostGIS inserts it with
	// the changes that follow, in one statement).
	AppendAudit(ctx context.Context, e *domain.AuditEntry) error
	// AppendChanges numbers the changes in order (Seq), stamps them (At)
	// and adds them to the change feed; readers of the feed see them once
	// the transaction commits, and not before.
	AppendChanges(ctx context.Context, cs []domain.Change) error
}

// Write is one record written by a transaction.
type Write struct {
	Op   domain.AuditOperation // OpCreate inserts; OpUpdate and OpArchive replace; OpDelete removes
	Type domain.RecordType     // RecordForum, RecordProject or RecordActivity
	ID   string
	// Record is the domain.Forum, domain.Project or domain.Activity to
	// store (with its ID and Version); nil for a delete.
	Record any
}

// TxStore is a store that can run write transactions.
type TxStore interface {
	// Update runs fn in one transaction and commits it when fn returns nil
	// (the commit is durable when Update returns nil); when fn fails, or
	// the commit does, nothing of it remains.
	Update(ctx context.Context, fn func(tx Tx) error) error
	// Now is the store's clock (a test may set it).
	Now() time.Time
}
