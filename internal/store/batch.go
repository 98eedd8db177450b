package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/spatial"
)

// MaxBatchItems bounds one ApplyBatch: 200,000 records are about twice the
// largest data set the project is measured with.
const MaxBatchItems = 200_000

// BatchMeta describes where a batch comes from; the audit entry keeps it.
type BatchMeta struct {
	Source string // the file name (at most 500 characters), e.g. "proyek-2024.xlsx"
	SHA256 string // "" or the lower-case hex SHA-256 of the source file
	DryRun bool   // check and count everything, write nothing
}

// BatchItem is one upsert: exactly one of the three is set, with its ID
// (required in a batch: the batch says which record it means).
type BatchItem struct {
	Forum    *domain.ForumInput
	Project  *domain.ProjectInput
	Activity *domain.ActivityInput
}

// BatchOutcome says what ApplyBatch did (or, dry, would do) with an item.
type BatchOutcome string

const (
	BatchCreated   BatchOutcome = "CREATED"   // new record, version 1
	BatchUpdated   BatchOutcome = "UPDATED"   // a field differed: replaced, version + 1
	BatchUnchanged BatchOutcome = "UNCHANGED" // equal to the stored record: left alone
)

// BatchItemResult is the outcome of one item, in the order of the items.
type BatchItemResult struct {
	Type    domain.RecordType
	ID      string
	Outcome BatchOutcome
	Version int // the record's version after the batch
}

// BatchResult counts what a batch did.
type BatchResult struct {
	Created, Updated, Unchanged int
	Items                       []BatchItemResult
	// AuditID is the batch's audit entry; 0 for a dry run.
	AuditID int64
}

// BatchFailure is one field error of one item. An item with several wrong
// fields has one failure for each.
type BatchFailure struct {
	Index int               // of the item in the batch, from 0
	Type  domain.RecordType // the item's record type ("" when the item names none or several)
	ID    string            // the item's id as given
	Err   *domain.Error     // Field is relative to the item's input ("title", "geometry"), as Check* name them
}

// BatchError is ApplyBatch's EINVALID when items fail: it lists every
// failure of every item, and nothing was written. errors.As finds it; its
// domain error (Unwrap) names fields "items[3].title".
type BatchError struct {
	Failures []BatchFailure
	Items    int // the number of items in the batch
}

func (e *BatchError) Error() string { return e.domain().Error() }

// Unwrap gives domain.ErrorCode the EINVALID *domain.Error, whose Details
// hold one error per failure.
func (e *BatchError) Unwrap() error { return e.domain() }

func (e *BatchError) domain() *domain.Error {
	bad := map[int]bool{}
	details := make([]*domain.Error, len(e.Failures))
	for i, f := range e.Failures {
		bad[f.Index] = true
		field := fmt.Sprintf("items[%d]", f.Index)
		if f.Err.Field != "" {
			field += "." + f.Err.Field
		}
		details[i] = &domain.Error{Code: domain.EINVALID, Field: field, Message: f.Err.Message}
	}
	out := &domain.Error{Code: domain.EINVALID, Field: "items",
		Message: fmt.Sprintf("%d of %d items are invalid; nothing was written", len(bad), e.Items), Details: details}
	if len(details) > 0 {
		out.Field = details[0].Field
	}
	return out
}

// errDryRun rolls a dry run's transaction back.
var errDryRun = errors.New("store: dry run")

var sha256Pattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// ValidateBatchMeta checks m.
func ValidateBatchMeta(m BatchMeta) error {
	var e fieldErrors
	e.text("source", m.Source, 500, false)
	if m.SHA256 != "" && !sha256Pattern.MatchString(m.SHA256) {
		e.add("sha256", "must be 64 lower-case hexadecimal digits")
	}
	return e.err()
}

