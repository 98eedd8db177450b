package dataset

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/geodesy"
	"github.com/serasi/serasi/internal/spatial"
)

// MinYear is the first year of the program (domain.MinYear); MaxYear bounds
// the years a data file may name.
const (
	MinYear = domain.MinYear
	MaxYear = 2100
)

// recordError names the file and record at fault.
func recordError(file, kind, id, format string, args ...any) error {
	return fmt.Errorf("dataset: %s: %s %q: %s", file, kind, id, fmt.Sprintf(format, args...))
}

func decodeCollection[P any](r io.Reader, file string) ([]feature[P], error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields() // a misspelt property would otherwise read as empty
	var c collection[P]
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("dataset: %s: %w", file, err)
	}
	if c.Type != "FeatureCollection" {
		return nil, fmt.Errorf("dataset: %s: type is %q, want FeatureCollection", file, c.Type)
	}
	for i, f := range c.Features {
		if f.Type != "Feature" {
			return nil, fmt.Errorf("dataset: %s: feature %d: type is %q, want Feature", file, i, f.Type)
		}
	}
	return c.Features, nil
}

// parseGeometry parses a feature's geometry and checks it is valid. A null
// geometry gives nil.
func parseGeometry(raw json.RawMessage) (orb.Geometry, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	g, err := spatial.ParseGeoJSON("geometry", raw)
	if err != nil {
		return nil, err
	}
	if err := spatial.Validate("geometry", g); err != nil {
		return nil, err
	}
	return g, nil
}

func isArea(g orb.Geometry) bool {
	switch g.(type) {
	case orb.Polygon, orb.MultiPolygon:
		return true
	}
	return false
}

// areaLevel says how one level of the area files is read: the shared
// checks (the code's shape, no duplicate kode, a nama, a valid Polygon or
// MultiPolygon) live once in readAreas; check adds a level's own and build
// makes the domain value.
type areaLevel[P any, A any] struct {
	file, kind, example string // the file, the record kind in errors, a code of the right shape
	props               func(P) (kode, nama string)
	codeShape           func(kode string) bool
	check               func(P, orb.Geometry) error // after the shared checks; nil: none
	build               func(P, orb.Geometry) A
	code                func(A) string
}

// readAreas reads one level's FeatureCollection; the areas come out ordered
// by code.
func readAreas[P any, A any](r io.Reader, l areaLevel[P, A]) ([]A, error) {
	fs, err := decodeCollection[P](r, l.file)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	out := make([]A, 0, len(fs))
	for _, f := range fs {
		kode, nama := l.props(f.Properties)
		fail := func(format string, args ...any) error {
			return recordError(l.file, l.kind, kode, format, args...)
		}
		if !l.codeShape(kode) {
			return nil, fail("kode is not a %s code (like %s)", l.kind, l.example)
		}
		if seen[kode] {
			return nil, fail("duplicate kode")
		}
		seen[kode] = true
		if strings.TrimSpace(nama) == "" {
			return nil, fail("nama is empty")
		}
		g, err := parseGeometry(f.Geometry)
		if err != nil {
			return nil, fail("geometry: %v", err)
		}
		if !isArea(g) {
			return nil, fail("geometry must be a Polygon or MultiPolygon")
		}
		if l.check != nil {
			if err := l.check(f.Properties, g); err != nil {
				return nil, fail("%v", err)
			}
		}
		out = append(out, l.build(f.Properties, g))
	}
	slices.SortFunc(out, func(a, b A) int { return strings.Compare(l.code(a), l.code(b)) })
	return out, nil
}

// codeOfLength is a code shape check by length alone (the dots sit where
// the length puts them in every Kemendagri code of that level).
func codeOfLength(example string) func(string) bool {
	return func(kode string) bool { return len(kode) == len(example) }
}

// ReadProvinsis reads provinsi.geojson; Bound and AreaSqM are computed.
// Provinsi come out ordered by code.
func ReadProvinsis(r io.Reader) ([]domain.Provinsi, error) {
	return readAreas(r, areaLevel[provinsiProps, domain.Provinsi]{
		file: ProvinsiFile, kind: "provinsi", example: "74",
		props:     func(p provinsiProps) (string, string) { return p.Kode, p.Nama },
		codeShape: codeOfLength("74"),
		build: func(p provinsiProps, g orb.Geometry) domain.Provinsi {
			return domain.Provinsi{Code: p.Kode, Name: p.Nama, Geometry: g, Bound: g.Bound(),
				AreaSqM: geodesy.Area(g), Derived: p.Derived}
		},
		code: func(a domain.Provinsi) string { return a.Code },
	})
}

