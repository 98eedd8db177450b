package importer

import (
	"context"
	"errors"
	"strings"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// Batch is what an import hands the write path: the items of one layer,
// each named by its id, with the file they came from for the audit.
type Batch struct {
	Source string // the file's name
	SHA256 string // of the file's bytes, hex
	// DryRun validates and counts, and writes nothing.
	DryRun     bool
	Forums     []domain.ForumInput
	Projects   []domain.ProjectInput
	Activities []domain.ActivityInput
}

// ItemError is one field of one item that the write path refused. Index
// is the item's position in the batch; Field is the store's field name
// ("geometry", "kelurahanCodes[1]").
type ItemError struct {
	Index   int
	Field   string
	Message string
}

// BatchResult is what a batch did, or would do in a dry run. With
// Failures, nothing was written.
type BatchResult struct {
	Created, Updated, Unchanged int
	Failures                    []ItemError
}

// BatchWriter writes a whole batch or none of it. An item whose id names an
// existing record replaces it (version + 1) unless every field is the same
// (unchanged); other items are created with their id. It returns the
// item failures in BatchResult (an error only for credentials or an
// internal failure).
type BatchWriter interface {
	WriteBatch(ctx context.Context, actor domain.Actor, b Batch) (BatchResult, error)
}

// FlowBatch is the BatchWriter of a store with the write flow's batch API
// (store.Batcher: both stores): one transaction, all items or none, one
// audit entry for the batch with the file's name and SHA-256.
type FlowBatch struct {
	Store store.Batcher
}

var _ BatchWriter = FlowBatch{}

// WriteBatch implements BatchWriter over store.Batcher.ApplyBatch.
func (f FlowBatch) WriteBatch(ctx context.Context, actor domain.Actor, b Batch) (BatchResult, error) {
	items := make([]store.BatchItem, 0, len(b.Forums)+len(b.Projects)+len(b.Activities))
	for i := range b.Forums {
		items = append(items, store.BatchItem{Forum: &b.Forums[i]})
	}
	for i := range b.Projects {
		items = append(items, store.BatchItem{Project: &b.Projects[i]})
	}
	for i := range b.Activities {
		items = append(items, store.BatchItem{Activity: &b.Activities[i]})
	}
	res, err := f.Store.ApplyBatch(ctx, actor, store.BatchMeta{Source: b.Source, SHA256: b.SHA256, DryRun: b.DryRun}, items)
	var be *store.BatchError
	if errors.As(err, &be) {
		out := BatchResult{Failures: make([]ItemError, len(be.Failures))}
		for i, fl := range be.Failures {
			out.Failures[i] = ItemError{Index: fl.Index, Field: fl.Err.Field, Message: fl.Err.Message}
		}
		return out, nil
	}
	if err != nil {
		return BatchResult{}, err
	}
	return BatchResult{Created: res.Created, Updated: res.Updated, Unchanged: res.Unchanged}, nil
}

// baseField strips an index from a store field name: "kelurahanCodes[1]"
// → "kelurahanCodes".
func baseField(f string) string {
	if i := strings.IndexByte(f, '['); i >= 0 {
		return f[:i]
	}
	return f
}
