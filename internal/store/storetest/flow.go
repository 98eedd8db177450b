package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// fsuite is what every flow test gets: a fresh store with the sample data.
type fsuite struct {
	wsuite
	fs store.FlowStore
}

// RunFlowConformanceTests runs the behaviours of the batch write and the
// change feed against stores made by newStore, each of its own, loaded with
// the embedded sample data, with an empty audit trail and an empty feed.
func RunFlowConformanceTests(t *testing.T, newStore func(t *testing.T) store.FlowStore) {
	ds := loadDataset(t)
	groups := []struct {
		name string
		run  func(t *testing.T, f *fsuite)
	}{
		{"BatchUpsert", testBatchUpsert},
		{"BatchFailures", testBatchFailures},
		{"BatchDryRun", testBatchDryRun},
		{"BatchAuthorization", testBatchAuthorization},
		{"FeedOfWrites", testFeedOfWrites},
		{"FeedReads", testFeedReads},
		{"FeedListen", testFeedListen},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			s := newStore(t)
			g.run(t, &fsuite{wsuite: wsuite{s: s, ds: ds, ctx: context.Background()}, fs: s})
		})
	}
}

const batchSHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

// batchItems is a forum, a project of it and an activity of it, all new.
func batchItems(prefix string) []store.BatchItem {
	fo := forumInput()
	fo.ID = prefix + "-fks"
	p := projectInput()
	p.ID, p.ForumID, p.Geometry, p.Kind = prefix+"-prj", fo.ID, waleLine(), domain.VillageRoad
	a := activityInput()
	a.ID, a.ForumID = prefix+"-act", fo.ID
	return []store.BatchItem{{Forum: &fo}, {Project: &p}, {Activity: &a}}
}

// changes returns the whole feed after since.
func (f *fsuite) changes(t *testing.T, since int64) []domain.Change {
	t.Helper()
	var out []domain.Change
	for {
		page, err := f.fs.Changes(f.ctx, since, 2)
		if err != nil {
			t.Fatalf("Changes(%d): %v", since, err)
		}
		out = append(out, page.Changes...)
		if len(page.Changes) == 0 {
			return out
		}
		since = page.Changes[len(page.Changes)-1].Seq
	}
}