// ReadKabupatenKotas reads kabupaten-kota.geojson; Kind, ProvinsiCode,
// Bound and AreaSqM are computed. They come out ordered by code.
func ReadKabupatenKotas(r io.Reader) ([]domain.KabupatenKota, error) {
	return readAreas(r, areaLevel[kabupatenKotaProps, domain.KabupatenKota]{
		file: KabupatenKotaFile, kind: "kabupaten/kota", example: "74.72",
		props:     func(p kabupatenKotaProps) (string, string) { return p.Kode, p.Nama },
		codeShape: func(kode string) bool { return len(kode) == len("74.72") && kode[2] == '.' },
		build: func(p kabupatenKotaProps, g orb.Geometry) domain.KabupatenKota {
			return domain.KabupatenKota{Code: p.Kode, Name: p.Nama, ProvinsiCode: domain.ProvinsiCodeOf(p.Kode),
				Kind: domain.KindOfCode(p.Kode), Geometry: g, Bound: g.Bound(), AreaSqM: geodesy.Area(g), Derived: p.Derived}
		},
		code: func(a domain.KabupatenKota) string { return a.Code },
	})
}

// ReadKecamatans reads kecamatan.geojson; AreaSqM is computed. Kecamatan
// come out ordered by code.
func ReadKecamatans(r io.Reader) ([]domain.Kecamatan, error) {
	return readAreas(r, areaLevel[kecamatanProps, domain.Kecamatan]{
		file: KecamatanFile, kind: "kecamatan", example: "74.72.01",
		props:     func(p kecamatanProps) (string, string) { return p.Kode, p.Nama },
		codeShape: codeOfLength("74.72.01"),
		build: func(p kecamatanProps, g orb.Geometry) domain.Kecamatan {
			return domain.Kecamatan{Code: p.Kode, Name: p.Nama, KabupatenKotaCode: domain.KabupatenKotaCodeOf(p.Kode),
				Geometry: g, Bound: g.Bound(), AreaSqM: geodesy.Area(g)}
		},
		code: func(a domain.Kecamatan) string { return a.Code },
	})
}

// ReadKelurahans reads kelurahan.geojson; Bound and AreaSqM are computed.
// Kelurahan come out ordered by code. ConflictProne is left false: it comes
// from another file (see Load).
func ReadKelurahans(r io.Reader) ([]domain.Kelurahan, error) {
	return readAreas(r, areaLevel[kelurahanProps, domain.Kelurahan]{
		file: KelurahanFile, kind: "kelurahan", example: "74.72.01.1001",
		props:     func(p kelurahanProps) (string, string) { return p.Kode, p.Nama },
		codeShape: codeOfLength("74.72.01.1001"),
		check: func(p kelurahanProps, g orb.Geometry) error {
			if domain.JenisOfCode(p.Kode) == "" {
				return fmt.Errorf("kode is not a kelurahan (1xxx) or desa (2xxx, 3xxx) code")
			}
			if domain.KecamatanCodeOf(p.Kode) != p.KecamatanKode {
				return fmt.Errorf("kecamatanKode %q does not match the kode", p.KecamatanKode)
			}
			if c := orb.Point(p.Centroid); math.IsNaN(c[0]) || math.IsNaN(c[1]) || !g.Bound().Contains(c) {
				return fmt.Errorf("centroid %v lies outside the bounds of the geometry", p.Centroid)
			}
			return nil
		},
		build: func(p kelurahanProps, g orb.Geometry) domain.Kelurahan {
			return domain.Kelurahan{Code: p.Kode, Name: p.Nama, KecamatanCode: p.KecamatanKode,
				Jenis: domain.JenisOfCode(p.Kode), Geometry: g, Centroid: orb.Point(p.Centroid),
				Bound: g.Bound(), AreaSqM: geodesy.Area(g)}
		},
		code: func(a domain.Kelurahan) string { return a.Code },
	})
}

func readConflictProne(r io.Reader) (ConflictProne, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var c ConflictProne
	if err := dec.Decode(&c); err != nil {
		return c, fmt.Errorf("dataset: %s: %w", ConflictProneFile, err)
	}
	return c, nil
}

