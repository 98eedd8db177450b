package store

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/spatial"
)

// Limits of write input, the same in both stores.
const (
	MaxNameLength        = 200  // characters of a name or title
	MaxDescriptionLength = 5000 // characters of a description
	MaxIDLength          = 64
	// MaxBudgetRupiah keeps sums safe: 100,000 projects at this budget
	// still add up inside an int64.
	MaxBudgetRupiah int64 = 10_000_000_000_000
	// MaxCount bounds member, beneficiary and participant counts (they
	// are 32-bit integers in PostGIS).
	MaxCount = 10_000_000
	// MinYear is the first year of the program, the 2015 forum cohort.
	MinYear = domain.MinYear
)

// MaxYear is domain.MaxYear.
func MaxYear(now time.Time) int { return domain.MaxYear(now) }

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// ValidateRecordID checks an id a caller chose for a new record.
func ValidateRecordID(field, id string) error {
	if len(id) > MaxIDLength || !idPattern.MatchString(id) {
		return domain.Invalid(field, "must be 1 to %d lower-case letters, digits and '-', starting with a letter or digit", MaxIDLength)
	}
	return nil
}

// Prefixes of the ids the stores choose for new records.
const (
	ForumIDPrefix    = "fks-"
	ProjectIDPrefix  = "prj-"
	ActivityIDPrefix = "act-"
)

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewRecordID returns prefix followed by 16 random characters (80 bits):
// ids that never collide in practice, chosen without asking the database.
func NewRecordID(prefix string) string {
	b := make([]byte, 10)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return prefix + idEncoding.EncodeToString(b)
}

// fieldErrors collects the errors of one input.
type fieldErrors []*domain.Error

func (e *fieldErrors) add(field, format string, args ...any) {
	*e = append(*e, domain.Invalid(field, format, args...))
}

// addErr adds a *domain.Error from a validator (spatial.Validate).
func (e *fieldErrors) addErr(err error) {
	if err == nil {
		return
	}
	if de, ok := err.(*domain.Error); ok {
		*e = append(*e, de)
		return
	}
	e.add("", "%v", err)
}

func (e fieldErrors) err() error { return domain.Invalids(e) }

// text checks a name (required, one line) or a description (optional,
// lines allowed). Control characters and NUL would break terminals, logs
// and PostgreSQL text.
func (e *fieldErrors) text(field, s string, max int, required bool) {
	switch {
	case !utf8.ValidString(s):
		e.add(field, "must be valid UTF-8")
		return
	case required && strings.TrimSpace(s) == "":
		e.add(field, "must not be empty")
		return
	}
	if n := utf8.RuneCountInString(s); n > max {
		e.add(field, "must be at most %d characters (it has %d)", max, n)
		return
	}
	for _, r := range s {
		if unicode.IsControl(r) && (required || (r != '\n' && r != '\r' && r != '\t')) {
			e.add(field, "must not contain control characters (%U)", r)
			return
		}
	}
}

func (e *fieldErrors) count(field string, n int) {
	if n < 0 || n > MaxCount {
		e.add(field, "must be between 0 and %d", MaxCount)
	}
}

func (e *fieldErrors) year(field string, y int, now time.Time) {
	if !domain.YearInProgram(y, now) {
		e.add(field, "must be between %d and %d", MinYear, MaxYear(now))
	}
}

// date checks a calendar date: 00:00 UTC, in the years the program spans.
func (e *fieldErrors) date(field string, t time.Time, now time.Time) bool {
	u := t.UTC()
	if u.Hour() != 0 || u.Minute() != 0 || u.Second() != 0 || u.Nanosecond() != 0 {
		e.add(field, "must be a calendar date (00:00 UTC)")
		return false
	}
	if !domain.YearInProgram(u.Year(), now) {
		e.add(field, "must be between %d-01-01 and %d-12-31", MinYear, MaxYear(now))
		return false
	}
	return true
}

func (e *fieldErrors) newID(id string) {
	if id != "" {
		e.addErr(ValidateRecordID("id", id))
	}
}

