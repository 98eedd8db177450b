package memory

import (
	"context"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/paulmach/orb"
	bolt "go.etcd.io/bbolt"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

var _ store.TxStore = (*Store)(nil)

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// Update runs fn as one transaction (see store.TxStore): under the writer
// lock, over a copy-on-write successor of the current snapshot and, with a
// data file, one bbolt write transaction that is committed (fsynced) before
// the successor is swapped in.
func (s *Store) Update(ctx context.Context, fn func(store.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	t := &tx{s: s, cur: s.d}
	if s.db != nil {
		btx, err := s.db.Begin(true)
		if err != nil {
			return fmt.Errorf("memory: begin: %w", err)
		}
		defer btx.Rollback() //nolint:errcheck // after Commit this is ErrTxClosed
		t.btx = btx
	}
	if err := fn(t); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if t.btx != nil {
		if err := t.btx.Commit(); err != nil {
			return fmt.Errorf("memory: commit: %w", err)
		}
		if t.pruned {
			s.feed.oldest = t.oldest
		}
	}
	if t.next == nil {
		return nil
	}
	s.mu.Lock()
	s.d = t.next
	s.mu.Unlock()
	if t.changes > 0 {
		s.wake()
	}
	return nil
}

// tx is one write transaction of the memory store. It builds next, the
// successor of cur, and owns of it only what it has copied (the owned*
// flags), so that a batch of 100,000 records copies each structure once
// and a single write no more than the snapshot functions do.
type tx struct {
	s    *Store
	cur  *data
	next *data // nil until the first write
	btx  *bolt.Tx

	ownForums, ownActivities, ownProjects bool
	changes                               int
	// pruned says AppendChanges pruned the feed; oldest is then the time of
	// the oldest change left, for feedState.oldest once committed.
	pruned bool
	oldest time.Time
}

func (t *tx) view() *data {
	if t.next != nil {
		return t.next
	}
	return t.cur
}

func (t *tx) own() *data {
	if t.next == nil {
		t.next = t.cur.shallow()
	}
	return t.next
}

func (t *tx) KelurahanAt(ctx context.Context, p orb.Point) (domain.Kelurahan, error) {
	return lookup{t.view()}.KelurahanAt(ctx, p)
}

func (t *tx) Kelurahan(ctx context.Context, code string) (domain.Kelurahan, error) {
	return lookup{t.view()}.Kelurahan(ctx, code)
}

func (t *tx) Forum(ctx context.Context, id string) (domain.Forum, error) {
	return lookup{t.view()}.Forum(ctx, id)
}

func (t *tx) CityBound(ctx context.Context) (orb.Bound, error) { return t.view().cityBound, nil }

func (t *tx) Kelurahans(ctx context.Context) ([]domain.Kelurahan, error) {
	return slices.Clone(t.view().kelurahans), nil
}

func (t *tx) ForumsForUpdate(ctx context.Context, ids []string) (map[string]domain.Forum, error) {
	d := t.view()
	return pick(ids, d.forumByID, d.forums, cloneForum), nil
}

func (t *tx) ProjectsForUpdate(ctx context.Context, ids []string) (map[string]domain.Project, error) {
	d := t.view()
	out := make(map[string]domain.Project, len(ids))
	for _, id := range ids {
		if p, ok := d.project(id); ok {
			out[id] = cloneProject(*p)
		}
	}
	return out, nil
}

func (t *tx) ActivitiesForUpdate(ctx context.Context, ids []string) (map[string]domain.Activity, error) {
	d := t.view()
	return pick(ids, d.actByID, d.activities, cloneActivity), nil
}

func pick[T any](ids []string, index map[string]int, records []T, clone func(T) T) map[string]T {
	out := make(map[string]T, len(ids))
	for _, id := range ids {
		if i, ok := index[id]; ok {
			out[id] = clone(records[i])
		}
	}
	return out
}

// Apply changes next and, with a data file, writes each record's JSON.
func (t *tx) Apply(ctx context.Context, ws []store.Write) error {
	n := t.own()
	var forumsDirty, activitiesDirty bool
	for _, w := range ws {
		var bucket []byte
		switch w.Type {
		case domain.RecordForum:
			bucket, forumsDirty = forumsBucket, true
			if err := t.putForum(n, w); err != nil {
				return err
			}
		case domain.RecordProject:
			bucket = projectsBucket
			if err := t.putProject(n, w); err != nil {
				return err
			}
		case domain.RecordActivity:
			bucket, activitiesDirty = activitiesBucket, true
			if err := t.putActivity(n, w); err != nil {
				return err
			}
		default:
			return fmt.Errorf("memory: cannot write a %s record", w.Type)
		}
		if t.btx == nil {
			continue
		}
		b := t.btx.Bucket(bucket)
		if w.Op == domain.OpDelete {
			if err := b.Delete([]byte(w.ID)); err != nil {
				return fmt.Errorf("memory: delete %s: %w", w.ID, err)
			}
			continue
		}
		v, err := store.MarshalRecord(w.Record)
		if err != nil {
			return err
		}
		if err := b.Put([]byte(w.ID), v); err != nil {
			return fmt.Errorf("memory: put %s: %w", w.ID, err)
		}
	}
	// Forums and activities are few: sorted and indexed whole once.
	if forumsDirty {
		n.setForums(n.forums)
	}
	if activitiesDirty {
		n.setActivities(n.activities)
	}
	return nil
}

func (t *tx) putForum(n *data, w store.Write) error {
	if !t.ownForums {
		n.forums, n.forumByID, t.ownForums = slices.Clone(n.forums), maps.Clone(n.forumByID), true
	}
	i, exists := n.forumByID[w.ID]
	switch {
	case w.Op == domain.OpDelete:
		return fmt.Errorf("memory: forums are never deleted")
	case w.Op == domain.OpCreate && exists:
		return store.Taken("forum", w.ID)
	case exists:
		n.forums[i] = cloneForum(w.Record.(domain.Forum))
	default:
		n.forumByID[w.ID] = len(n.forums)
		n.forums = append(n.forums, cloneForum(w.Record.(domain.Forum)))
	}
	return nil
}

func (t *tx) putActivity(n *data, w store.Write) error {
	if !t.ownActivities {
		n.activities, n.actByID, t.ownActivities = slices.Clone(n.activities), maps.Clone(n.actByID), true
	}
	i, exists := n.actByID[w.ID]
	switch {
	case w.Op == domain.OpDelete:
		n.activities = slices.Delete(n.activities, i, i+1)
		// The positions after i moved: index again before the next write.
		n.actByID = indexBy(n.activities, func(a domain.Activity) string { return a.ID })
	case w.Op == domain.OpCreate && exists:
		return store.Taken("activity", w.ID)
	case exists:
		n.activities[i] = cloneActivity(w.Record.(domain.Activity))
	default:
		n.actByID[w.ID] = len(n.activities)
		n.activities = append(n.activities, cloneActivity(w.Record.(domain.Activity)))
	}
	return nil
}

// putProject changes the project trees, which the first project write of
// the transaction copies (an O(1) copy-on-write: each change then copies
// only the nodes on its path, so a write costs O(log n) and a batch shares
// the copied nodes between its records).
func (t *tx) putProject(n *data, w store.Write) error {
	if !t.ownProjects {
		n.projects, n.projIndex, t.ownProjects = t.cur.projects.Copy(), *t.cur.projIndex.Copy(), true
	}
	_, exists := n.project(w.ID)
	switch {
	case w.Op == domain.OpCreate && exists:
		return store.Taken("project", w.ID)
	case w.Op == domain.OpDelete:
		n.deleteStored(w.ID)
	default:
		p := cloneProject(w.Record.(domain.Project))
		n.putStored(&p)
	}
	return nil
}

// AppendAudit numbers e in the data file or, without one, in next's trail.
func (t *tx) AppendAudit(ctx context.Context, e *domain.AuditEntry) error {
	e.At = t.s.now().UTC().Truncate(time.Microsecond)
	if t.btx != nil {
		return putAudit(t.btx, e)
	}
	n := t.own()
	e.ID = n.auditSeq + 1
	n.auditSeq = e.ID
	// The trail may have spare capacity that a refused change wrote into;
	// no snapshot that anyone reads reaches that far.
	n.audit = append(n.audit, *e)
	return nil
}

// AppendChanges adds cs to the feed: a bucket of the data file or, without
// one, next's in-memory feed, and drops what is past retention.
func (t *tx) AppendChanges(ctx context.Context, cs []domain.Change) error {
	if t.s.feed.off {
		return nil
	}
	at := t.s.now().UTC().Truncate(time.Microsecond)
	cutoff := at.Add(-t.s.changeRetention())
	t.changes += len(cs)
	if t.btx != nil {
		b := t.btx.Bucket(changesBucket)
		// Keys only grow: full pages rather than bbolt's half-full splits.
		b.FillPercent = 1
		for i := range cs {
			seq, err := b.NextSequence()
			if err != nil {
				return err
			}
			cs[i].Seq, cs[i].At = int64(seq), at
			if err := b.Put(binary.BigEndian.AppendUint64(nil, seq), marshalChange(cs[i])); err != nil {
				return err
			}
		}
		// The writer lock is held: feed.oldest is this writer's. It is
		// zero after Open and after a write that failed, so the first
		// write then reads the bucket.
		if !t.s.feed.oldest.IsZero() && !t.s.feed.oldest.Before(cutoff) {
			return nil
		}
		oldest, err := pruneChanges(b, cutoff)
		if err != nil {
			return err
		}
		t.pruned, t.oldest = true, oldest
		return nil
	}
	n := t.own()
	for i := range cs {
		n.changeSeq++
		cs[i].Seq, cs[i].At = n.changeSeq, at
	}
	n.changes = append(n.changes, cs...)
	k := 0
	for k < len(n.changes) && n.changes[k].At.Before(cutoff) {
		k++
	}
	n.changes = n.changes[k:]
	return nil
}