func (f *fsuite) latest(t *testing.T) int64 {
	t.Helper()
	page, err := f.fs.Changes(f.ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return page.Latest
}

// testBatchUpsert: a batch creates, then leaves equal records alone, then
// updates what differs; one audit entry each; a change per written record.
func testBatchUpsert(t *testing.T, f *fsuite) {
	items := batchItems("imp")
	res, err := f.fs.ApplyBatch(f.ctx, editor, store.BatchMeta{Source: "proyek.xlsx", SHA256: batchSHA}, items)
	if err != nil {
		t.Fatalf("ApplyBatch: %v", err)
	}
	if res.Created != 3 || res.Updated != 0 || res.Unchanged != 0 || len(res.Items) != 3 {
		t.Fatalf("first batch = %+v, want 3 created", res)
	}
	for i, r := range res.Items {
		if r.Outcome != store.BatchCreated || r.Version != 1 {
			t.Errorf("item %d = %+v, want CREATED at version 1", i, r)
		}
	}
	p := f.project(t, "imp-prj")
	if p.ForumID != "imp-fks" || p.KelurahanCode != waleCode || p.Version != 1 {
		t.Errorf("project = %+v, want forum imp-fks, kelurahan %s, version 1", p, waleCode)
	}
	if _, err := f.s.Forum(f.ctx, "imp-fks"); err != nil {
		t.Errorf("Forum(imp-fks): %v", err)
	}
	if a, err := f.s.Activity(f.ctx, "imp-act"); err != nil || a.KelurahanCode != waleCode {
		t.Errorf("Activity(imp-act) = %+v, %v", a, err)
	}
	entries := f.audit(t, domain.AuditFilter{})
	if len(entries) != 1 {
		t.Fatalf("%d audit entries, want 1 for the batch", len(entries))
	}
	e := entries[0]
	if e.Operation != domain.OpImport || e.RecordType != domain.RecordBatch || e.RecordID != batchSHA ||
		e.TokenID != editor.TokenID || e.ActorName != editor.Name || e.ID != res.AuditID {
		t.Errorf("audit entry = %+v, want IMPORT BATCH %s by editor, id %d", e, batchSHA, res.AuditID)
	}
	var counts struct {
		Source, SHA256              string
		Created, Updated, Unchanged int
	}
	if err := json.Unmarshal(e.After, &counts); err != nil || counts.Source != "proyek.xlsx" || counts.SHA256 != batchSHA ||
		counts.Created != 3 {
		t.Errorf("audit after = %s (%v), want the source, sha256 and counts", e.After, err)
	}
	cs := f.changes(t, 0)
	if len(cs) != 3 {
		t.Fatalf("%d changes, want 3: %+v", len(cs), cs)
	}
	for i, c := range cs {
		if c.Operation != domain.OpCreate || c.Version != 1 || c.OldBound != nil || c.NewBound == nil {
			t.Errorf("change %d = %+v, want a CREATE at version 1 with a new bound only", i, c)
		}
	}
	if cs[1].RecordType != domain.RecordProject || *cs[1].NewBound != waleLine().Bound() {
		t.Errorf("change 1 = %+v, want the project with its line's bound", cs[1])
	}

	// The same again: nothing differs, nothing is written but the audit entry.
	latest := f.latest(t)
	res, err = f.fs.ApplyBatch(f.ctx, editor, store.BatchMeta{Source: "proyek.xlsx"}, batchItems("imp"))
	if err != nil {
		t.Fatalf("second ApplyBatch: %v", err)
	}
	if res.Unchanged != 3 || res.Created+res.Updated != 0 {
		t.Errorf("second batch = %+v, want 3 unchanged", res)
	}
	if p := f.project(t, "imp-prj"); p.Version != 1 {
		t.Errorf("an unchanged project went to version %d", p.Version)
	}
	if got := f.changes(t, latest); len(got) != 0 {
		t.Errorf("an unchanged batch added changes %+v", got)
	}
	if n := len(f.audit(t, domain.AuditFilter{})); n != 2 {
		t.Errorf("%d audit entries after two batches, want 2", n)
	}
	if e := f.audit(t, domain.AuditFilter{})[0]; e.RecordID != "proyek.xlsx" {
		t.Errorf("a batch without sha256 is audited under %q, want its source", e.RecordID)
	}

	// One field differs: that record only goes to version 2.
	items = batchItems("imp")
	items[1].Project.BudgetRupiah++
	res, err = f.fs.ApplyBatch(f.ctx, editor, store.BatchMeta{Source: "proyek.xlsx"}, items)
	if err != nil {
		t.Fatalf("third ApplyBatch: %v", err)
	}
	if res.Updated != 1 || res.Unchanged != 2 || res.Items[1].Outcome != store.BatchUpdated || res.Items[1].Version != 2 {
		t.Errorf("third batch = %+v, want the project updated to version 2", res)
	}
	if p := f.project(t, "imp-prj"); p.Version != 2 || p.BudgetRupiah != items[1].Project.BudgetRupiah {
		t.Errorf("project after the update = %+v", p)
	}
	got := f.changes(t, latest)
	if len(got) != 1 || got[0].Operation != domain.OpUpdate || got[0].RecordID != "imp-prj" || got[0].Version != 2 ||
		got[0].OldBound == nil || got[0].NewBound == nil {
		t.Errorf("changes of the update = %+v", got)
	}

	// A batch may update a stored record of the sample data by its id.
	sample := f.project(t, f.ds.Projects[0].ID)
	in := inputOf(sample)
	in.ID, in.Title = sample.ID, sample.Title+" (diperbarui)"
	res, err = f.fs.ApplyBatch(f.ctx, admin, store.BatchMeta{}, []store.BatchItem{{Project: &in}})
	if err != nil || res.Updated != 1 {
		t.Fatalf("batch update of %s = %+v, %v", sample.ID, res, err)
	}
	if p := f.project(t, sample.ID); p.Title != in.Title || p.Version != sample.Version+1 {
		t.Errorf("project %s = %q v%d, want %q v%d", sample.ID, p.Title, p.Version, in.Title, sample.Version+1)
	}
}

// testBatchFailures: every failure of every item is listed with its index
// and field, and nothing is written.
func testBatchFailures(t *testing.T, f *fsuite) {
	before := f.state(t)
	latest := f.latest(t)
	items := batchItems("bad")
	items[1].Project.Title = ""
	items[1].Project.Year = 2014
	outside := activityInput()
	outside.ID, outside.Location = "bad-act-2", &orb.Point{120, -5}
	noID := projectInput()
	dup := *items[2].Activity
	items = append(items, store.BatchItem{Activity: &outside}, store.BatchItem{Project: &noID},
		store.BatchItem{}, store.BatchItem{Activity: &dup})
	_, err := f.fs.ApplyBatch(f.ctx, editor, store.BatchMeta{Source: "x.csv"}, items)
	var be *store.BatchError
	if !errors.As(err, &be) {
		t.Fatalf("ApplyBatch = %v, want a *store.BatchError", err)
	}
	if domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("code %q, want EINVALID", domain.ErrorCode(err))
	}
	type fail struct {
		index int
		field string
	}
	var got []fail
	for _, fl := range be.Failures {
		got = append(got, fail{fl.Index, fl.Err.Field})
	}
	want := []fail{{1, "title"}, {1, "year"}, {3, "location"}, {4, "id"}, {5, ""}, {6, "id"}}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("failures %v lack item %d field %q", got, w.index, w.field)
		}
	}
	if len(got) != len(want) {
		t.Errorf("failures = %v, want %v", got, want)
	}
	wantInvalid(t, err, "items[1].title")
	wantInvalid(t, err, "items[3].location")
	if after := f.state(t); after != before {
		t.Errorf("a refused batch changed the store: %+v, was %+v", after, before)
	}
	if _, err := f.s.Forum(f.ctx, "bad-fks"); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("the valid forum of a refused batch was written (%v)", err)
	}
	if got := f.latest(t); got != latest {
		t.Errorf("a refused batch moved the feed from %d to %d", latest, got)
	}

	// A project of a forum that neither exists nor is in the batch.
	p := projectInput()
	p.ID, p.ForumID = "bad-prj-2", "fks-nowhere"
	_, err = f.fs.ApplyBatch(f.ctx, editor, store.BatchMeta{}, []store.BatchItem{{Project: &p}})
	wantInvalid(t, err, "items[0].forumId")

	// A forum formed after the year of a project of it in the same batch.
	items = batchItems("late")
	items[0].Forum.YearFormed = 2025
	_, err = f.fs.ApplyBatch(f.ctx, editor, store.BatchMeta{}, items)
	wantInvalid(t, err, "items[1].year")

	_, err = f.fs.ApplyBatch(f.ctx, editor, store.BatchMeta{SHA256: "ABC"}, nil)
	wantInvalid(t, err, "sha256")
}