// ValidateForumInput checks in by itself, at time now (which sets the
// latest year). CheckForum also checks it against the store.
func ValidateForumInput(in domain.ForumInput, now time.Time) error {
	var e fieldErrors
	e.newID(in.ID)
	e.text("name", in.Name, MaxNameLength, true)
	if len(in.KelurahanCodes) == 0 {
		e.add("kelurahanCodes", "must name at least one kelurahan")
	}
	for i, c := range in.KelurahanCodes {
		if j := indexOf(in.KelurahanCodes[:i], c); j >= 0 {
			e.add(fmt.Sprintf("kelurahanCodes[%d]", i), "repeats kelurahanCodes[%d]", j)
		}
	}
	e.year("yearFormed", in.YearFormed, now)
	if !in.Status.Valid() {
		e.add("status", "must be ACTIVE or INACTIVE")
	}
	e.count("memberCount", in.MemberCount)
	e.addErr(spatial.Validate("secretariat", in.Secretariat))
	e.text("description", in.Description, MaxDescriptionLength, false)
	return e.err()
}

// ValidateProjectInput checks in by itself, at time now. CheckProject also
// checks it against the store. It never panics, whatever the input (see
// FuzzValidateProjectInput).
func ValidateProjectInput(in domain.ProjectInput, now time.Time) error {
	var e fieldErrors
	e.newID(in.ID)
	e.text("title", in.Title, MaxNameLength, true)
	if !in.Kind.Valid() {
		e.add("kind", "unknown project kind %q", in.Kind)
	}
	if err := spatial.Validate("geometry", in.Geometry); err != nil {
		e.addErr(err)
	} else if want := domain.GeometryTypeOf(in.Kind); in.Kind.Valid() && in.Geometry.GeoJSONType() != want {
		e.add("geometry", "a %s project needs a %s geometry, not a %s", in.Kind, want, in.Geometry.GeoJSONType())
	}
	if in.ForumID != "" && (len(in.ForumID) > 200 || !utf8.ValidString(in.ForumID)) {
		e.add("forumId", "is not a forum id")
	}
	e.year("year", in.Year, now)
	if in.BudgetRupiah < 0 || in.BudgetRupiah > MaxBudgetRupiah {
		e.add("budgetRupiah", "must be between 0 and %d", MaxBudgetRupiah)
	}
	if !in.Status.Valid() {
		e.add("status", "unknown project status %q", in.Status)
	}
	startOK := in.StartDate != nil && e.date("startDate", *in.StartDate, now)
	if in.FinishDate != nil && e.date("finishDate", *in.FinishDate, now) {
		switch {
		case in.StartDate == nil:
			e.add("finishDate", "needs a startDate")
		case startOK && in.FinishDate.Before(*in.StartDate):
			e.add("finishDate", "must not be before startDate")
		}
	}
	e.count("beneficiaries", in.Beneficiaries)
	e.text("description", in.Description, MaxDescriptionLength, false)
	return e.err()
}

// ValidateActivityInput checks in by itself, at time now. CheckActivity
// also checks it against the store.
func ValidateActivityInput(in domain.ActivityInput, now time.Time) error {
	var e fieldErrors
	e.newID(in.ID)
	e.text("title", in.Title, MaxNameLength, true)
	if in.ForumID == "" {
		e.add("forumId", "must name the forum that held the activity")
	}
	if !in.Kind.Valid() {
		e.add("kind", "unknown activity kind %q", in.Kind)
	}
	e.date("date", in.Date, now)
	e.count("participants", in.Participants)
	if in.Location != nil {
		e.addErr(spatial.Validate("location", *in.Location))
	}
	e.text("description", in.Description, MaxDescriptionLength, false)
	return e.err()
}

// ValidateTokenInput checks the name and role of a new token.
func ValidateTokenInput(name string, role domain.Role) error {
	var e fieldErrors
	e.text("name", name, MaxNameLength, true)
	if !role.Valid() {
		e.add("role", "must be VIEWER, EDITOR or ADMIN")
	}
	return e.err()
}

