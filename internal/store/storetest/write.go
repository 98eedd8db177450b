package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// wsuite is what every write test gets: a fresh store loaded with the
// embedded sample data, which the test may change.
type wsuite struct {
	s   store.ReadWriter
	ds  *dataset.Dataset
	ctx context.Context
}

// Actors of the write tests. The store does not know their token ids: it
// records whoever the transport says the actor is.
var (
	editor = domain.Actor{TokenID: "tokeditor", Name: "editor", Role: domain.RoleEditor}
	admin  = domain.Actor{TokenID: "tokadmin", Name: "admin", Role: domain.RoleAdmin}
	viewer = domain.Actor{TokenID: "tokviewer", Name: "viewer", Role: domain.RoleViewer}
)

// Forums of the sample data the tests lean on.
const (
	waleForum = "fks-2015-wale"       // serves Wale first, formed 2015
	forum2017 = "fks-2017-katobengke" // formed 2017
)

// RunWriteConformanceTests runs every write behaviour against stores made
// by newStore: each call must return a store of its own, loaded with the
// embedded sample data (geodata.FS) and with an empty audit trail and no
// tokens, which the tests then change.
func RunWriteConformanceTests(t *testing.T, newStore func(t *testing.T) store.ReadWriter) {
	ds := loadDataset(t)
	groups := []struct {
		name string
		run  func(t *testing.T, w *wsuite)
	}{
		{"Versions", testVersions},
		{"ProjectValidation", testProjectValidation},
		{"ForumValidation", testForumValidation},
		{"ActivityValidation", testActivityValidation},
		{"KelurahanAssignment", testKelurahanAssignment},
		{"Lifecycle", testLifecycle},
		{"Conflicts", testConflicts},
		{"Audit", testAudit},
		{"Authorization", testAuthorization},
		{"Tokens", testTokens},
		{"ReadsSeeWrites", testReadsSeeWrites},
		{"AnalyticsFollowWrites", testAnalyticsWrites},
		{"ConcurrentWriters", testConcurrentWriters},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			g.run(t, &wsuite{s: newStore(t), ds: ds, ctx: context.Background()})
		})
	}
}

// nextYear is the latest year the stores accept today.
func nextYear() int { return time.Now().UTC().Year() + 1 }

func date(y int, m time.Month, d int) *time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return &t
}

// Geometries in Wale, around walePoint.
func waleLine() orb.LineString {
	return orb.LineString{walePoint, {walePoint[0] + 0.0004, walePoint[1] + 0.0002}, {walePoint[0] + 0.0006, walePoint[1] - 0.0001}}
}

func waleSquare() orb.Polygon {
	x, y, d := walePoint[0], walePoint[1], 0.0003
	return orb.Polygon{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}}
}

func projectInput() domain.ProjectInput {
	return domain.ProjectInput{
		Title: "Tugu keserasian Wale", Kind: domain.HarmonyMonument, Geometry: walePoint,
		ForumID: waleForum, Year: 2024, BudgetRupiah: 150_000_000, Status: domain.ProjectPlanned,
		StartDate: date(2024, 3, 1), FinishDate: date(2024, 9, 30), Beneficiaries: 300,
		Description: "Dibangun bersama warga.",
	}
}

func forumInput() domain.ForumInput {
	return domain.ForumInput{
		Name: "FKS Uji", KelurahanCodes: []string{waleCode}, YearFormed: 2020, Status: domain.ForumActive,
		MemberCount: 12, Secretariat: walePoint, Description: "Forum for the write tests.",
	}
}

func activityInput() domain.ActivityInput {
	loc := walePoint
	return domain.ActivityInput{
		Title: "Dialog pemuda", ForumID: waleForum, Kind: domain.Dialogue, Date: *date(2024, 5, 17),
		Participants: 40, Location: &loc, Description: "Dialog antar pemuda.",
	}
}

// inputOf turns a project back into the input that would write it.
func inputOf(p domain.Project) domain.ProjectInput {
	return domain.ProjectInput{Title: p.Title, Kind: p.Kind, Geometry: p.Geometry, KelurahanCode: p.KelurahanCode,
		ForumID: p.ForumID, Year: p.Year, BudgetRupiah: p.BudgetRupiah, Status: p.Status, StartDate: p.StartDate,
		FinishDate: p.FinishDate, Beneficiaries: p.Beneficiaries, Description: p.Description}
}