func testBatchDryRun(t *testing.T, f *fsuite) {
	before := f.state(t)
	res, err := f.fs.ApplyBatch(f.ctx, editor, store.BatchMeta{Source: "dry.xlsx", DryRun: true}, batchItems("dry"))
	if err != nil {
		t.Fatalf("dry ApplyBatch: %v", err)
	}
	if res.Created != 3 || res.AuditID != 0 {
		t.Errorf("dry batch = %+v, want 3 created and no audit entry", res)
	}
	if after := f.state(t); after != before {
		t.Errorf("a dry run changed the store: %+v, was %+v", after, before)
	}
	if got := f.latest(t); got != 0 {
		t.Errorf("a dry run wrote changes up to %d", got)
	}
	items := batchItems("dry")
	items[1].Project.Title = ""
	_, err = f.fs.ApplyBatch(f.ctx, editor, store.BatchMeta{DryRun: true}, items)
	wantInvalid(t, err, "items[1].title")
}

func testBatchAuthorization(t *testing.T, f *fsuite) {
	_, err := f.fs.ApplyBatch(f.ctx, viewer, store.BatchMeta{}, batchItems("auth"))
	wantCode(t, err, domain.EFORBIDDEN)
	_, err = f.fs.ApplyBatch(f.ctx, domain.Actor{}, store.BatchMeta{}, batchItems("auth"))
	wantCode(t, err, domain.EUNAUTHENTICATED)
	if _, err := f.s.Forum(f.ctx, "auth-fks"); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("a refused batch wrote its forum (%v)", err)
	}
}