// ReadForums reads forums.geojson against d's kelurahan. Forums come out
// ordered by id.
func (d *Dataset) ReadForums(r io.Reader) ([]domain.Forum, error) {
	fs, err := decodeCollection[forumProps](r, ForumsFile)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	out := make([]domain.Forum, 0, len(fs))
	for _, f := range fs {
		p := f.Properties
		fail := func(format string, args ...any) error {
			return recordError(ForumsFile, "forum", p.ID, format, args...)
		}
		if p.ID == "" {
			return nil, fail("id is empty")
		}
		if seen[p.ID] {
			return nil, fail("duplicate id")
		}
		seen[p.ID] = true
		if strings.TrimSpace(p.Name) == "" {
			return nil, fail("name is empty")
		}
		if len(p.Kelurahan) == 0 {
			return nil, fail("serves no kelurahan")
		}
		for i, code := range p.Kelurahan {
			if _, ok := d.kelurahanIndex[code]; !ok {
				return nil, fail("kelurahan %q is unknown", code)
			}
			if slices.Contains(p.Kelurahan[:i], code) {
				return nil, fail("kelurahan %q is listed twice", code)
			}
		}
		if p.YearFormed < MinYear || p.YearFormed > MaxYear {
			return nil, fail("yearFormed %d is outside %d..%d", p.YearFormed, MinYear, MaxYear)
		}
		status := domain.ForumStatus(p.Status)
		if !status.Valid() {
			return nil, fail("status %q is unknown", p.Status)
		}
		if p.MemberCount < 0 {
			return nil, fail("memberCount is negative")
		}
		g, err := parseGeometry(f.Geometry)
		if err != nil {
			return nil, fail("geometry: %v", err)
		}
		pt, ok := g.(orb.Point)
		if !ok {
			return nil, fail("geometry (the secretariat) must be a Point")
		}
		home, _ := d.Kelurahan(p.Kelurahan[0])
		if !spatial.ContainsPoint(home.Geometry, pt) {
			return nil, fail("secretariat is not inside its first kelurahan %s", home.Code)
		}
		out = append(out, domain.Forum{
			ID: p.ID, Name: p.Name, KelurahanCodes: p.Kelurahan, YearFormed: p.YearFormed,
			Status: status, MemberCount: p.MemberCount, Secretariat: pt, Description: p.Description,
		})
	}
	slices.SortFunc(out, func(a, b domain.Forum) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// LoadProjects reads projects in the projects.geojson format against d's
// kelurahan and forums: the sample file, or a file of synthetic projects
// written by `serasi generate` for benchmarks. Projects come out ordered by
// id.
func (d *Dataset) LoadProjects(r io.Reader) ([]domain.Project, error) {
	fs, err := decodeCollection[projectProps](r, ProjectsFile)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(fs))
	out := make([]domain.Project, 0, len(fs))
	for _, f := range fs {
		p := f.Properties
		fail := func(format string, args ...any) error {
			return recordError(ProjectsFile, "project", p.ID, format, args...)
		}
		if p.ID == "" {
			return nil, fail("id is empty")
		}
		if seen[p.ID] {
			return nil, fail("duplicate id")
		}
		seen[p.ID] = true
		if strings.TrimSpace(p.Title) == "" {
			return nil, fail("title is empty")
		}
		kind := domain.ProjectKind(p.Kind)
		if !kind.Valid() {
			return nil, fail("kind %q is unknown", p.Kind)
		}
		status := domain.ProjectStatus(p.Status)
		if !status.Valid() {
			return nil, fail("status %q is unknown", p.Status)
		}
		kel, ok := d.Kelurahan(p.Kelurahan)
		if !ok {
			return nil, fail("kelurahan %q is unknown", p.Kelurahan)
		}
		if p.Year < MinYear || p.Year > MaxYear {
			return nil, fail("year %d is outside %d..%d", p.Year, MinYear, MaxYear)
		}
		var forumID string
		if p.ForumID != nil {
			forum, ok := d.Forum(*p.ForumID)
			if !ok {
				return nil, fail("forum %q is unknown", *p.ForumID)
			}
			if !forum.FormedBy(p.Year) {
				return nil, fail("year %d is before forum %s was formed (%d)", p.Year, forum.ID, forum.YearFormed)
			}
			forumID = forum.ID
		}
		if p.BudgetRupiah < 0 {
			return nil, fail("budgetRupiah is negative")
		}
		if p.Beneficiaries < 0 {
			return nil, fail("beneficiaries is negative")
		}
		start, err := parseOptDate(p.StartDate)
		if err != nil {
			return nil, fail("startDate: %v", err)
		}
		finish, err := parseOptDate(p.FinishDate)
		if err != nil {
			return nil, fail("finishDate: %v", err)
		}
		if finish != nil && start == nil {
			return nil, fail("finishDate without a startDate")
		}
		if finish != nil && finish.Before(*start) {
			return nil, fail("finishDate %s is before startDate %s", *p.FinishDate, *p.StartDate)
		}
		g, err := parseGeometry(f.Geometry)
		if err != nil {
			return nil, fail("geometry: %v", err)
		}
		if want := GeometryTypeOf(kind); g == nil || g.GeoJSONType() != want {
			return nil, fail("a %s must have a %s geometry", kind, want)
		}
		if !Covers(kel.Geometry, g) {
			return nil, fail("geometry is not covered by its kelurahan %s", kel.Code)
		}
		out = append(out, domain.Project{
			ID: p.ID, Title: p.Title, Kind: kind, Geometry: g, KelurahanCode: kel.Code, ForumID: forumID,
			Year: p.Year, BudgetRupiah: p.BudgetRupiah, Status: status, StartDate: start, FinishDate: finish,
			Beneficiaries: p.Beneficiaries, Description: p.Description,
		})
	}
	slices.SortFunc(out, func(a, b domain.Project) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// GeometryTypeOf is domain.GeometryTypeOf.
func GeometryTypeOf(k domain.ProjectKind) string { return domain.GeometryTypeOf(k) }

// ReadActivities reads activities.geojson against d's kelurahan and forums.
// Activities come out ordered by date, then id.
func (d *Dataset) ReadActivities(r io.Reader) ([]domain.Activity, error) {
	fs, err := decodeCollection[activityProps](r, ActivitiesFile)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	out := make([]domain.Activity, 0, len(fs))
	for _, f := range fs {
		p := f.Properties
		fail := func(format string, args ...any) error {
			return recordError(ActivitiesFile, "activity", p.ID, format, args...)
		}
		if p.ID == "" {
			return nil, fail("id is empty")
		}
		if seen[p.ID] {
			return nil, fail("duplicate id")
		}
		seen[p.ID] = true
		if strings.TrimSpace(p.Title) == "" {
			return nil, fail("title is empty")
		}
		kind := domain.ActivityKind(p.Kind)
		if !kind.Valid() {
			return nil, fail("kind %q is unknown", p.Kind)
		}
		forum, ok := d.Forum(p.ForumID)
		if !ok {
			return nil, fail("forum %q is unknown", p.ForumID)
		}
		date, err := time.Parse(dateLayout, p.Date)
		if err != nil {
			return nil, fail("date: %v", err)
		}
		if !forum.FormedBy(date.Year()) {
			return nil, fail("date %s is before forum %s was formed (%d)", p.Date, forum.ID, forum.YearFormed)
		}
		if p.Participants < 0 {
			return nil, fail("participants is negative")
		}
		kel, ok := d.Kelurahan(p.Kelurahan)
		if !ok {
			return nil, fail("kelurahan %q is unknown", p.Kelurahan)
		}
		g, err := parseGeometry(f.Geometry)
		if err != nil {
			return nil, fail("geometry: %v", err)
		}
		var loc *orb.Point
		switch g := g.(type) {
		case nil:
			// With no location the kelurahan is the forum's own (see domain.Activity).
			if kel.Code != forum.KelurahanCodes[0] {
				return nil, fail("has no location, so its kelurahan must be its forum's first, %s", forum.KelurahanCodes[0])
			}
		case orb.Point:
			if !spatial.ContainsPoint(kel.Geometry, g) {
				return nil, fail("location is not inside its kelurahan %s", kel.Code)
			}
			loc = &g
		default:
			return nil, fail("geometry must be a Point or null")
		}
		out = append(out, domain.Activity{
			ID: p.ID, Title: p.Title, ForumID: forum.ID, Kind: kind, Date: date, Participants: p.Participants,
			Location: loc, KelurahanCode: kel.Code, Description: p.Description,
		})
	}
	slices.SortFunc(out, func(a, b domain.Activity) int {
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

func parseOptDate(s *string) (*time.Time, error) {
	if s == nil {
		return nil, nil
	}
	t, err := time.Parse(dateLayout, *s)
	if err != nil {
		return nil, err
	}
	return &t, nil
}
