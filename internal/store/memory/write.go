package memory

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/paulmach/orb"
	bolt "go.etcd.io/bbolt"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// lookup answers the write checks from the snapshot a writer holds.
type lookup struct{ d *data }

func (l lookup) KelurahanAt(ctx context.Context, p orb.Point) (domain.Kelurahan, error) {
	if err := store.ValidatePoint("point", p); err != nil {
		return domain.Kelurahan{}, err
	}
	i := l.d.kelurahanAt(p)
	if i < 0 {
		return domain.Kelurahan{}, domain.NotFound("kelurahan at", fmt.Sprint(p))
	}
	return l.d.kelurahans[i], nil
}

func (l lookup) Kelurahan(ctx context.Context, code string) (domain.Kelurahan, error) {
	i, ok := l.d.kelByCode[code]
	if !ok {
		return domain.Kelurahan{}, domain.NotFound("kelurahan", code)
	}
	return l.d.kelurahans[i], nil
}

func (l lookup) Forum(ctx context.Context, id string) (domain.Forum, error) {
	i, ok := l.d.forumByID[id]
	if !ok {
		return domain.Forum{}, domain.NotFound("forum", id)
	}
	return l.d.forums[i], nil
}

func (l lookup) CityBound(ctx context.Context) (orb.Bound, error) { return l.d.cityBound, nil }

// put is one key the data file must hold after a change; a nil value
// deletes the key.
type put struct {
	bucket []byte
	key    string
	value  []byte
}

// begin authorises actor, takes the writer lock and returns the snapshot to
// change. The caller must call s.wmu.Unlock.
func (s *Store) begin(actor domain.Actor, need domain.Role) (*data, error) {
	if err := store.Authorize(actor, need); err != nil {
		return nil, err
	}
	s.wmu.Lock()
	return s.d, nil
}

// commit makes a checked change durable and visible: the records in puts
// and the audit entry go to the data file in one fsynced bbolt transaction
// (or, without a file, the entry joins next's in-memory trail), then next
// replaces the current snapshot. When the file refuses the change, nothing
// is swapped in. The caller holds s.wmu and cur is the current snapshot.
func (s *Store) commit(ctx context.Context, cur, next *data, entry domain.AuditEntry, puts ...put) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	entry.At = s.now().UTC().Truncate(time.Microsecond)
	if s.db != nil {
		err := s.db.Update(func(tx *bolt.Tx) error {
			for _, p := range puts {
				b := tx.Bucket(p.bucket)
				var err error
				if p.value == nil {
					err = b.Delete([]byte(p.key))
				} else {
					err = b.Put([]byte(p.key), p.value)
				}
				if err != nil {
					return err
				}
			}
			return putAudit(tx, &entry)
		})
		if err != nil {
			return fmt.Errorf("memory: commit: %w", err)
		}
	} else {
		entry.ID = cur.auditSeq + 1
		next.auditSeq = entry.ID
		// cur.audit may have spare capacity that a refused change wrote
		// into; no snapshot that anyone reads reaches that far.
		next.audit = append(cur.audit, entry)
	}
	s.mu.Lock()
	s.d = next
	s.mu.Unlock()
	return nil
}

// CreateForum adds a forum; see store.Writer.
func (s *Store) CreateForum(ctx context.Context, actor domain.Actor, in domain.ForumInput) (domain.Forum, error) {
	d, err := s.begin(actor, domain.RoleEditor)
	if err != nil {
		return domain.Forum{}, err
	}
	defer s.wmu.Unlock()
	f, err := store.CheckForum(ctx, lookup{d}, in, s.now())
	if err != nil {
		return domain.Forum{}, err
	}
	if f.ID, err = newID(d.forumByID, in.ID, store.ForumIDPrefix, "forum"); err != nil {
		return domain.Forum{}, err
	}
	f.Version = 1
	if err := s.commitAudited(ctx, d, d.withForum(cloneForum(f)), actor, domain.OpCreate, domain.RecordForum, forumsBucket, f.ID, nil, f); err != nil {
		return domain.Forum{}, err
	}
	return f, nil
}

