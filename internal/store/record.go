package store

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/serasi/serasi/internal/domain"
)

// The JSON form of records: what audit entries hold in Before and After,
// and what the memory store keeps in its data file. Geometries are GeoJSON;
// floats are written in their shortest exact form, so a record reads back
// bit for bit.

type forumJSON struct {
	ID             string          `json:"id"`
	Name           string          `json:"name"`
	KelurahanCodes []string        `json:"kelurahanCodes"`
	YearFormed     int             `json:"yearFormed"`
	Status         string          `json:"status"`
	MemberCount    int             `json:"memberCount"`
	Secretariat    json.RawMessage `json:"secretariat"`
	Description    string          `json:"description"`
	Version        int             `json:"version"`
}

type projectJSON struct {
	ID            string          `json:"id"`
	Title         string          `json:"title"`
	Kind          string          `json:"kind"`
	Geometry      json.RawMessage `json:"geometry"`
	KelurahanCode string          `json:"kelurahanCode"`
	ForumID       string          `json:"forumId"`
	Year          int             `json:"year"`
	BudgetRupiah  int64           `json:"budgetRupiah"`
	Status        string          `json:"status"`
	StartDate     *string         `json:"startDate"`
	FinishDate    *string         `json:"finishDate"`
	Beneficiaries int             `json:"beneficiaries"`
	Description   string          `json:"description"`
	Version       int             `json:"version"`
}

type activityJSON struct {
	ID            string          `json:"id"`
	Title         string          `json:"title"`
	ForumID       string          `json:"forumId"`
	Kind          string          `json:"kind"`
	Date          string          `json:"date"`
	Participants  int             `json:"participants"`
	Location      json.RawMessage `json:"location"`
	KelurahanCode string          `json:"kelurahanCode"`
	Description   string          `json:"description"`
	Version       int             `json:"version"`
}

type tokenJSON struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Role      string     `json:"role"`
	CreatedAt time.Time  `json:"createdAt"`
	CreatedBy string     `json:"createdBy"`
	RevokedAt *time.Time `json:"revokedAt"`
}

const dateLayout = "2006-01-02"

// MarshalRecord returns the JSON form of a domain.Forum, domain.Project,
// domain.Activity or domain.Token (never with a secret).
func MarshalRecord(v any) (json.RawMessage, error) {
	switch r := v.(type) {
	case domain.Forum:
		g, err := geometryJSON(r.Secretariat)
		if err != nil {
			return nil, err
		}
		codes := r.KelurahanCodes
		if codes == nil {
			codes = []string{}
		}
		return json.Marshal(forumJSON{ID: r.ID, Name: r.Name, KelurahanCodes: codes, YearFormed: r.YearFormed,
			Status: string(r.Status), MemberCount: r.MemberCount, Secretariat: g, Description: r.Description,
			Version: r.Version})
	case domain.Project:
		g, err := geometryJSON(r.Geometry)
		if err != nil {
			return nil, err
		}
		return json.Marshal(projectJSON{ID: r.ID, Title: r.Title, Kind: string(r.Kind), Geometry: g,
			KelurahanCode: r.KelurahanCode, ForumID: r.ForumID, Year: r.Year, BudgetRupiah: r.BudgetRupiah,
			Status: string(r.Status), StartDate: dateString(r.StartDate), FinishDate: dateString(r.FinishDate),
			Beneficiaries: r.Beneficiaries, Description: r.Description, Version: r.Version})
	case domain.Activity:
		loc := json.RawMessage("null")
		if r.Location != nil {
			var err error
			if loc, err = geometryJSON(*r.Location); err != nil {
				return nil, err
			}
		}
		return json.Marshal(activityJSON{ID: r.ID, Title: r.Title, ForumID: r.ForumID, Kind: string(r.Kind),
			Date: r.Date.UTC().Format(dateLayout), Participants: r.Participants, Location: loc,
			KelurahanCode: r.KelurahanCode, Description: r.Description, Version: r.Version})
	case domain.Token:
		return json.Marshal(tokenJSON{ID: r.ID, Name: r.Name, Role: string(r.Role), CreatedAt: r.CreatedAt.UTC(),
			CreatedBy: r.CreatedBy, RevokedAt: utcDate(r.RevokedAt)})
	}
	return nil, fmt.Errorf("store: cannot marshal a %T record", v)
}

// UnmarshalForum reads the JSON form of a forum.
func UnmarshalForum(b []byte) (domain.Forum, error) {
	var j forumJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return domain.Forum{}, fmt.Errorf("store: forum: %w", err)
	}
	g, err := parseGeometry(j.Secretariat)
	if err != nil {
		return domain.Forum{}, fmt.Errorf("store: forum %s: %w", j.ID, err)
	}
	p, _ := g.(orb.Point)
	return domain.Forum{ID: j.ID, Name: j.Name, KelurahanCodes: j.KelurahanCodes, YearFormed: j.YearFormed,
		Status: domain.ForumStatus(j.Status), MemberCount: j.MemberCount, Secretariat: p,
		Description: j.Description, Version: j.Version}, nil
}

