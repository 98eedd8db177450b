package importer

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/paulmach/orb"

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

// StoreBatch is a BatchWriter over a store's single-record mutations. It
// validates every item with the stores' own checks (store.Check*) before
// it writes any, so a file with one bad row writes nothing; but it then
// writes item by item, each in its own transaction with its own audit
// entry, so a crash in the middle of the writes leaves the items before it
// written. The write flow's batch API replaces it once it lands.
type StoreBatch struct {
	Store store.ReadWriter
	Now   func() time.Time
}

var _ BatchWriter = StoreBatch{}

// WriteBatch implements BatchWriter.
func (s StoreBatch) WriteBatch(ctx context.Context, actor domain.Actor, b Batch) (BatchResult, error) {
	if err := store.Authorize(actor, domain.RoleEditor); err != nil {
		return BatchResult{}, err
	}
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	lk, err := newStoreLookup(ctx, s.Store)
	if err != nil {
		return BatchResult{}, err
	}
	var res BatchResult
	type op struct {
		index   int
		id      string
		version int // 0: create
	}
	var ops []op
	fail := func(i int, err error) error {
		var de *domain.Error
		if !asDomain(err, &de) || de.Code != domain.EINVALID {
			return err
		}
		list := de.Details
		if len(list) == 0 {
			list = []*domain.Error{de}
		}
		for _, d := range list {
			res.Failures = append(res.Failures, ItemError{Index: i, Field: d.Field, Message: d.Message})
		}
		return nil
	}
	// plan sorts one checked item into created, updated or unchanged.
	plan := func(i int, id string, checked any, existing any, version int, found bool) error {
		if !found {
			res.Created++
			ops = append(ops, op{index: i, id: id})
			return nil
		}
		a, err := store.MarshalRecord(checked)
		if err != nil {
			return err
		}
		e, err := store.MarshalRecord(existing)
		if err != nil {
			return err
		}
		if bytes.Equal(a, e) {
			res.Unchanged++
			return nil
		}
		res.Updated++
		ops = append(ops, op{index: i, id: id, version: version})
		return nil
	}
	seen := map[string]int{}
	dup := func(i int, id string) bool {
		if j, ok := seen[id]; ok {
			res.Failures = append(res.Failures, ItemError{Index: i, Field: "id", Message: fmt.Sprintf("repeats item %d", j)})
			return true
		}
		seen[id] = i
		return false
	}
	for i, in := range b.Forums {
		if dup(i, in.ID) {
			continue
		}
		f, err := store.CheckForum(ctx, lk, in, now)
		if err != nil {
			if err := fail(i, err); err != nil {
				return BatchResult{}, err
			}
			continue
		}
		old, err := s.Store.Forum(ctx, in.ID)
		found, err := foundOrErr(err)
		if err != nil {
			return BatchResult{}, err
		}
		f.ID, f.Version = in.ID, old.Version
		if err := plan(i, in.ID, f, old, old.Version, found); err != nil {
			return BatchResult{}, err
		}
	}
	for i, in := range b.Projects {
		if dup(i, in.ID) {
			continue
		}
		p, err := store.CheckProject(ctx, lk, in, now)
		if err != nil {
			if err := fail(i, err); err != nil {
				return BatchResult{}, err
			}
			continue
		}
		old, err := s.Store.Project(ctx, in.ID)
		found, err := foundOrErr(err)
		if err != nil {
			return BatchResult{}, err
		}
		p.ID, p.Version = in.ID, old.Version
		if err := plan(i, in.ID, p, old, old.Version, found); err != nil {
			return BatchResult{}, err
		}
	}
	for i, in := range b.Activities {
		if dup(i, in.ID) {
			continue
		}
		a, err := store.CheckActivity(ctx, lk, in, now)
		if err != nil {
			if err := fail(i, err); err != nil {
				return BatchResult{}, err
			}
			continue
		}
		old, err := s.Store.Activity(ctx, in.ID)
		found, err := foundOrErr(err)
		if err != nil {
			return BatchResult{}, err
		}
		a.ID, a.Version = in.ID, old.Version
		if err := plan(i, in.ID, a, old, old.Version, found); err != nil {
			return BatchResult{}, err
		}
	}
	if len(res.Failures) > 0 || b.DryRun {
		return res, nil
	}
	for _, o := range ops {
		var err error
		switch {
		case b.Forums != nil && o.version == 0:
			_, err = s.Store.CreateForum(ctx, actor, b.Forums[o.index])
		case b.Forums != nil:
			in := b.Forums[o.index]
			in.ID = ""
			_, err = s.Store.UpdateForum(ctx, actor, o.id, o.version, in)
		case b.Projects != nil && o.version == 0:
			_, err = s.Store.CreateProject(ctx, actor, b.Projects[o.index])
		case b.Projects != nil:
			in := b.Projects[o.index]
			in.ID = ""
			_, err = s.Store.UpdateProject(ctx, actor, o.id, o.version, in)
		case o.version == 0:
			_, err = s.Store.CreateActivity(ctx, actor, b.Activities[o.index])
		default:
			in := b.Activities[o.index]
			in.ID = ""
			_, err = s.Store.UpdateActivity(ctx, actor, o.id, o.version, in)
		}
		if err != nil {
			return BatchResult{}, fmt.Errorf("importer: item %d (%s): %w", o.index, o.id, err)
		}
	}
	return res, nil
}

func foundOrErr(err error) (bool, error) {
	switch domain.ErrorCode(err) {
	case "":
		return true, nil
	case domain.ENOTFOUND:
		return false, nil
	}
	return false, err
}

func asDomain(err error, target **domain.Error) bool {
	de, ok := err.(*domain.Error)
	if ok {
		*target = de
	}
	return ok
}

// storeLookup answers store.Lookup from a store's reads.
type storeLookup struct {
	store.Store
	city orb.Bound
}

func newStoreLookup(ctx context.Context, st store.Store) (storeLookup, error) {
	kels, err := st.Kelurahans(ctx, domain.KelurahanFilter{})
	if err != nil {
		return storeLookup{}, err
	}
	var city orb.Bound
	for i, k := range kels {
		if i == 0 {
			city = k.Geometry.Bound()
		} else {
			city = city.Union(k.Geometry.Bound())
		}
	}
	return storeLookup{Store: st, city: city}, nil
}

func (l storeLookup) CityBound(ctx context.Context) (orb.Bound, error) { return l.city, nil }

var _ store.Lookup = storeLookup{}

// baseField strips an index from a store field name: "kelurahanCodes[1]"
// → "kelurahanCodes".
func baseField(f string) string {
	if i := strings.IndexByte(f, '['); i >= 0 {
		return f[:i]
	}
	return f
}