// ValidateAuditFilter checks f.
func ValidateAuditFilter(f domain.AuditFilter) error {
	if f.RecordType != "" && !f.RecordType.Valid() {
		return domain.Invalid("recordType", "unknown record type %q", f.RecordType)
	}
	if f.From != nil && f.To != nil && f.From.After(*f.To) {
		return domain.Invalid("from", "must not be after to")
	}
	return nil
}

func indexOf(xs []string, x string) int {
	for i, y := range xs {
		if y == x {
			return i
		}
	}
	return -1
}

// Lookup is what the checks against a store read. Each store answers it
// from the state the write will change: the memory store from the snapshot
// it holds the write lock on, PostGIS inside the write's transaction
// (forums read FOR SHARE, so that one cannot change under the check).
type Lookup interface {
	// KelurahanAt follows Store.KelurahanAt: ENOTFOUND outside every kelurahan.
	KelurahanAt(ctx context.Context, p orb.Point) (domain.Kelurahan, error)
	// Kelurahan returns one kelurahan or ENOTFOUND.
	Kelurahan(ctx context.Context, code string) (domain.Kelurahan, error)
	// Forum returns one forum or ENOTFOUND.
	Forum(ctx context.Context, id string) (domain.Forum, error)
	// CityBound is the union of the bounds of every kelurahan's polygon.
	CityBound(ctx context.Context) (orb.Bound, error)
}

// CheckForum validates in and checks it against lk: the kelurahan exist
// and the secretariat lies inside the first. It returns the forum to store,
// without ID and Version.
func CheckForum(ctx context.Context, lk Lookup, in domain.ForumInput, now time.Time) (domain.Forum, error) {
	if err := ValidateForumInput(in, now); err != nil {
		return domain.Forum{}, err
	}
	var e fieldErrors
	for i, code := range in.KelurahanCodes {
		k, err := lk.Kelurahan(ctx, code)
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			e.add(fmt.Sprintf("kelurahanCodes[%d]", i), "kelurahan %q does not exist", code)
			continue
		}
		if err != nil {
			return domain.Forum{}, err
		}
		if i == 0 && !spatial.ContainsPoint(k.Geometry, in.Secretariat) {
			e.add("secretariat", "must lie inside the first kelurahan, %s (%s)", k.Name, k.Code)
		}
	}
	if err := e.err(); err != nil {
		return domain.Forum{}, err
	}
	return domain.Forum{
		Name: in.Name, KelurahanCodes: append([]string(nil), in.KelurahanCodes...), YearFormed: in.YearFormed,
		Status: in.Status, MemberCount: in.MemberCount, Secretariat: in.Secretariat, Description: in.Description,
	}, nil
}

// CheckProject validates in and checks it against lk, and returns the
// project to store (without ID and Version): its kelurahan is the one at
// the first position of the geometry, and polygons are oriented as RFC 7946
// says (exterior rings counter-clockwise), as both stores return them.
func CheckProject(ctx context.Context, lk Lookup, in domain.ProjectInput, now time.Time) (domain.Project, error) {
	if err := ValidateProjectInput(in, now); err != nil {
		return domain.Project{}, err
	}
	var e fieldErrors
	code, err := locate(ctx, lk, &e, "geometry", in.Geometry, in.KelurahanCode)
	if err != nil {
		return domain.Project{}, err
	}
	if in.ForumID != "" {
		f, err := lk.Forum(ctx, in.ForumID)
		switch {
		case domain.ErrorCode(err) == domain.ENOTFOUND:
			e.add("forumId", "forum %q does not exist", in.ForumID)
		case err != nil:
			return domain.Project{}, err
		case !f.FormedBy(in.Year):
			e.add("year", "must not be before forum %s was formed (%d)", f.ID, f.YearFormed)
		}
	}
	if err := e.err(); err != nil {
		return domain.Project{}, err
	}
	return domain.Project{
		Title: in.Title, Kind: in.Kind, Geometry: spatial.Orient(in.Geometry), KelurahanCode: code,
		ForumID: in.ForumID, Year: in.Year, BudgetRupiah: in.BudgetRupiah, Status: in.Status,
		StartDate: utcDate(in.StartDate), FinishDate: utcDate(in.FinishDate),
		Beneficiaries: in.Beneficiaries, Description: in.Description,
	}, nil
}