// UnmarshalProject reads the JSON form of a project.
func UnmarshalProject(b []byte) (domain.Project, error) {
	var j projectJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return domain.Project{}, fmt.Errorf("store: project: %w", err)
	}
	g, err := parseGeometry(j.Geometry)
	if err != nil {
		return domain.Project{}, fmt.Errorf("store: project %s: %w", j.ID, err)
	}
	start, err := parseDate(j.StartDate)
	if err != nil {
		return domain.Project{}, fmt.Errorf("store: project %s: %w", j.ID, err)
	}
	finish, err := parseDate(j.FinishDate)
	if err != nil {
		return domain.Project{}, fmt.Errorf("store: project %s: %w", j.ID, err)
	}
	return domain.Project{ID: j.ID, Title: j.Title, Kind: domain.ProjectKind(j.Kind), Geometry: g,
		KelurahanCode: j.KelurahanCode, ForumID: j.ForumID, Year: j.Year, BudgetRupiah: j.BudgetRupiah,
		Status: domain.ProjectStatus(j.Status), StartDate: start, FinishDate: finish,
		Beneficiaries: j.Beneficiaries, Description: j.Description, Version: j.Version}, nil
}

// UnmarshalActivity reads the JSON form of an activity.
func UnmarshalActivity(b []byte) (domain.Activity, error) {
	var j activityJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return domain.Activity{}, fmt.Errorf("store: activity: %w", err)
	}
	g, err := parseGeometry(j.Location)
	if err != nil {
		return domain.Activity{}, fmt.Errorf("store: activity %s: %w", j.ID, err)
	}
	date, err := time.Parse(dateLayout, j.Date)
	if err != nil {
		return domain.Activity{}, fmt.Errorf("store: activity %s: %w", j.ID, err)
	}
	a := domain.Activity{ID: j.ID, Title: j.Title, ForumID: j.ForumID, Kind: domain.ActivityKind(j.Kind),
		Date: date, Participants: j.Participants, KelurahanCode: j.KelurahanCode,
		Description: j.Description, Version: j.Version}
	if p, ok := g.(orb.Point); ok {
		a.Location = &p
	}
	return a, nil
}

// UnmarshalToken reads the JSON form of a token.
func UnmarshalToken(b []byte) (domain.Token, error) {
	var j tokenJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return domain.Token{}, fmt.Errorf("store: token: %w", err)
	}
	return domain.Token{ID: j.ID, Name: j.Name, Role: domain.Role(j.Role), CreatedAt: j.CreatedAt.UTC(),
		CreatedBy: j.CreatedBy, RevokedAt: utcDate(j.RevokedAt)}, nil
}

// NewAuditEntry builds the entry of one mutation by actor; before and
// after are records for MarshalRecord, or nil. ID and At are left for the
// store to set when it writes the entry.
func NewAuditEntry(actor domain.Actor, op domain.AuditOperation, rt domain.RecordType, id string, before, after any) (domain.AuditEntry, error) {
	e := domain.AuditEntry{TokenID: actor.TokenID, ActorName: actor.Name, Operation: op, RecordType: rt, RecordID: id}
	var err error
	if before != nil {
		if e.Before, err = MarshalRecord(before); err != nil {
			return e, err
		}
	}
	if after != nil {
		if e.After, err = MarshalRecord(after); err != nil {
			return e, err
		}
	}
	return e, nil
}

// MatchAudit reports whether e passes a validated filter.
func MatchAudit(f domain.AuditFilter, e *domain.AuditEntry) bool {
	switch {
	case f.RecordType != "" && e.RecordType != f.RecordType,
		f.RecordID != "" && e.RecordID != f.RecordID,
		f.TokenID != "" && e.TokenID != f.TokenID,
		f.From != nil && e.At.Before(*f.From),
		f.To != nil && !e.At.Before(*f.To):
		return false
	}
	return true
}

func geometryJSON(g orb.Geometry) (json.RawMessage, error) {
	if g == nil {
		return json.RawMessage("null"), nil
	}
	return geojson.NewGeometry(g).MarshalJSON()
}

func parseGeometry(b json.RawMessage) (orb.Geometry, error) {
	if len(b) == 0 || string(b) == "null" {
		return nil, nil
	}
	g, err := geojson.UnmarshalGeometry(b)
	if err != nil {
		return nil, err
	}
	return g.Geometry(), nil
}

func dateString(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(dateLayout)
	return &s
}

func parseDate(s *string) (*time.Time, error) {
	if s == nil {
		return nil, nil
	}
	t, err := time.Parse(dateLayout, *s)
	if err != nil {
		return nil, err
	}
	return &t, nil
}