func forumInputOf(f domain.Forum) domain.ForumInput {
	return domain.ForumInput{Name: f.Name, KelurahanCodes: f.KelurahanCodes, YearFormed: f.YearFormed, Status: f.Status,
		MemberCount: f.MemberCount, Secretariat: f.Secretariat, Description: f.Description}
}

func activityInputOf(a domain.Activity) domain.ActivityInput {
	return domain.ActivityInput{Title: a.Title, ForumID: a.ForumID, Kind: a.Kind, Date: a.Date,
		Participants: a.Participants, Location: a.Location, KelurahanCode: a.KelurahanCode, Description: a.Description}
}

func (w *wsuite) createProject(t *testing.T, in domain.ProjectInput) domain.Project {
	t.Helper()
	p, err := w.s.CreateProject(w.ctx, editor, in)
	if err != nil {
		t.Fatalf("CreateProject(%q): %v", in.Title, err)
	}
	return p
}

func (w *wsuite) project(t *testing.T, id string) domain.Project {
	t.Helper()
	p, err := w.s.Project(w.ctx, id)
	if err != nil {
		t.Fatalf("Project(%s): %v", id, err)
	}
	return p
}

// audit returns every audit entry matching f, newest first.
func (w *wsuite) audit(t *testing.T, f domain.AuditFilter) []domain.AuditEntry {
	t.Helper()
	var out []domain.AuditEntry
	for off := 0; ; off += store.MaxPageSize {
		page, err := w.s.AuditLog(w.ctx, f, domain.Page{Offset: off, Limit: store.MaxPageSize})
		if err != nil {
			t.Fatalf("AuditLog: %v", err)
		}
		out = append(out, page.Items...)
		if len(page.Items) < store.MaxPageSize {
			if page.TotalCount != len(out) {
				t.Errorf("AuditLog: TotalCount %d, but %d entries", page.TotalCount, len(out))
			}
			return out
		}
	}
}

// state is what a refused write must leave unchanged.
type state struct {
	projects, forums, activities int
	audit                        int
}

func (w *wsuite) state(t *testing.T) state {
	t.Helper()
	ps, err := w.s.Projects(w.ctx, domain.ProjectFilter{}, domain.ProjectOrder{}, domain.Page{Limit: 0})
	if err != nil {
		t.Fatal(err)
	}
	fs, err := w.s.Forums(w.ctx, domain.ForumFilter{})
	if err != nil {
		t.Fatal(err)
	}
	as, err := w.s.Activities(w.ctx, domain.ActivityFilter{}, domain.Page{Limit: 0})
	if err != nil {
		t.Fatal(err)
	}
	return state{projects: ps.TotalCount, forums: len(fs), activities: as.TotalCount, audit: len(w.audit(t, domain.AuditFilter{}))}
}

// wantInvalid fails t unless err is EINVALID naming field (among its
// details when there are several).
func wantInvalid(t *testing.T, err error, field string) {
	t.Helper()
	if !wantCode(t, err, domain.EINVALID) {
		return
	}
	var de *domain.Error
	errors.As(err, &de)
	fields := []string{de.Field}
	for _, d := range de.Details {
		fields = append(fields, d.Field)
	}
	if !slices.Contains(fields, field) {
		t.Errorf("error %v names fields %q, want %q", err, fields, field)
	}
}

// sameJSON compares two JSON documents by value.
func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

func mustJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := store.MarshalRecord(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// testVersions: every record starts at version 1 and reads return it.
func testVersions(t *testing.T, w *wsuite) {
	for _, f := range w.ds.Forums {
		got, err := w.s.Forum(w.ctx, f.ID)
		if err != nil || got.Version != 1 {
			t.Errorf("Forum(%s): version %d, %v; want 1", f.ID, got.Version, err)
		}
	}
	page, err := w.s.Projects(w.ctx, domain.ProjectFilter{}, domain.ProjectOrder{}, domain.Page{Limit: store.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range page.Items {
		if h.Version != 1 {
			t.Errorf("Projects: %s has version %d, want 1", h.ID, h.Version)
		}
	}
	for _, a := range w.ds.Activities {
		got, err := w.s.Activity(w.ctx, a.ID)
		if err != nil || got.Version != 1 {
			t.Errorf("Activity(%s): version %d, %v; want 1", a.ID, got.Version, err)
		}
	}
}