// testFeedOfWrites: every single-record write appends one change in the
// same transaction, with the bounds before and after; a refused one none.
func testFeedOfWrites(t *testing.T, f *fsuite) {
	p := f.createProject(t, projectInput())
	in := inputOf(p)
	in.Geometry = orb.Point{walePoint[0] + 0.0005, walePoint[1]}
	p2, err := f.s.UpdateProject(f.ctx, editor, p.ID, 1, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.UpdateProject(f.ctx, editor, p.ID, 1, in); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("stale update: %v", err)
	}
	if _, err := f.s.DeleteProject(f.ctx, editor, p.ID, p2.Version); err != nil {
		t.Fatal(err)
	}
	fo, err := f.s.Forum(f.ctx, waleForum)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.ArchiveForum(f.ctx, editor, waleForum, fo.Version); err != nil {
		t.Fatal(err)
	}
	a, err := f.s.CreateActivity(f.ctx, editor, activityInput())
	if err != nil {
		t.Fatal(err)
	}
	cs := f.changes(t, 0)
	pb, p2b := p.Geometry.Bound(), p2.Geometry.Bound()
	wale := mustKelurahan(t, &suite{s: f.s, ds: f.ds, ctx: f.ctx}, waleCode).Geometry.Bound()
	type want struct {
		rt      domain.RecordType
		id      string
		op      domain.AuditOperation
		version int
		old     *orb.Bound
		new     *orb.Bound
	}
	forumBound := fo.Secretariat.Bound()
	for _, c := range fo.KelurahanCodes {
		forumBound = forumBound.Union(mustKelurahan(t, &suite{s: f.s, ds: f.ds, ctx: f.ctx}, c).Geometry.Bound())
	}
	if !forumBound.Contains(wale.Min) || !forumBound.Contains(wale.Max) {
		t.Fatalf("test data: forum %s does not serve Wale", waleForum)
	}
	ab := a.Location.Bound()
	wants := []want{
		{domain.RecordProject, p.ID, domain.OpCreate, 1, nil, &pb},
		{domain.RecordProject, p.ID, domain.OpUpdate, 2, &pb, &p2b},
		{domain.RecordProject, p.ID, domain.OpDelete, 2, &p2b, nil},
		{domain.RecordForum, waleForum, domain.OpArchive, fo.Version + 1, &forumBound, &forumBound},
		{domain.RecordActivity, a.ID, domain.OpCreate, 1, nil, &ab},
	}
	if len(cs) != len(wants) {
		t.Fatalf("%d changes, want %d: %+v", len(cs), len(wants), cs)
	}
	sameBound := func(a, b *orb.Bound) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
	for i, w := range wants {
		c := cs[i]
		if c.RecordType != w.rt || c.RecordID != w.id || c.Operation != w.op || c.Version != w.version ||
			!sameBound(c.OldBound, w.old) || !sameBound(c.NewBound, w.new) {
			t.Errorf("change %d = %+v (old %v new %v), want %+v (old %v new %v)", i, c, c.OldBound, c.NewBound, w, w.old, w.new)
		}
		if i > 0 && c.Seq <= cs[i-1].Seq {
			t.Errorf("change %d has seq %d after %d", i, c.Seq, cs[i-1].Seq)
		}
		if c.At.IsZero() || c.At.Location() != time.UTC || time.Since(c.At) > time.Minute {
			t.Errorf("change %d at %v, want a recent UTC time", i, c.At)
		}
	}
}