// UpdateForum replaces a forum's fields; see store.Writer.
func (s *Store) UpdateForum(ctx context.Context, actor domain.Actor, id string, version int, in domain.ForumInput) (domain.Forum, error) {
	d, err := s.begin(actor, domain.RoleEditor)
	if err != nil {
		return domain.Forum{}, err
	}
	defer s.wmu.Unlock()
	old, err := current(d.forumByID, d.forums, "forum", id, version, func(f domain.Forum) int { return f.Version })
	if err != nil {
		return domain.Forum{}, err
	}
	if err := sameID(in.ID, id); err != nil {
		return domain.Forum{}, err
	}
	f, err := store.CheckForum(ctx, lookup{d}, in, s.now())
	if err != nil {
		return domain.Forum{}, err
	}
	f.ID, f.Version = id, old.Version+1
	if err := s.commitAudited(ctx, d, d.withForum(cloneForum(f)), actor, domain.OpUpdate, domain.RecordForum, forumsBucket, id, old, f); err != nil {
		return domain.Forum{}, err
	}
	return f, nil
}

// ArchiveForum sets a forum INACTIVE; see store.Writer.
func (s *Store) ArchiveForum(ctx context.Context, actor domain.Actor, id string, version int) (domain.Forum, error) {
	d, err := s.begin(actor, domain.RoleEditor)
	if err != nil {
		return domain.Forum{}, err
	}
	defer s.wmu.Unlock()
	old, err := current(d.forumByID, d.forums, "forum", id, version, func(f domain.Forum) int { return f.Version })
	if err != nil {
		return domain.Forum{}, err
	}
	f := cloneForum(old)
	f.Status, f.Version = domain.ForumInactive, old.Version+1
	if err := s.commitAudited(ctx, d, d.withForum(cloneForum(f)), actor, domain.OpArchive, domain.RecordForum, forumsBucket, id, old, f); err != nil {
		return domain.Forum{}, err
	}
	return f, nil
}

// CreateProject adds a project; see store.Writer.
func (s *Store) CreateProject(ctx context.Context, actor domain.Actor, in domain.ProjectInput) (domain.Project, error) {
	d, err := s.begin(actor, domain.RoleEditor)
	if err != nil {
		return domain.Project{}, err
	}
	defer s.wmu.Unlock()
	p, err := store.CheckProject(ctx, lookup{d}, in, s.now())
	if err != nil {
		return domain.Project{}, err
	}
	if p.ID, err = newID(d.projByID, in.ID, store.ProjectIDPrefix, "project"); err != nil {
		return domain.Project{}, err
	}
	p.Version = 1
	if err := s.commitAudited(ctx, d, d.withProject(p), actor, domain.OpCreate, domain.RecordProject, projectsBucket, p.ID, nil, p); err != nil {
		return domain.Project{}, err
	}
	return cloneProject(p), nil
}

// UpdateProject replaces a project's fields; see store.Writer.
func (s *Store) UpdateProject(ctx context.Context, actor domain.Actor, id string, version int, in domain.ProjectInput) (domain.Project, error) {
	d, err := s.begin(actor, domain.RoleEditor)
	if err != nil {
		return domain.Project{}, err
	}
	defer s.wmu.Unlock()
	old, err := current(d.projByID, d.projects, "project", id, version, func(p domain.Project) int { return p.Version })
	if err != nil {
		return domain.Project{}, err
	}
	if err := sameID(in.ID, id); err != nil {
		return domain.Project{}, err
	}
	p, err := store.CheckProject(ctx, lookup{d}, in, s.now())
	if err != nil {
		return domain.Project{}, err
	}
	p.ID, p.Version = id, old.Version+1
	if err := s.commitAudited(ctx, d, d.withProject(p), actor, domain.OpUpdate, domain.RecordProject, projectsBucket, id, old, p); err != nil {
		return domain.Project{}, err
	}
	return cloneProject(p), nil
}

// DeleteProject removes a project; see store.Writer.
func (s *Store) DeleteProject(ctx context.Context, actor domain.Actor, id string, version int) (domain.Project, error) {
	d, err := s.begin(actor, domain.RoleEditor)
	if err != nil {
		return domain.Project{}, err
	}
	defer s.wmu.Unlock()
	old, err := current(d.projByID, d.projects, "project", id, version, func(p domain.Project) int { return p.Version })
	if err != nil {
		return domain.Project{}, err
	}
	if err := s.commitAudited(ctx, d, d.withoutProject(id), actor, domain.OpDelete, domain.RecordProject, projectsBucket, id, old, nil); err != nil {
		return domain.Project{}, err
	}
	return cloneProject(old), nil
}

