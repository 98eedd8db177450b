package store

import (
	"context"
	"fmt"
	"time"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
)

// Flow is the one write flow of forums, projects and activities, the same
// for every store: authorise, read the current version, validate (Check*),
// assign id and version, persist, audit, emit the change — all inside one
// transaction of the store (TxStore), which supplies only the primitives
// (Tx). Both stores answer their store.Writer record methods with it.
type Flow struct {
	s TxStore
}

// NewFlow returns the write flow over s.
func NewFlow(s TxStore) *Flow { return &Flow{s: s} }

// recordKind is what the flow needs to know of one kind of record.
type recordKind[R, I any] struct {
	rt      domain.RecordType
	name    string // in messages: "forum"
	prefix  string // of the ids the flow chooses
	inputID func(I) string
	check   func(ctx context.Context, lk Lookup, in I, now time.Time) (R, error)
	read    func(ctx context.Context, tx Tx, ids []string) (map[string]R, error)
	ident   func(r *R) (id *string, version *int)
	same    func(a, b R) bool
	bound   func(ctx context.Context, lk Lookup, r R) (orb.Bound, error)
}

var forumKind = &recordKind[domain.Forum, domain.ForumInput]{
	rt: domain.RecordForum, name: "forum", prefix: ForumIDPrefix,
	inputID: func(in domain.ForumInput) string { return in.ID },
	check:   CheckForum,
	read: func(ctx context.Context, tx Tx, ids []string) (map[string]domain.Forum, error) {
		return tx.ForumsForUpdate(ctx, ids)
	},
	ident: func(f *domain.Forum) (*string, *int) { return &f.ID, &f.Version },
	same:  domain.Forum.SameContent,
	// A forum shows at its secretariat and sets hasForum of the kelurahan
	// it serves.
	bound: func(ctx context.Context, lk Lookup, f domain.Forum) (orb.Bound, error) {
		b := f.Secretariat.Bound()
		for _, c := range f.KelurahanCodes {
			k, err := lk.Kelurahan(ctx, c)
			if err != nil {
				return b, err
			}
			b = b.Union(k.Geometry.Bound())
		}
		return b, nil
	},
}

var projectKind = &recordKind[domain.Project, domain.ProjectInput]{
	rt: domain.RecordProject, name: "project", prefix: ProjectIDPrefix,
	inputID: func(in domain.ProjectInput) string { return in.ID },
	check:   CheckProject,
	read: func(ctx context.Context, tx Tx, ids []string) (map[string]domain.Project, error) {
		return tx.ProjectsForUpdate(ctx, ids)
	},
	ident: func(p *domain.Project) (*string, *int) { return &p.ID, &p.Version },
	same:  domain.Project.SameContent,
	bound: func(ctx context.Context, lk Lookup, p domain.Project) (orb.Bound, error) {
		return p.Geometry.Bound(), nil
	},
}

var activityKind = &recordKind[domain.Activity, domain.ActivityInput]{
	rt: domain.RecordActivity, name: "activity", prefix: ActivityIDPrefix,
	inputID: func(in domain.ActivityInput) string { return in.ID },
	check:   CheckActivity,
	read: func(ctx context.Context, tx Tx, ids []string) (map[string]domain.Activity, error) {
		return tx.ActivitiesForUpdate(ctx, ids)
	},
	ident: func(a *domain.Activity) (*string, *int) { return &a.ID, &a.Version },
	same:  domain.Activity.SameContent,
	// An activity without a location shows nowhere of its own; its
	// kelurahan bounds whatever a map may place for it.
	bound: func(ctx context.Context, lk Lookup, a domain.Activity) (orb.Bound, error) {
		if a.Location != nil {
			return a.Location.Bound(), nil
		}
		k, err := lk.Kelurahan(ctx, a.KelurahanCode)
		if err != nil {
			return orb.Bound{}, err
		}
		return k.Geometry.Bound(), nil
	},
}

// CreateForum, UpdateForum, ... follow store.Writer.

func (f *Flow) CreateForum(ctx context.Context, actor domain.Actor, in domain.ForumInput) (domain.Forum, error) {
	return create(ctx, f, forumKind, actor, in)
}

func (f *Flow) UpdateForum(ctx context.Context, actor domain.Actor, id string, version int, in domain.ForumInput) (domain.Forum, error) {
	return update(ctx, f, forumKind, actor, id, version, in)
}

func (f *Flow) ArchiveForum(ctx context.Context, actor domain.Actor, id string, version int) (domain.Forum, error) {
	return change(ctx, f, forumKind, actor, id, version, domain.OpArchive, func(old domain.Forum) domain.Forum {
		fo := old
		fo.KelurahanCodes = append([]string(nil), old.KelurahanCodes...)
		fo.Status = domain.ForumInactive
		return fo
	})
}

func (f *Flow) CreateProject(ctx context.Context, actor domain.Actor, in domain.ProjectInput) (domain.Project, error) {
	return create(ctx, f, projectKind, actor, in)
}

func (f *Flow) UpdateProject(ctx context.Context, actor domain.Actor, id string, version int, in domain.ProjectInput) (domain.Project, error) {
	return update(ctx, f, projectKind, actor, id, version, in)
}

func (f *Flow) DeleteProject(ctx context.Context, actor domain.Actor, id string, version int) (domain.Project, error) {
	return change(ctx, f, projectKind, actor, id, version, domain.OpDelete, nil)
}

func (f *Flow) CreateActivity(ctx context.Context, actor domain.Actor, in domain.ActivityInput) (domain.Activity, error) {
	return create(ctx, f, activityKind, actor, in)
}