// CheckActivity validates in and checks it against lk, and returns the
// activity to store (without ID and Version).
func CheckActivity(ctx context.Context, lk Lookup, in domain.ActivityInput, now time.Time) (domain.Activity, error) {
	if err := ValidateActivityInput(in, now); err != nil {
		return domain.Activity{}, err
	}
	var e fieldErrors
	f, err := lk.Forum(ctx, in.ForumID)
	switch {
	case domain.ErrorCode(err) == domain.ENOTFOUND:
		e.add("forumId", "forum %q does not exist", in.ForumID)
	case err != nil:
		return domain.Activity{}, err
	case !f.FormedBy(in.Date.UTC().Year()):
		e.add("date", "must not be before forum %s was formed (%d)", f.ID, f.YearFormed)
	}
	var code string
	var loc *orb.Point
	switch {
	case in.Location != nil:
		p := *in.Location
		loc = &p
		if code, err = locate(ctx, lk, &e, "location", p, in.KelurahanCode); err != nil {
			return domain.Activity{}, err
		}
	case len(f.KelurahanCodes) > 0:
		code = f.KelurahanCodes[0]
		if in.KelurahanCode != "" && in.KelurahanCode != code {
			e.add("kelurahanCode", "must be the forum's first kelurahan, %s, when there is no location", code)
		}
	}
	if err := e.err(); err != nil {
		return domain.Activity{}, err
	}
	return domain.Activity{
		Title: in.Title, ForumID: in.ForumID, Kind: in.Kind, Date: in.Date.UTC(), Participants: in.Participants,
		Location: loc, KelurahanCode: code, Description: in.Description,
	}, nil
}

// locate assigns the kelurahan of a valid geometry: the one at its first
// position. A geometry whose first position no kelurahan covers, or which
// reaches beyond the bounding box of all the kelurahan the store holds
// (Kota Baubau embedded, the whole country once imported), is refused; a
// given code must agree. Field errors go to e; the error returned is internal.
func locate(ctx context.Context, lk Lookup, e *fieldErrors, field string, g orb.Geometry, given string) (string, error) {
	first, ok := firstPosition(g)
	if !ok {
		e.add(field, "has no position")
		return "", nil
	}
	k, err := lk.KelurahanAt(ctx, first)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		e.add(field, "lies outside every kelurahan: none covers its first position [%g, %g]", first[0], first[1])
		return "", nil
	}
	if err != nil {
		return "", err
	}
	city, err := lk.CityBound(ctx)
	if err != nil {
		return "", err
	}
	if b := g.Bound(); !city.Contains(b.Min) || !city.Contains(b.Max) {
		e.add(field, "reaches outside the box of all kelurahan")
		return "", nil
	}
	if given != "" && given != k.Code {
		e.add("kelurahanCode", "is %s, but the %s lies in %s (%s)", given, field, k.Name, k.Code)
		return "", nil
	}
	return k.Code, nil
}

func firstPosition(g orb.Geometry) (orb.Point, bool) {
	switch g := g.(type) {
	case orb.Point:
		return g, true
	case orb.LineString:
		if len(g) > 0 {
			return g[0], true
		}
	case orb.Polygon:
		if len(g) > 0 && len(g[0]) > 0 {
			return g[0][0], true
		}
	case orb.MultiPoint:
		if len(g) > 0 {
			return g[0], true
		}
	case orb.MultiLineString:
		if len(g) > 0 {
			return firstPosition(g[0])
		}
	case orb.MultiPolygon:
		if len(g) > 0 {
			return firstPosition(g[0])
		}
	}
	return orb.Point{}, false
}

func utcDate(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