func testFeedReads(t *testing.T, f *fsuite) {
	page, err := f.fs.Changes(f.ctx, 0, 10)
	if err != nil || len(page.Changes) != 0 || page.Latest != 0 || page.Oldest != 0 {
		t.Errorf("empty feed = %+v, %v", page, err)
	}
	for i := range 5 {
		in := projectInput()
		in.Title = fmt.Sprintf("Tugu %d", i)
		f.createProject(t, in)
	}
	all := f.changes(t, 0)
	if len(all) != 5 {
		t.Fatalf("%d changes, want 5", len(all))
	}
	page, err = f.fs.Changes(f.ctx, all[1].Seq, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Changes) != 2 || page.Changes[0].Seq != all[2].Seq || page.Changes[1].Seq != all[3].Seq {
		t.Errorf("Changes(after the second, 2) = %+v, want the third and fourth", page.Changes)
	}
	if page.Latest != all[4].Seq || page.Oldest != all[0].Seq || page.Missed(all[0].Seq-1) {
		t.Errorf("page bounds = oldest %d latest %d, want %d and %d", page.Oldest, page.Latest, all[0].Seq, all[4].Seq)
	}
	page, err = f.fs.Changes(f.ctx, all[4].Seq, 10)
	if err != nil || len(page.Changes) != 0 || page.Latest != all[4].Seq {
		t.Errorf("Changes(after the last) = %+v, %v", page, err)
	}
	page, err = f.fs.Changes(f.ctx, 0, 0)
	if err != nil || len(page.Changes) != 0 || page.Latest != all[4].Seq {
		t.Errorf("Changes(limit 0) = %+v, %v, want no changes and the latest", page, err)
	}
	_, err = f.fs.Changes(f.ctx, -1, 10)
	wantInvalid(t, err, "since")
	_, err = f.fs.Changes(f.ctx, 0, store.MaxChangesPage+1)
	wantInvalid(t, err, "limit")
}

func testFeedListen(t *testing.T, f *fsuite) {
	ctx, cancel := context.WithCancel(f.ctx)
	wake := f.fs.Listen(ctx)
	// LISTEN takes a moment to be in place on PostGIS; a write made before
	// it may go unheard, so write until a wake-up comes.
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	f.createProject(t, projectInput())
wait:
	for {
		select {
		case <-wake:
			break wait
		case <-tick.C:
			f.createProject(t, projectInput())
		case <-deadline:
			t.Fatal("no wake-up within 10 s of writes")
		}
	}
	cancel()
	select {
	case _, ok := <-wake:
		for ok {
			_, ok = <-wake
		}
	case <-time.After(5 * time.Second):
		t.Error("Listen's channel is not closed 5 s after its context ended")
	}
}

// RetentionWindow is the change retention a store given to
// RunRetentionTest must have been configured with.
const RetentionWindow = 50 * time.Millisecond

// RunRetentionTest checks that a store configured to keep changes for
// RetentionWindow drops older ones at the next write, and that a reader
// learns it missed them.
func RunRetentionTest(t *testing.T, s store.FlowStore) {
	ctx := context.Background()
	first, err := s.CreateProject(ctx, editor, projectInput())
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(4 * RetentionWindow)
	second, err := s.CreateProject(ctx, editor, projectInput())
	if err != nil {
		t.Fatal(err)
	}
	page, err := s.Changes(ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Changes) != 1 || page.Changes[0].RecordID != second.ID {
		t.Fatalf("feed after retention = %+v, want only the change of %s (not %s)", page.Changes, second.ID, first.ID)
	}
	if page.Oldest != page.Changes[0].Seq || page.Latest != page.Oldest || !page.Missed(0) {
		t.Errorf("page = oldest %d latest %d, missed(0) %v: want both at the second change, and missed",
			page.Oldest, page.Latest, page.Missed(0))
	}
}