// CreateActivity records an activity; see store.Writer.
func (s *Store) CreateActivity(ctx context.Context, actor domain.Actor, in domain.ActivityInput) (domain.Activity, error) {
	d, err := s.begin(actor, domain.RoleEditor)
	if err != nil {
		return domain.Activity{}, err
	}
	defer s.wmu.Unlock()
	a, err := store.CheckActivity(ctx, lookup{d}, in, s.now())
	if err != nil {
		return domain.Activity{}, err
	}
	if a.ID, err = newID(d.actByID, in.ID, store.ActivityIDPrefix, "activity"); err != nil {
		return domain.Activity{}, err
	}
	a.Version = 1
	if err := s.commitAudited(ctx, d, d.withActivity(cloneActivity(a)), actor, domain.OpCreate, domain.RecordActivity, activitiesBucket, a.ID, nil, a); err != nil {
		return domain.Activity{}, err
	}
	return cloneActivity(a), nil
}

// UpdateActivity replaces an activity's fields; see store.Writer.
func (s *Store) UpdateActivity(ctx context.Context, actor domain.Actor, id string, version int, in domain.ActivityInput) (domain.Activity, error) {
	d, err := s.begin(actor, domain.RoleEditor)
	if err != nil {
		return domain.Activity{}, err
	}
	defer s.wmu.Unlock()
	old, err := current(d.actByID, d.activities, "activity", id, version, func(a domain.Activity) int { return a.Version })
	if err != nil {
		return domain.Activity{}, err
	}
	if err := sameID(in.ID, id); err != nil {
		return domain.Activity{}, err
	}
	a, err := store.CheckActivity(ctx, lookup{d}, in, s.now())
	if err != nil {
		return domain.Activity{}, err
	}
	a.ID, a.Version = id, old.Version+1
	if err := s.commitAudited(ctx, d, d.withActivity(cloneActivity(a)), actor, domain.OpUpdate, domain.RecordActivity, activitiesBucket, id, old, a); err != nil {
		return domain.Activity{}, err
	}
	return cloneActivity(a), nil
}

// DeleteActivity removes an activity; see store.Writer.
func (s *Store) DeleteActivity(ctx context.Context, actor domain.Actor, id string, version int) (domain.Activity, error) {
	d, err := s.begin(actor, domain.RoleEditor)
	if err != nil {
		return domain.Activity{}, err
	}
	defer s.wmu.Unlock()
	old, err := current(d.actByID, d.activities, "activity", id, version, func(a domain.Activity) int { return a.Version })
	if err != nil {
		return domain.Activity{}, err
	}
	if err := s.commitAudited(ctx, d, d.withoutActivity(id), actor, domain.OpDelete, domain.RecordActivity, activitiesBucket, id, old, nil); err != nil {
		return domain.Activity{}, err
	}
	return cloneActivity(old), nil
}

// commitAudited commits next, the snapshot after a change to record id,
// with the change's audit entry (before and after: the record's values, nil
// for none) and the record's JSON stored in bucket (none: deleted).
func (s *Store) commitAudited(ctx context.Context, d, next *data, actor domain.Actor, op domain.AuditOperation,
	rt domain.RecordType, bucket []byte, id string, before, after any) error {
	e, err := store.NewAuditEntry(actor, op, rt, id, before, after)
	if err != nil {
		return err
	}
	return s.commit(ctx, d, next, e, put{bucket, id, e.After})
}

// current returns the record id at the version the caller read:
// ENOTFOUND or ECONFLICT otherwise.
func current[T any](index map[string]int, records []T, kind, id string, version int, versionOf func(T) int) (T, error) {
	i, ok := index[id]
	if !ok {
		var zero T
		return zero, domain.NotFound(kind, id)
	}
	r := records[i]
	if v := versionOf(r); v != version {
		return r, store.Stale(kind, id, version, v)
	}
	return r, nil
}

// newID returns the id of a new record: the caller's, if it is free, or a
// fresh random one.
func newID(index map[string]int, given, prefix, kind string) (string, error) {
	if given == "" {
		for {
			id := store.NewRecordID(prefix)
			if _, taken := index[id]; !taken {
				return id, nil
			}
		}
	}
	if _, taken := index[given]; taken {
		return "", &domain.Error{Code: domain.ECONFLICT, Field: "id", Message: fmt.Sprintf("%s %q already exists", kind, given)}
	}
	return given, nil
}

func sameID(given, id string) error {
	if given != "" && given != id {
		return domain.Invalid("id", "cannot be changed")
	}
	return nil
}

// auditJSON is an audit entry in the data file.
type auditJSON struct {
	ID         int64           `json:"id"`
	At         time.Time       `json:"at"`
	TokenID    string          `json:"tokenId,omitempty"`
	ActorName  string          `json:"actorName"`
	Operation  string          `json:"operation"`
	RecordType string          `json:"recordType"`
	RecordID   string          `json:"recordId"`
	Before     json.RawMessage `json:"before,omitempty"`
	After      json.RawMessage `json:"after,omitempty"`
}