func (f *Flow) UpdateActivity(ctx context.Context, actor domain.Actor, id string, version int, in domain.ActivityInput) (domain.Activity, error) {
	return update(ctx, f, activityKind, actor, id, version, in)
}

func (f *Flow) DeleteActivity(ctx context.Context, actor domain.Actor, id string, version int) (domain.Activity, error) {
	return change(ctx, f, activityKind, actor, id, version, domain.OpDelete, nil)
}

func create[R, I any](ctx context.Context, f *Flow, k *recordKind[R, I], actor domain.Actor, in I) (R, error) {
	var out R
	if err := Authorize(actor, domain.RoleEditor); err != nil {
		return out, err
	}
	err := f.s.Update(ctx, func(tx Tx) error {
		r, err := k.check(ctx, tx, in, f.s.Now())
		if err != nil {
			return err
		}
		id, version := k.ident(&r)
		if *id = k.inputID(in); *id == "" {
			*id = NewRecordID(k.prefix)
		}
		*version = 1
		nb, err := k.bound(ctx, tx, r)
		if err != nil {
			return err
		}
		out = r
		return commitOne(ctx, tx, actor, Write{Op: domain.OpCreate, Type: k.rt, ID: *id, Record: r}, nil, r, 1, nil, &nb)
	})
	return out, err
}

func update[R, I any](ctx context.Context, f *Flow, k *recordKind[R, I], actor domain.Actor, id string, version int, in I) (R, error) {
	var out R
	if err := Authorize(actor, domain.RoleEditor); err != nil {
		return out, err
	}
	err := f.s.Update(ctx, func(tx Tx) error {
		old, err := current(ctx, tx, k, id, version)
		if err != nil {
			return err
		}
		if given := k.inputID(in); given != "" && given != id {
			return domain.Invalid("id", "cannot be changed")
		}
		r, err := k.check(ctx, tx, in, f.s.Now())
		if err != nil {
			return err
		}
		rid, rv := k.ident(&r)
		*rid, *rv = id, version+1
		ob, err := k.bound(ctx, tx, old)
		if err != nil {
			return err
		}
		nb, err := k.bound(ctx, tx, r)
		if err != nil {
			return err
		}
		out = r
		return commitOne(ctx, tx, actor, Write{Op: domain.OpUpdate, Type: k.rt, ID: id, Record: r}, old, r, *rv, &ob, &nb)
	})
	return out, err
}

// change archives (next turns the old record into the new) or, with op
// OpDelete, deletes record id at version.
func change[R, I any](ctx context.Context, f *Flow, k *recordKind[R, I], actor domain.Actor, id string, version int,
	op domain.AuditOperation, next func(R) R) (R, error) {
	var out R
	if err := Authorize(actor, domain.RoleEditor); err != nil {
		return out, err
	}
	err := f.s.Update(ctx, func(tx Tx) error {
		old, err := current(ctx, tx, k, id, version)
		if err != nil {
			return err
		}
		ob, err := k.bound(ctx, tx, old)
		if err != nil {
			return err
		}
		if op == domain.OpDelete {
			out = old
			return commitOne(ctx, tx, actor, Write{Op: op, Type: k.rt, ID: id}, old, nil, version, &ob, nil)
		}
		r := next(old)
		_, rv := k.ident(&r)
		*rv = version + 1
		nb, err := k.bound(ctx, tx, r)
		if err != nil {
			return err
		}
		out = r
		return commitOne(ctx, tx, actor, Write{Op: op, Type: k.rt, ID: id, Record: r}, old, r, *rv, &ob, &nb)
	})
	return out, err
}

// current reads record id for update: ENOTFOUND, or ECONFLICT when it is
// not at version.
func current[R, I any](ctx context.Context, tx Tx, k *recordKind[R, I], id string, version int) (R, error) {
	have, err := k.read(ctx, tx, []string{id})
	if err != nil {
		return *new(R), err
	}
	r, ok := have[id]
	if !ok {
		return r, domain.NotFound(k.name, id)
	}
	if _, v := k.ident(&r); *v != version {
		return r, Stale(k.name, id, version, *v)
	}
	return r, nil
}

// commitOne writes one record with its audit entry and its change; before
// and after are the records for the audit entry (nil for none).
func commitOne(ctx context.Context, tx Tx, actor domain.Actor, w Write, before, after any, version int, ob, nb *orb.Bound) error {
	if err := tx.Apply(ctx, []Write{w}); err != nil {
		return err
	}
	e, err := NewAuditEntry(actor, w.Op, w.Type, w.ID, before, after)
	if err != nil {
		return err
	}
	if err := tx.AppendAudit(ctx, &e); err != nil {
		return err
	}
	return tx.AppendChanges(ctx, []domain.Change{{RecordType: w.Type, RecordID: w.ID, Operation: w.Op,
		Version: version, OldBound: ob, NewBound: nb}})
}

// Taken is the ECONFLICT of a create whose id exists; Tx.Apply returns it.
func Taken(kind, id string) error {
	return &domain.Error{Code: domain.ECONFLICT, Field: "id", Message: fmt.Sprintf("%s %q already exists", kind, id)}
}

// KindName is the word for a record type in messages ("project").
func KindName(t domain.RecordType) string {
	switch t {
	case domain.RecordForum:
		return "forum"
	case domain.RecordProject:
		return "project"
	case domain.RecordActivity:
		return "activity"
	}
	return "record"
}
