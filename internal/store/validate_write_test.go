package store_test

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/spatial"
	"github.com/serasi/serasi/internal/store"
)

// fuzzNow fixes "now" so that the corpus means the same every year.
var fuzzNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// FuzzValidateProjectInput feeds arbitrary project input — the GeoJSON
// geometry included, parsed as the GraphQL layer will — to the write
// validation. It must never panic, and whatever it accepts must keep every
// rule.
func FuzzValidateProjectInput(f *testing.F) {
	f.Add("Tugu keserasian", "HARMONY_MONUMENT", []byte(`{"type":"Point","coordinates":[122.6077,-5.456]}`), 2024, int64(150000000), "PLANNED", "2024-03-01", "2024-09-30", 300, "", "")
	f.Add("Jalan", "VILLAGE_ROAD", []byte(`{"type":"LineString","coordinates":[[122.6,-5.45],[122.61,-5.46]]}`), 2015, int64(0), "COMPLETED", "", "", 0, "desc\nline", "prj-x")
	f.Add("Lapangan", "SPORTS_FIELD", []byte(`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}`), 2026, int64(1), "IN_PROGRESS", "2026-01-01", "2025-12-31", -1, "", "Bad ID")
	f.Add("", "ROCKET", []byte(`{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}`), 2014, int64(-1), "", "x", "2024-13-01", 5, "\x00", "")
	f.Add("\xff", "SPORTS_FIELD", []byte(`{"type":"Point","coordinates":[1e400,0]}`), 0, int64(9223372036854775807), "CANCELLED", "2024-02-29", "", 1<<31, strings.Repeat("é", 5001), "a")
	f.Fuzz(func(t *testing.T, title, kind string, geometry []byte, year int, budget int64, status, start, finish string, beneficiaries int, description, id string) {
		in := domain.ProjectInput{ID: id, Title: title, Kind: domain.ProjectKind(kind), Year: year, BudgetRupiah: budget,
			Status: domain.ProjectStatus(status), Beneficiaries: beneficiaries, Description: description}
		if g, err := spatial.ParseGeoJSON("geometry", geometry); err == nil {
			in.Geometry = g
		}
		if d, err := time.Parse("2006-01-02", start); err == nil {
			in.StartDate = &d
		}
		if d, err := time.Parse("2006-01-02", finish); err == nil {
			in.FinishDate = &d
		}
		err := store.ValidateProjectInput(in, fuzzNow)
		if err != nil {
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.EINVALID || de.Field == "" || de.Message == "" {
				t.Fatalf("error %#v is not an EINVALID field error", err)
			}
			return
		}
		n := utf8.RuneCountInString(in.Title)
		switch {
		case !utf8.ValidString(in.Title) || strings.TrimSpace(in.Title) == "" || n > store.MaxNameLength:
			t.Fatalf("accepted title %q", in.Title)
		case !in.Kind.Valid() || !in.Status.Valid():
			t.Fatalf("accepted kind %q status %q", in.Kind, in.Status)
		case in.Geometry == nil || in.Geometry.GeoJSONType() != dataset.GeometryTypeOf(in.Kind) || spatial.Validate("g", in.Geometry) != nil:
			t.Fatalf("accepted geometry %v for %s", in.Geometry, in.Kind)
		case in.Year < 2015 || in.Year > 2026, in.BudgetRupiah < 0, in.Beneficiaries < 0:
			t.Fatalf("accepted year %d budget %d beneficiaries %d", in.Year, in.BudgetRupiah, in.Beneficiaries)
		case in.FinishDate != nil && (in.StartDate == nil || in.FinishDate.Before(*in.StartDate)):
			t.Fatalf("accepted dates %v..%v", in.StartDate, in.FinishDate)
		case utf8.RuneCountInString(in.Description) > store.MaxDescriptionLength:
			t.Fatal("accepted a long description")
		case in.ID != "" && store.ValidateRecordID("id", in.ID) != nil:
			t.Fatalf("accepted id %q", in.ID)
		}
	})
}

func TestValidateProjectInputCollectsFields(t *testing.T) {
	in := domain.ProjectInput{Title: "", Kind: domain.VillageRoad, Geometry: orb.Point{122.6, -5.4}, Year: 2014,
		BudgetRupiah: -1, Status: domain.ProjectPlanned}
	err := store.ValidateProjectInput(in, fuzzNow)
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("error %v", err)
	}
	var fields []string
	for _, d := range de.Details {
		fields = append(fields, d.Field)
	}
	if want := "title,geometry,year,budgetRupiah"; strings.Join(fields, ",") != want || de.Field != "title" {
		t.Errorf("fields %v (first %q), want %s", fields, de.Field, want)
	}
}

func TestTokens(t *testing.T) {
	id, plain, hash := store.NewToken()
	gotID, gotHash, ok := store.ParseToken(plain)
	if !ok || gotID != id || !store.TokenHashEqual(hash, gotHash) {
		t.Fatalf("ParseToken(%q) = %q, %v", plain, gotID, ok)
	}
	id2, plain2, hash2 := store.NewToken()
	if id2 == id || plain2 == plain || store.TokenHashEqual(hash, hash2) {
		t.Error("two tokens are the same")
	}
	for _, bad := range []string{"", plain[:len(plain)-1], plain + "0", "x" + plain[1:], strings.Replace(plain, "_", "-", 2),
		plain[:len(plain)-1] + "g", strings.ToUpper(plain)} {
		if _, _, ok := store.ParseToken(bad); ok {
			t.Errorf("ParseToken(%q) accepted", bad)
		}
	}
	if store.TokenHashEqual(hash, hash[:31]) || store.TokenHashEqual(nil, hash) {
		t.Error("hashes of different lengths compare equal")
	}
}

func TestRoles(t *testing.T) {
	cases := []struct {
		have, need domain.Role
		ok         bool
	}{
		{domain.RoleAdmin, domain.RoleEditor, true},
		{domain.RoleEditor, domain.RoleEditor, true},
		{domain.RoleViewer, domain.RoleEditor, false},
		{domain.RoleEditor, domain.RoleAdmin, false},
		{"", domain.RoleViewer, false},
		{"ROOT", domain.RoleViewer, false},
	}
	for _, tc := range cases {
		if got := tc.have.Allows(tc.need); got != tc.ok {
			t.Errorf("%q.Allows(%q) = %v", tc.have, tc.need, got)
		}
	}
}

func TestRecordJSONRoundTrip(t *testing.T) {
	start := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	p := domain.Project{ID: "prj-1", Title: "t", Kind: domain.SportsField,
		Geometry:      orb.Polygon{{{122.1, -5.1}, {122.2000000001, -5.1}, {122.2, -5.0}, {122.1, -5.1}}},
		KelurahanCode: "74.72.02.1001", Year: 2024, BudgetRupiah: 1 << 40, Status: domain.ProjectPlanned,
		StartDate: &start, Version: 7}
	b, err := store.MarshalRecord(p)
	if err != nil {
		t.Fatal(err)
	}
	got, err := store.UnmarshalProject(b)
	if err != nil {
		t.Fatal(err)
	}
	if !orb.Equal(got.Geometry, p.Geometry) || got.Version != 7 || !got.StartDate.Equal(start) || got.FinishDate != nil ||
		got.BudgetRupiah != p.BudgetRupiah {
		t.Errorf("round trip: %+v", got)
	}
}