// ApplyBatch upserts items all or nothing, in one transaction of the store
// (one PostgreSQL transaction, one bbolt transaction), for the importer:
//
//	res, err := flow.ApplyBatch(ctx, actor, store.BatchMeta{Source: name, SHA256: sum},
//		[]store.BatchItem{{Forum: &forumInput}, {Project: &projectInput}})
//	var be *store.BatchError
//	if errors.As(err, &be) { for _, f := range be.Failures { /* f.Index, f.Err.Field, f.Err.Message */ } }
//
// Each item names its record by ID: a missing record is created (version
// 1); a stored one is replaced (version + 1) when any field differs from
// the checked input — equality is on the normalised record, as the store
// would keep it (SameContent) — and left alone when none does. Every item
// is checked as the single-record writes check it (Check*); items may
// refer to records created or changed earlier in the same batch (a project
// of a forum the batch creates). When any item fails, the *BatchError
// lists every failure with the item's index and nothing is written. An id
// may appear once per record type.
//
// The batch needs RoleEditor. It writes ONE audit entry (OpImport,
// RecordBatch, RecordID the SHA256 or else the source; After holds the
// source, the sha256 and the counts) and one change per record created or
// updated. With meta.DryRun it checks and counts and writes nothing, not
// even the audit entry. Errors: EUNAUTHENTICATED, EFORBIDDEN, EINVALID
// (*BatchError, or bad meta / too many items); anything else is internal.
func (f *Flow) ApplyBatch(ctx context.Context, actor domain.Actor, meta BatchMeta, items []BatchItem) (BatchResult, error) {
	if err := Authorize(actor, domain.RoleEditor); err != nil {
		return BatchResult{}, err
	}
	if err := ValidateBatchMeta(meta); err != nil {
		return BatchResult{}, err
	}
	if len(items) > MaxBatchItems {
		return BatchResult{}, domain.Invalid("items", "a batch holds at most %d items, not %d", MaxBatchItems, len(items))
	}
	var res BatchResult
	// The entry gets its id by the time Update commits (Tx.AppendAudit).
	var e domain.AuditEntry
	err := f.s.Update(ctx, func(tx Tx) error {
		b, err := newBatch(ctx, f, tx, items)
		if err != nil {
			return err
		}
		if err := b.check(ctx); err != nil {
			return err
		}
		res = b.res
		if meta.DryRun {
			return errDryRun
		}
		if err := tx.Apply(ctx, b.writes()); err != nil {
			return err
		}
		if e, err = batchAudit(actor, meta, res); err != nil {
			return err
		}
		if err := tx.AppendAudit(ctx, &e); err != nil {
			return err
		}
		return tx.AppendChanges(ctx, b.changes)
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	if err != nil {
		return BatchResult{}, err
	}
	res.AuditID = e.ID // 0 for a dry run
	return res, nil
}

func batchAudit(actor domain.Actor, meta BatchMeta, res BatchResult) (domain.AuditEntry, error) {
	after, err := json.Marshal(struct {
		Source    string `json:"source"`
		SHA256    string `json:"sha256"`
		Items     int    `json:"items"`
		Created   int    `json:"created"`
		Updated   int    `json:"updated"`
		Unchanged int    `json:"unchanged"`
	}{meta.Source, meta.SHA256, len(res.Items), res.Created, res.Updated, res.Unchanged})
	if err != nil {
		return domain.AuditEntry{}, err
	}
	id := meta.SHA256
	if id == "" {
		id = meta.Source
	}
	return domain.AuditEntry{TokenID: actor.TokenID, ActorName: actor.Name, Operation: domain.OpImport,
		RecordType: domain.RecordBatch, RecordID: id, After: after}, nil
}

// batch is one ApplyBatch in progress.
type batch struct {
	f     *Flow
	tx    Tx
	items []BatchItem
	lk    *batchLookup
	res   BatchResult
	fails []BatchFailure

	forums     map[string]domain.Forum // stored, read for update
	projects   map[string]domain.Project
	activities map[string]domain.Activity

	// What the batch writes, by kind, in item order, and the changes.
	forumWrites, projectWrites, activityWrites []Write
	changes                                    []domain.Change
}

func newBatch(ctx context.Context, f *Flow, tx Tx, items []BatchItem) (*batch, error) {
	b := &batch{f: f, tx: tx, items: items, res: BatchResult{Items: make([]BatchItemResult, len(items))}}
	var err error
	if b.lk, err = newBatchLookup(ctx, tx); err != nil {
		return nil, err
	}
	var forumIDs, projectIDs, activityIDs []string
	seen := map[domain.RecordType]map[string]int{}
	for i, it := range items {
		rt, id, n := it.identity()
		r := &b.res.Items[i]
		r.Type, r.ID = rt, id
		switch {
		case n != 1:
			b.fail(i, domain.Invalid("", "must hold exactly one forum, project or activity, not %d", n))
			continue
		case id == "":
			b.fail(i, domain.Invalid("id", "must be given: a batch upserts records by id"))
			continue
		}
		if err := ValidateRecordID("id", id); err != nil {
			b.fail(i, err.(*domain.Error))
			continue
		}
		if seen[rt] == nil {
			seen[rt] = map[string]int{}
		}
		if j, ok := seen[rt][id]; ok {
			b.fail(i, domain.Invalid("id", "repeats items[%d]: a batch names each %s once", j, KindName(rt)))
			continue
		}
		seen[rt][id] = i
		switch rt {
		case domain.RecordForum:
			forumIDs = append(forumIDs, id)
		case domain.RecordProject:
			projectIDs = append(projectIDs, id)
		case domain.RecordActivity:
			activityIDs = append(activityIDs, id)
		}
	}
	if b.forums, err = tx.ForumsForUpdate(ctx, forumIDs); err != nil {
		return nil, err
	}
	if b.projects, err = tx.ProjectsForUpdate(ctx, projectIDs); err != nil {
		return nil, err
	}
	if b.activities, err = tx.ActivitiesForUpdate(ctx, activityIDs); err != nil {
		return nil, err
	}
	return b, nil
}

// identity returns the record type and id of an item and how many records
// it holds.
func (it BatchItem) identity() (domain.RecordType, string, int) {
	var rt domain.RecordType
	var id string
	n := 0
	if it.Forum != nil {
		rt, id, n = domain.RecordForum, it.Forum.ID, n+1
	}
	if it.Project != nil {
		rt, id, n = domain.RecordProject, it.Project.ID, n+1
	}
	if it.Activity != nil {
		rt, id, n = domain.RecordActivity, it.Activity.ID, n+1
	}
	if n != 1 {
		return "", "", n
	}
	return rt, id, n
}

// fail records err (one field error or several in Details) against item i.
func (b *batch) fail(i int, err *domain.Error) {
	r := b.res.Items[i]
	if len(err.Details) == 0 {
		b.fails = append(b.fails, BatchFailure{Index: i, Type: r.Type, ID: r.ID, Err: err})
		return
	}
	for _, d := range err.Details {
		b.fails = append(b.fails, BatchFailure{Index: i, Type: r.Type, ID: r.ID, Err: d})
	}
}

// check checks every item in order; a failure is recorded and the next
// item is checked, so that the error lists them all.
func (b *batch) check(ctx context.Context) error {
	now := b.f.s.Now()
	failed := map[int]bool{}
	for _, fl := range b.fails {
		failed[fl.Index] = true
	}
	for i, it := range b.items {
		if failed[i] {
			continue
		}
		var err error
		switch {
		case it.Forum != nil:
			var fo domain.Forum
			if fo, err = upsert(ctx, b, i, forumKind, *it.Forum, b.forums, now, &b.forumWrites); err == nil {
				b.lk.forums[fo.ID] = fo // later items see the forum as the batch leaves it
			}
		case it.Project != nil:
			_, err = upsert(ctx, b, i, projectKind, *it.Project, b.projects, now, &b.projectWrites)
		case it.Activity != nil:
			_, err = upsert(ctx, b, i, activityKind, *it.Activity, b.activities, now, &b.activityWrites)
		}
		var de *domain.Error
		switch {
		case err == nil:
		case errors.As(err, &de) && de.Code == domain.EINVALID:
			b.fail(i, de)
		default:
			return err
		}
	}
	if len(b.fails) > 0 {
		return &BatchError{Failures: b.fails, Items: len(b.items)}
	}
	for _, r := range b.res.Items {
		switch r.Outcome {
		case BatchCreated:
			b.res.Created++
		case BatchUpdated:
			b.res.Updated++
		case BatchUnchanged:
			b.res.Unchanged++
		}
	}
	return nil
}

// upsert checks item i against the stored record of its id and queues
// its write and change, if it makes one. It returns the record as the
// batch leaves it.
func upsert[R, I any](ctx context.Context, b *batch, i int, k *recordKind[R, I], in I, stored map[string]R,
	now time.Time, writes *[]Write) (R, error) {
	r, err := k.check(ctx, b.lk, in, now)
	if err != nil {
		return r, err
	}
	id, version := k.ident(&r)
	*id = k.inputID(in)
	res := &b.res.Items[i]
	old, exists := stored[*id]
	ch := domain.Change{RecordType: k.rt, RecordID: *id}
	switch {
	case !exists:
		*version = 1
		res.Outcome, ch.Operation = BatchCreated, domain.OpCreate
	default:
		_, ov := k.ident(&old)
		if *version = *ov; k.same(old, r) {
			res.Outcome, res.Version = BatchUnchanged, *version
			return old, nil
		}
		*version = *ov + 1
		res.Outcome, ch.Operation = BatchUpdated, domain.OpUpdate
		ob, err := k.bound(ctx, b.lk, old)
		if err != nil {
			return r, err
		}
		ch.OldBound = &ob
	}
	nb, err := k.bound(ctx, b.lk, r)
	if err != nil {
		return r, err
	}
	res.Version, ch.Version, ch.NewBound = *version, *version, &nb
	*writes = append(*writes, Write{Op: ch.Operation, Type: k.rt, ID: *id, Record: r})
	b.changes = append(b.changes, ch)
	return r, nil
}

// writes returns the batch's writes, forums first: projects and
// activities may refer to them.
func (b *batch) writes() []Write {
	return slices.Concat(b.forumWrites, b.projectWrites, b.activityWrites)
}

// batchLookup answers a batch's checks: kelurahan from memory (read once
// per batch, as the memory store holds them: the polygon covers the point,
// boundary included, the lowest code wins), forums first from what the
// batch itself writes, then from the transaction.
type batchLookup struct {
	tx         Tx
	kelurahans []domain.Kelurahan // by code
	bounds     []orb.Bound
	byCode     map[string]int
	city       orb.Bound
	forums     map[string]domain.Forum // of the batch, and those read already
	missing    map[string]bool
}

func newBatchLookup(ctx context.Context, tx Tx) (*batchLookup, error) {
	ks, err := tx.Kelurahans(ctx)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(ks, func(a, b domain.Kelurahan) int { return strings.Compare(a.Code, b.Code) })
	lk := &batchLookup{tx: tx, kelurahans: ks, bounds: make([]orb.Bound, len(ks)), byCode: map[string]int{},
		forums: map[string]domain.Forum{}, missing: map[string]bool{}}
	for i, k := range ks {
		lk.byCode[k.Code] = i
		lk.bounds[i] = k.Geometry.Bound()
		if i == 0 {
			lk.city = lk.bounds[i]
		} else {
			lk.city = lk.city.Union(lk.bounds[i])
		}
	}
	return lk, nil
}

func (l *batchLookup) KelurahanAt(ctx context.Context, p orb.Point) (domain.Kelurahan, error) {
	if err := ValidatePoint("point", p); err != nil {
		return domain.Kelurahan{}, err
	}
	for i, k := range l.kelurahans {
		if l.bounds[i].Contains(p) && spatial.ContainsPoint(k.Geometry, p) {
			return k, nil
		}
	}
	return domain.Kelurahan{}, domain.NotFound("kelurahan at", fmt.Sprint(p))
}

func (l *batchLookup) Kelurahan(ctx context.Context, code string) (domain.Kelurahan, error) {
	i, ok := l.byCode[code]
	if !ok {
		return domain.Kelurahan{}, domain.NotFound("kelurahan", code)
	}
	return l.kelurahans[i], nil
}

func (l *batchLookup) Forum(ctx context.Context, id string) (domain.Forum, error) {
	if f, ok := l.forums[id]; ok {
		return f, nil
	}
	if l.missing[id] {
		return domain.Forum{}, domain.NotFound("forum", id)
	}
	f, err := l.tx.Forum(ctx, id)
	switch {
	case domain.ErrorCode(err) == domain.ENOTFOUND:
		l.missing[id] = true
		return f, err
	case err != nil:
		return f, err
	}
	l.forums[id] = f
	return f, nil
}

func (l *batchLookup) CityBound(ctx context.Context) (orb.Bound, error) { return l.city, nil }
