package storetest

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// testLifecycle creates, updates and deletes one record of each type and
// reads each state back.
func testLifecycle(t *testing.T, w *wsuite) {
	t.Run("project", func(t *testing.T) {
		in := projectInput()
		in.ID = "prj-lifecycle"
		p := w.createProject(t, in)
		if p.ID != "prj-lifecycle" || p.Version != 1 || p.KelurahanCode != waleCode {
			t.Fatalf("created %+v", p)
		}
		checkProject(t, p, w.project(t, p.ID))

		// Without an id the store chooses one.
		in.ID = ""
		if q := w.createProject(t, in); !strings.HasPrefix(q.ID, store.ProjectIDPrefix) || q.ID == p.ID {
			t.Errorf("chosen id %q", q.ID)
		}

		up := inputOf(p)
		up.Title, up.Kind, up.Geometry, up.Status = "Jalan setapak Wale", domain.VillageRoad, waleLine(), domain.ProjectCompleted
		// A clockwise field comes back counter-clockwise (RFC 7946).
		u, err := w.s.UpdateProject(w.ctx, editor, p.ID, 1, up)
		if err != nil {
			t.Fatal(err)
		}
		if u.Version != 2 || u.Title != up.Title || u.Kind != domain.VillageRoad {
			t.Errorf("updated %+v", u)
		}
		checkProject(t, u, w.project(t, p.ID))

		cw := waleSquare()
		slices.Reverse(cw[0])
		up.Kind, up.Geometry = domain.SportsField, cw
		u, err = w.s.UpdateProject(w.ctx, editor, p.ID, 2, up)
		if err != nil {
			t.Fatal(err)
		}
		if got := w.project(t, p.ID); !orb.Equal(got.Geometry, waleSquare()) || !orb.Equal(u.Geometry, waleSquare()) {
			t.Errorf("field stored as %v, returned as %v; want the counter-clockwise %v", got.Geometry, u.Geometry, waleSquare())
		}

		up.ID = "prj-other"
		_, err = w.s.UpdateProject(w.ctx, editor, p.ID, 3, up)
		wantInvalid(t, err, "id")

		d, err := w.s.DeleteProject(w.ctx, editor, p.ID, 3)
		if err != nil || d.ID != p.ID || d.Version != 3 {
			t.Fatalf("DeleteProject: %+v, %v", d, err)
		}
		_, err = w.s.Project(w.ctx, p.ID)
		wantCode(t, err, domain.ENOTFOUND)
		_, err = w.s.DeleteProject(w.ctx, editor, p.ID, 3)
		wantCode(t, err, domain.ENOTFOUND)
		_, err = w.s.UpdateProject(w.ctx, editor, p.ID, 3, up)
		wantCode(t, err, domain.ENOTFOUND)

		// The id is free again.
		in.ID = "prj-lifecycle"
		if again := w.createProject(t, in); again.Version != 1 {
			t.Errorf("re-created at version %d", again.Version)
		}
		_, err = w.s.CreateProject(w.ctx, editor, in)
		wantCode(t, err, domain.ECONFLICT)
	})

	t.Run("forum", func(t *testing.T) {
		f, err := w.s.CreateForum(w.ctx, editor, forumInput())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(f.ID, store.ForumIDPrefix) || f.Version != 1 {
			t.Errorf("created %+v", f)
		}
		got, err := w.s.Forum(w.ctx, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		checkForum(t, f, got)
		in := forumInputOf(f)
		in.MemberCount = 30
		u, err := w.s.UpdateForum(w.ctx, editor, f.ID, 1, in)
		if err != nil || u.Version != 2 || u.MemberCount != 30 {
			t.Fatalf("UpdateForum: %+v, %v", u, err)
		}
		a, err := w.s.ArchiveForum(w.ctx, editor, f.ID, 2)
		if err != nil || a.Version != 3 || a.Status != domain.ForumInactive || a.MemberCount != 30 {
			t.Fatalf("ArchiveForum: %+v, %v", a, err)
		}
		got, _ = w.s.Forum(w.ctx, f.ID)
		checkForum(t, a, got)
		if got.Version != 3 {
			t.Errorf("version %d, want 3", got.Version)
		}
		_, err = w.s.ArchiveForum(w.ctx, editor, "fks-nowhere", 1)
		wantCode(t, err, domain.ENOTFOUND)
		dup := forumInput()
		dup.ID = waleForum
		_, err = w.s.CreateForum(w.ctx, editor, dup)
		wantCode(t, err, domain.ECONFLICT)
	})

	t.Run("activity", func(t *testing.T) {
		a, err := w.s.CreateActivity(w.ctx, editor, activityInput())
		if err != nil {
			t.Fatal(err)
		}
		got, err := w.s.Activity(w.ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		checkActivity(t, a, got)
		in := activityInputOf(a)
		in.Location, in.KelurahanCode, in.Participants = nil, "", 55
		u, err := w.s.UpdateActivity(w.ctx, editor, a.ID, 1, in)
		wale, _ := w.ds.Forum(waleForum)
		if err != nil || u.Version != 2 || u.Location != nil || u.KelurahanCode != wale.KelurahanCodes[0] || u.Participants != 55 {
			t.Fatalf("UpdateActivity: %+v, %v", u, err)
		}
		got, _ = w.s.Activity(w.ctx, a.ID)
		checkActivity(t, u, got)
		if _, err := w.s.DeleteActivity(w.ctx, editor, a.ID, 2); err != nil {
			t.Fatal(err)
		}
		_, err = w.s.Activity(w.ctx, a.ID)
		wantCode(t, err, domain.ENOTFOUND)
	})

	t.Run("returned records are copies", func(t *testing.T) {
		in := projectInput()
		in.Kind, in.Geometry = domain.VillageRoad, waleLine()
		p := w.createProject(t, in)
		p.Geometry.(orb.LineString)[0] = orb.Point{1, 1}
		in.Geometry.(orb.LineString)[1] = orb.Point{2, 2}
		if got := w.project(t, p.ID); !orb.Equal(got.Geometry, waleLine()) {
			t.Errorf("stored geometry changed to %v", got.Geometry)
		}
	})
}

// testConflicts: a stale version changes nothing and records nothing.
func testConflicts(t *testing.T, w *wsuite) {
	p := w.createProject(t, projectInput())
	up := inputOf(p)
	up.BudgetRupiah = 1
	if _, err := w.s.UpdateProject(w.ctx, editor, p.ID, 1, up); err != nil {
		t.Fatal(err)
	}
	f, err := w.s.Forum(w.ctx, waleForum)
	if err != nil {
		t.Fatal(err)
	}
	a, err := w.s.CreateActivity(w.ctx, editor, activityInput())
	if err != nil {
		t.Fatal(err)
	}
	before := w.state(t)
	stale := []struct {
		name string
		call func() error
	}{
		{"update project", func() error { _, err := w.s.UpdateProject(w.ctx, editor, p.ID, 1, inputOf(p)); return err }},
		{"update project, future version", func() error { _, err := w.s.UpdateProject(w.ctx, editor, p.ID, 3, inputOf(p)); return err }},
		{"delete project", func() error { _, err := w.s.DeleteProject(w.ctx, editor, p.ID, 1); return err }},
		{"update forum", func() error { _, err := w.s.UpdateForum(w.ctx, editor, f.ID, 0, forumInputOf(f)); return err }},
		{"archive forum", func() error { _, err := w.s.ArchiveForum(w.ctx, editor, f.ID, 2); return err }},
		{"update activity", func() error {
			_, err := w.s.UpdateActivity(w.ctx, editor, a.ID, 2, activityInputOf(a))
			return err
		}},
		{"delete activity", func() error { _, err := w.s.DeleteActivity(w.ctx, editor, a.ID, 0); return err }},
		// A stale version wins over bad input: the caller must reload first.
		{"stale and invalid", func() error {
			bad := inputOf(p)
			bad.Title = ""
			_, err := w.s.UpdateProject(w.ctx, editor, p.ID, 1, bad)
			return err
		}},
	}
	for _, tc := range stale {
		t.Run(tc.name, func(t *testing.T) { wantCode(t, tc.call(), domain.ECONFLICT) })
	}
	if after := w.state(t); after != before {
		t.Errorf("after the stale writes: %+v, want %+v", after, before)
	}
	if got := w.project(t, p.ID); got.Version != 2 || got.BudgetRupiah != 1 {
		t.Errorf("project after the stale writes: version %d budget %d", got.Version, got.BudgetRupiah)
	}
	if got, _ := w.s.Forum(w.ctx, f.ID); got.Version != 1 || got.Status != f.Status {
		t.Errorf("forum after the stale writes: %+v", got)
	}
}

// testAudit: one entry per successful mutation, with who, what, when and
// the record before and after, as the reads show it.
func testAudit(t *testing.T, w *wsuite) {
	if got := w.audit(t, domain.AuditFilter{}); len(got) != 0 {
		t.Fatalf("a new store has %d audit entries", len(got))
	}
	other := domain.Actor{TokenID: "tokother", Name: "other editor", Role: domain.RoleEditor}
	start := time.Now().Add(-time.Second)

	p := w.createProject(t, projectInput())
	created := w.project(t, p.ID)
	// Entries a millisecond apart, so that the time filters below can
	// split them.
	time.Sleep(2 * time.Millisecond)
	up := inputOf(p)
	up.Beneficiaries = 999
	u, err := w.s.UpdateProject(w.ctx, other, p.ID, 1, up)
	if err != nil {
		t.Fatal(err)
	}
	updated := w.project(t, p.ID)
	// Refused writes leave no entry.
	_, _ = w.s.UpdateProject(w.ctx, other, p.ID, 1, up)
	bad := up
	bad.Year = 1999
	_, _ = w.s.UpdateProject(w.ctx, other, p.ID, 2, bad)
	_, _ = w.s.CreateProject(w.ctx, editor, bad)
	time.Sleep(2 * time.Millisecond)
	if _, err := w.s.DeleteProject(w.ctx, editor, p.ID, u.Version); err != nil {
		t.Fatal(err)
	}
	f, err := w.s.ArchiveForum(w.ctx, admin, waleForum, 1)
	if err != nil {
		t.Fatal(err)
	}
	end := time.Now().Add(time.Second)

	all := w.audit(t, domain.AuditFilter{})
	if len(all) != 4 {
		t.Fatalf("%d audit entries, want 4: %+v", len(all), all)
	}
	type want struct {
		actor         domain.Actor
		op            domain.AuditOperation
		rt            domain.RecordType
		id            string
		before, after any
	}
	wale := w.ds.Forums[slices.IndexFunc(w.ds.Forums, func(f domain.Forum) bool { return f.ID == waleForum })]
	wale.Version = 1
	wants := []want{ // newest first
		{admin, domain.OpArchive, domain.RecordForum, waleForum, wale, f},
		{editor, domain.OpDelete, domain.RecordProject, p.ID, updated, nil},
		{other, domain.OpUpdate, domain.RecordProject, p.ID, created, updated},
		{editor, domain.OpCreate, domain.RecordProject, p.ID, nil, created},
	}
	for i, wn := range wants {
		e := all[i]
		if e.TokenID != wn.actor.TokenID || e.ActorName != wn.actor.Name || e.Operation != wn.op ||
			e.RecordType != wn.rt || e.RecordID != wn.id {
			t.Errorf("entry %d: %s %s %s %s by %s/%s; want %s %s %s by %s", i, e.Operation, e.RecordType, e.RecordID,
				e.At, e.TokenID, e.ActorName, wn.op, wn.rt, wn.id, wn.actor.Name)
		}
		if e.At.Before(start) || e.At.After(end) {
			t.Errorf("entry %d at %s, outside %s..%s", i, e.At, start, end)
		}
		if i > 0 && (e.ID >= all[i-1].ID || e.At.After(all[i-1].At)) {
			t.Errorf("entry %d (id %d at %s) is not older than entry %d (id %d at %s)", i, e.ID, e.At, i-1, all[i-1].ID, all[i-1].At)
		}
		checkJSON := func(name string, got []byte, rec any) {
			if rec == nil {
				if got != nil {
					t.Errorf("entry %d: %s = %s, want none", i, name, got)
				}
				return
			}
			if exp := mustJSON(t, rec); !sameJSON(got, exp) {
				t.Errorf("entry %d: %s\n got %s\nwant %s", i, name, got, exp)
			}
		}
		checkJSON("before", e.Before, wn.before)
		checkJSON("after", e.After, wn.after)
	}

	filters := []struct {
		name string
		f    domain.AuditFilter
		want []int // indexes into all
	}{
		{"by record type", domain.AuditFilter{RecordType: domain.RecordProject}, []int{1, 2, 3}},
		{"by record", domain.AuditFilter{RecordType: domain.RecordForum, RecordID: waleForum}, []int{0}},
		{"by record id alone", domain.AuditFilter{RecordID: p.ID}, []int{1, 2, 3}},
		{"by token", domain.AuditFilter{TokenID: other.TokenID}, []int{2}},
		{"from the update on", domain.AuditFilter{From: &all[2].At}, []int{0, 1, 2}},
		{"until before the update", domain.AuditFilter{To: &all[2].At}, []int{3}},
		{"nothing", domain.AuditFilter{RecordID: "nothing"}, nil},
		{"token of nothing", domain.AuditFilter{TokenID: "tokviewer", RecordType: domain.RecordToken}, nil},
	}
	for _, tc := range filters {
		t.Run(tc.name, func(t *testing.T) {
			got := w.audit(t, tc.f)
			var ids, wantIDs []int64
			for _, e := range got {
				ids = append(ids, e.ID)
			}
			for _, i := range tc.want {
				wantIDs = append(wantIDs, all[i].ID)
			}
			if !slices.Equal(ids, wantIDs) {
				t.Errorf("ids %v, want %v", ids, wantIDs)
			}
		})
	}
	t.Run("pages", func(t *testing.T) {
		page, err := w.s.AuditLog(w.ctx, domain.AuditFilter{}, domain.Page{Offset: 1, Limit: 2})
		if err != nil || page.TotalCount != 4 || len(page.Items) != 2 || page.Items[0].ID != all[1].ID || page.Items[1].ID != all[2].ID {
			t.Errorf("offset 1 limit 2: %d items of %d, %v", len(page.Items), page.TotalCount, err)
		}
		page, err = w.s.AuditLog(w.ctx, domain.AuditFilter{}, domain.Page{Offset: 10, Limit: 2})
		if err != nil || page.TotalCount != 4 || len(page.Items) != 0 {
			t.Errorf("past the end: %d items of %d, %v", len(page.Items), page.TotalCount, err)
		}
	})
	t.Run("bad filters", func(t *testing.T) {
		_, err := w.s.AuditLog(w.ctx, domain.AuditFilter{RecordType: "CAT"}, domain.Page{Limit: 1})
		wantCode(t, err, domain.EINVALID)
		_, err = w.s.AuditLog(w.ctx, domain.AuditFilter{From: &end, To: &start}, domain.Page{Limit: 1})
		wantCode(t, err, domain.EINVALID)
		_, err = w.s.AuditLog(w.ctx, domain.AuditFilter{}, domain.Page{Limit: store.MaxPageSize + 1})
		wantCode(t, err, domain.EINVALID)
	})
	t.Run("entries are copies", func(t *testing.T) {
		got := w.audit(t, domain.AuditFilter{})
		got[0].After[0] = 'x'
		if again := w.audit(t, domain.AuditFilter{}); again[0].After[0] != '{' {
			t.Errorf("stored entry changed: %s", again[0].After)
		}
	})
}

// testAuthorization: mutations check the actor's role.
func testAuthorization(t *testing.T, w *wsuite) {
	before := w.state(t)
	p, err := w.s.Project(w.ctx, w.ds.Projects[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	calls := []struct {
		name  string
		actor domain.Actor
		call  func(a domain.Actor) error
		want  string
	}{
		{"no actor creates", domain.Actor{}, func(a domain.Actor) error { _, err := w.s.CreateProject(w.ctx, a, projectInput()); return err }, domain.EUNAUTHENTICATED},
		{"viewer creates", viewer, func(a domain.Actor) error { _, err := w.s.CreateProject(w.ctx, a, projectInput()); return err }, domain.EFORBIDDEN},
		{"viewer updates", viewer, func(a domain.Actor) error {
			_, err := w.s.UpdateProject(w.ctx, a, p.ID, p.Version, inputOf(p))
			return err
		}, domain.EFORBIDDEN},
		{"viewer deletes", viewer, func(a domain.Actor) error { _, err := w.s.DeleteProject(w.ctx, a, p.ID, p.Version); return err }, domain.EFORBIDDEN},
		{"viewer archives", viewer, func(a domain.Actor) error { _, err := w.s.ArchiveForum(w.ctx, a, waleForum, 1); return err }, domain.EFORBIDDEN},
		{"viewer records", viewer, func(a domain.Actor) error { _, err := w.s.CreateActivity(w.ctx, a, activityInput()); return err }, domain.EFORBIDDEN},
		{"unknown role", domain.Actor{Name: "x", Role: "ROOT"}, func(a domain.Actor) error { _, err := w.s.CreateForum(w.ctx, a, forumInput()); return err }, domain.EFORBIDDEN},
		{"editor makes a token", editor, func(a domain.Actor) error {
			_, _, err := w.s.CreateToken(w.ctx, a, "x", domain.RoleViewer)
			return err
		}, domain.EFORBIDDEN},
		{"editor revokes a token", editor, func(a domain.Actor) error { _, err := w.s.RevokeToken(w.ctx, a, "tokabc"); return err }, domain.EFORBIDDEN},
		{"admin may edit", admin, func(a domain.Actor) error {
			_, err := w.s.UpdateProject(w.ctx, a, p.ID, p.Version, inputOf(p))
			return err
		}, ""},
	}
	for _, tc := range calls {
		t.Run(tc.name, func(t *testing.T) { wantCode(t, tc.call(tc.actor), tc.want) })
	}
	want := before
	want.audit++
	if after := w.state(t); after != want {
		t.Errorf("after: %+v, want %+v (the admin's update only)", after, want)
	}
}

// testTokens: create, authenticate, list, revoke.
func testTokens(t *testing.T, w *wsuite) {
	tok, plain, err := w.s.CreateToken(w.ctx, admin, "Dinas Sosial GIS", domain.RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	if tok.ID == "" || tok.Name != "Dinas Sosial GIS" || tok.Role != domain.RoleEditor || tok.CreatedBy != admin.Name ||
		tok.RevokedAt != nil || time.Since(tok.CreatedAt) > time.Minute {
		t.Errorf("created %+v", tok)
	}
	if strings.Contains(plain, "Dinas") || len(plain) < 64 {
		t.Errorf("plaintext %q", plain)
	}
	viewerTok, viewerPlain, err := w.s.CreateToken(w.ctx, admin, "peta publik", domain.RoleViewer)
	if err != nil {
		t.Fatal(err)
	}
	if viewerPlain == plain || viewerTok.ID == tok.ID {
		t.Fatal("two tokens are the same")
	}

	actor, err := w.s.AuthenticateToken(w.ctx, plain)
	if err != nil || actor != (domain.Actor{TokenID: tok.ID, Name: tok.Name, Role: domain.RoleEditor}) {
		t.Errorf("AuthenticateToken: %+v, %v", actor, err)
	}
	// The actor a token gives can write, and is recorded.
	if _, err := w.s.CreateProject(w.ctx, actor, projectInput()); err != nil {
		t.Errorf("writing as the token: %v", err)
	}
	if got := w.audit(t, domain.AuditFilter{TokenID: tok.ID}); len(got) != 1 || got[0].ActorName != tok.Name {
		t.Errorf("audit of the token: %+v", got)
	}

	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == '0' {
			b[i] = '1'
		} else {
			b[i] = '0'
		}
		return string(b)
	}
	for name, bad := range map[string]string{
		"empty":                "",
		"garbage":              "hello",
		"last character wrong": flip(plain, len(plain)-1),
		"a middle character":   flip(plain, len(plain)-20),
		"another token's id":   plain[:len(plain)-64] + viewerPlain[len(viewerPlain)-64:],
		"with Bearer":          "Bearer " + plain,
		"with a newline":       plain + "\n",
		"upper case":           strings.ToUpper(plain),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := w.s.AuthenticateToken(w.ctx, bad)
			wantCode(t, err, domain.EUNAUTHENTICATED)
		})
	}

	list, err := w.s.ListTokens(w.ctx)
	if err != nil || len(list) != 2 || list[0].ID != tok.ID || list[1].ID != viewerTok.ID {
		t.Errorf("ListTokens: %+v, %v", list, err)
	}

	_, _, err = w.s.CreateToken(w.ctx, admin, "", domain.RoleViewer)
	wantInvalid(t, err, "name")
	_, _, err = w.s.CreateToken(w.ctx, admin, "x", "ROOT")
	wantInvalid(t, err, "role")

	r, err := w.s.RevokeToken(w.ctx, admin, tok.ID)
	if err != nil || r.RevokedAt == nil || r.ID != tok.ID {
		t.Fatalf("RevokeToken: %+v, %v", r, err)
	}
	_, err = w.s.AuthenticateToken(w.ctx, plain)
	wantCode(t, err, domain.EUNAUTHENTICATED)
	if _, err := w.s.AuthenticateToken(w.ctx, viewerPlain); err != nil {
		t.Errorf("the other token: %v", err)
	}
	n := len(w.audit(t, domain.AuditFilter{RecordType: domain.RecordToken}))
	if r2, err := w.s.RevokeToken(w.ctx, admin, tok.ID); err != nil || r2.RevokedAt == nil || !r2.RevokedAt.Equal(*r.RevokedAt) {
		t.Errorf("revoking again: %+v, %v", r2, err)
	}
	if again := len(w.audit(t, domain.AuditFilter{RecordType: domain.RecordToken})); again != n {
		t.Errorf("revoking again recorded %d entries", again-n)
	}
	_, err = w.s.RevokeToken(w.ctx, admin, "toknothing")
	wantCode(t, err, domain.ENOTFOUND)

	entries := w.audit(t, domain.AuditFilter{RecordType: domain.RecordToken})
	if len(entries) != 3 || entries[0].Operation != domain.OpRevoke || entries[2].Operation != domain.OpCreate {
		t.Fatalf("token audit: %+v", entries)
	}
	for _, e := range entries {
		for _, secret := range []string{plain, plain[len(plain)-64:], viewerPlain[len(viewerPlain)-64:]} {
			if strings.Contains(string(e.Before)+string(e.After), secret) {
				t.Errorf("audit entry %d holds a token secret", e.ID)
			}
		}
	}
	list, _ = w.s.ListTokens(w.ctx)
	if len(list) != 2 || list[0].RevokedAt == nil || list[1].RevokedAt != nil {
		t.Errorf("ListTokens after revoking: %+v", list)
	}
}

// testReadsSeeWrites: the indexes follow every write.
func testReadsSeeWrites(t *testing.T, w *wsuite) {
	k := w.ds.Kelurahans[len(w.ds.Kelurahans)/2]
	here, clear := wellInside(w.ds, k)
	if clear < 20 {
		t.Fatalf("test data: no clear point in %s", k.Code)
	}
	totals := func() domain.StatsRow {
		rows, err := w.s.ProjectStats(w.ctx, domain.ProjectFilter{}, nil)
		if err != nil || len(rows) != 1 {
			t.Fatalf("ProjectStats: %v, %v", rows, err)
		}
		return rows[0]
	}
	near := func(p orb.Point) []string {
		page, err := w.s.Projects(w.ctx, domain.ProjectFilter{Near: &domain.Near{Point: p, RadiusMeters: 5}},
			domain.ProjectOrder{}, domain.Page{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range page.Items {
			ids = append(ids, h.ID)
		}
		return ids
	}
	before := totals()

	in := projectInput()
	in.Geometry, in.ForumID, in.BudgetRupiah, in.Beneficiaries = here, "", 77_000_000, 11
	p := w.createProject(t, in)
	if p.KelurahanCode != k.Code {
		t.Fatalf("kelurahan %s, want %s", p.KelurahanCode, k.Code)
	}
	if ids := near(here); !slices.Contains(ids, p.ID) {
		t.Errorf("Projects near the new project: %v", ids)
	}
	hits, err := w.s.NearestProjects(w.ctx, here, 1, nil)
	if err != nil || len(hits) != 1 || hits[0].ID != p.ID || hits[0].DistanceMeters > 0.01 || hits[0].Version != 1 {
		t.Errorf("NearestProjects: %+v, %v", hits, err)
	}
	after := totals()
	if after.Count != before.Count+1 || after.BudgetRupiah != before.BudgetRupiah+77_000_000 || after.Beneficiaries != before.Beneficiaries+11 {
		t.Errorf("ProjectStats after creating: %+v, before %+v", after, before)
	}
	byKel, err := w.s.Projects(w.ctx, domain.ProjectFilter{KelurahanCodes: []string{k.Code}}, domain.ProjectOrder{}, domain.Page{Limit: 500})
	if err != nil || !slices.ContainsFunc(byKel.Items, func(h domain.ProjectHit) bool { return h.ID == p.ID }) {
		t.Errorf("Projects in %s: %v", k.Code, err)
	}
	if got, err := w.s.KelurahanAt(w.ctx, here); err != nil || got.Code != k.Code {
		t.Errorf("KelurahanAt: %s, %v", got.Code, err)
	}

	// Moving it to Wale moves it in every index.
	up := inputOf(p)
	up.Geometry, up.KelurahanCode = walePoint, ""
	u, err := w.s.UpdateProject(w.ctx, editor, p.ID, 1, up)
	if err != nil || u.KelurahanCode != waleCode {
		t.Fatalf("moving: %+v, %v", u, err)
	}
	if ids := near(here); slices.Contains(ids, p.ID) {
		t.Errorf("still found at its old place: %v", ids)
	}
	if ids := near(walePoint); !slices.Contains(ids, p.ID) {
		t.Errorf("not found at its new place: %v", ids)
	}
	rows, err := w.s.ProjectStats(w.ctx, domain.ProjectFilter{KelurahanCodes: []string{k.Code}}, nil)
	if err != nil || rows[0].Count != len(byKel.Items)-1 {
		t.Errorf("stats of %s after moving: %+v, %v", k.Code, rows, err)
	}

	// Deleting it removes it from every index.
	if _, err := w.s.DeleteProject(w.ctx, editor, p.ID, 2); err != nil {
		t.Fatal(err)
	}
	if ids := near(walePoint); slices.Contains(ids, p.ID) {
		t.Errorf("found after deleting: %v", ids)
	}
	if hits, _ := w.s.NearestProjects(w.ctx, walePoint, 5, nil); slices.ContainsFunc(hits, func(h domain.ProjectHit) bool { return h.ID == p.ID }) {
		t.Error("NearestProjects finds the deleted project")
	}
	if got := totals(); got != before {
		t.Errorf("ProjectStats after deleting: %+v, want %+v", got, before)
	}
	// Deleting one project leaves every other one where it was.
	for _, want := range w.ds.Projects[:5] {
		hits, err := w.s.NearestProjects(w.ctx, firstPoint(want.Geometry), 1, nil)
		if err != nil || len(hits) == 0 || hits[0].ID != want.ID || hits[0].DistanceMeters > 0.01 {
			t.Errorf("NearestProjects at %s: %+v, %v", want.ID, hits, err)
		}
	}

	t.Run("forums and HasForum", func(t *testing.T) {
		var target string
		for _, code := range expectKelurahans(w.ds, domain.KelurahanFilter{HasForum: ptr(false)}) {
			target = code
			break
		}
		kel, _ := w.ds.Kelurahan(target)
		sec, _ := wellInside(w.ds, kel)
		in := forumInput()
		in.KelurahanCodes, in.Secretariat = []string{target}, sec
		f, err := w.s.CreateForum(w.ctx, editor, in)
		if err != nil {
			t.Fatal(err)
		}
		served := func() bool {
			ks, err := w.s.Kelurahans(w.ctx, domain.KelurahanFilter{HasForum: ptr(true)})
			if err != nil {
				t.Fatal(err)
			}
			return slices.ContainsFunc(ks, func(k domain.Kelurahan) bool { return k.Code == target })
		}
		if !served() {
			t.Errorf("%s has no forum after one was formed", target)
		}
		fs, _ := w.s.Forums(w.ctx, domain.ForumFilter{KelurahanCode: target})
		if !slices.ContainsFunc(fs, func(x domain.Forum) bool { return x.ID == f.ID }) {
			t.Errorf("Forums of %s: %+v", target, fs)
		}
		if _, err := w.s.ArchiveForum(w.ctx, editor, f.ID, 1); err != nil {
			t.Fatal(err)
		}
		if served() {
			t.Errorf("%s still has an active forum after archiving", target)
		}
	})

	t.Run("activities", func(t *testing.T) {
		a, err := w.s.CreateActivity(w.ctx, editor, activityInput())
		if err != nil {
			t.Fatal(err)
		}
		page, err := w.s.Activities(w.ctx, domain.ActivityFilter{ForumID: waleForum, DateFrom: &a.Date, DateTo: &a.Date}, domain.Page{Limit: 50})
		if err != nil || !slices.ContainsFunc(page.Items, func(x domain.Activity) bool { return x.ID == a.ID && x.Version == 1 }) {
			t.Errorf("Activities: %+v, %v", page, err)
		}
		if _, err := w.s.DeleteActivity(w.ctx, editor, a.ID, 1); err != nil {
			t.Fatal(err)
		}
		page, _ = w.s.Activities(w.ctx, domain.ActivityFilter{ForumID: waleForum}, domain.Page{Limit: 500})
		if slices.ContainsFunc(page.Items, func(x domain.Activity) bool { return x.ID == a.ID }) {
			t.Error("deleted activity still listed")
		}
	})
}

func firstPoint(g orb.Geometry) orb.Point {
	var first orb.Point
	n := 0
	walkPoints(g, func(p orb.Point) {
		if n == 0 {
			first = p
		}
		n++
	})
	return first
}

// testConcurrentWriters: 8 writers update one project with the version
// they read; exactly one wins each version and no update is lost.
func testConcurrentWriters(t *testing.T, w *wsuite) {
	in := projectInput()
	in.Beneficiaries = 0
	p := w.createProject(t, in)
	const writers, attempts = 8, 12
	var wins, conflicts atomic.Int64
	var wg sync.WaitGroup
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range attempts {
				cur, err := w.s.Project(w.ctx, p.ID)
				if err != nil {
					t.Error(err)
					return
				}
				up := inputOf(cur)
				up.Beneficiaries = cur.Beneficiaries + 1 // a read-modify-write that loses counts if updates are lost
				up.Description = "writer " + string(rune('A'+g))
				_, err = w.s.UpdateProject(w.ctx, editor, p.ID, cur.Version, up)
				switch domain.ErrorCode(err) {
				case "":
					wins.Add(1)
				case domain.ECONFLICT:
					conflicts.Add(1)
				default:
					t.Errorf("UpdateProject: %v", err)
				}
			}
		}()
	}
	wg.Wait()
	n := int(wins.Load())
	final := w.project(t, p.ID)
	t.Logf("%d updates won, %d conflicted", n, conflicts.Load())
	if n == 0 || n+int(conflicts.Load()) != writers*attempts {
		t.Fatalf("%d wins and %d conflicts of %d attempts", n, conflicts.Load(), writers*attempts)
	}
	if final.Version != 1+n || final.Beneficiaries != n {
		t.Errorf("final version %d and count %d; want %d and %d", final.Version, final.Beneficiaries, 1+n, n)
	}
	entries := w.audit(t, domain.AuditFilter{RecordType: domain.RecordProject, RecordID: p.ID})
	if len(entries) != 1+n {
		t.Fatalf("%d audit entries, want %d", len(entries), 1+n)
	}
	// Each version 2..n+1 was written exactly once, on top of the one before.
	for i, e := range entries[:n] {
		after, err1 := store.UnmarshalProject(e.After)
		before, err2 := store.UnmarshalProject(e.Before)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if want := 1 + n - i; after.Version != want || before.Version != want-1 || after.Beneficiaries != before.Beneficiaries+1 {
			t.Errorf("entry %d: version %d→%d, count %d→%d", i, before.Version, after.Version, before.Beneficiaries, after.Beneficiaries)
		}
	}

	t.Run("concurrent creates", func(t *testing.T) {
		before := w.state(t)
		var wg sync.WaitGroup
		for range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 3 {
					if _, err := w.s.CreateProject(w.ctx, editor, projectInput()); err != nil {
						t.Error(err)
					}
				}
			}()
		}
		wg.Wait()
		after := w.state(t)
		if after.projects != before.projects+3*writers || after.audit != before.audit+3*writers {
			t.Errorf("after %d creates: %+v, before %+v", 3*writers, after, before)
		}
	})
}
