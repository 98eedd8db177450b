package dataset

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/serasi/serasi/internal/domain"
)

// The files of a dataset, at the root of its fs.FS.
const (
	ProvinsiFile      = "provinsi.geojson"
	KabupatenKotaFile = "kabupaten-kota.geojson"
	KecamatanFile     = "kecamatan.geojson"
	KelurahanFile     = "kelurahan.geojson"
	ForumsFile        = "forums.geojson"
	ProjectsFile      = "projects.geojson"
	ActivitiesFile    = "activities.geojson"
	ConflictProneFile = "conflict-prone.json"
)

// dateLayout is how dates are written in the files: calendar dates, UTC.
const dateLayout = "2006-01-02"

// CoordinatePrecision is the number of decimals coordinates are written
// with: 1e-9 degrees is about 0.1 mm, enough to keep every source vertex and
// to drop the float noise of the source file (…500002 → …5).
const CoordinatePrecision = 9

// The JSON property sets of each file. Field order is the key order on disk.

type provinsiProps struct {
	Kode    string `json:"kode"`
	Nama    string `json:"nama"`
	Derived bool   `json:"derived"`
}

type kabupatenKotaProps struct {
	Kode    string `json:"kode"`
	Nama    string `json:"nama"`
	Derived bool   `json:"derived"`
}

type kecamatanProps struct {
	Kode string `json:"kode"`
	Nama string `json:"nama"`
}

type kelurahanProps struct {
	Kode          string     `json:"kode"`
	Nama          string     `json:"nama"`
	KecamatanKode string     `json:"kecamatanKode"`
	Centroid      [2]float64 `json:"centroid"`
}

type forumProps struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Kelurahan    []string `json:"kelurahan"`
	YearFormed   int      `json:"yearFormed"`
	Status       string   `json:"status"`
	MemberCount  int      `json:"memberCount"`
	Description  string   `json:"description"`
	Illustrative bool     `json:"illustrative"`
}

type projectProps struct {
	ID            string  `json:"id"`
	Title         string  `json:"title"`
	Kind          string  `json:"kind"`
	Kelurahan     string  `json:"kelurahan"`
	ForumID       *string `json:"forumId"`
	Year          int     `json:"year"`
	BudgetRupiah  int64   `json:"budgetRupiah"`
	Status        string  `json:"status"`
	StartDate     *string `json:"startDate"`
	FinishDate    *string `json:"finishDate"`
	Beneficiaries int     `json:"beneficiaries"`
	Description   string  `json:"description"`
	Illustrative  bool    `json:"illustrative"`
}

type activityProps struct {
	ID           string `json:"id"`
	Title        string `json:"title"`
	ForumID      string `json:"forumId"`
	Kind         string `json:"kind"`
	Date         string `json:"date"`
	Participants int    `json:"participants"`
	Kelurahan    string `json:"kelurahan"`
	Description  string `json:"description"`
	Illustrative bool   `json:"illustrative"`
}

// ConflictProne is the content of conflict-prone.json.
type ConflictProne struct {
	Illustrative bool     `json:"illustrative"`
	Note         string   `json:"note"`
	Kelurahan    []string `json:"kelurahan"`
}

// feature is one GeoJSON Feature as written and read. Geometry stays raw on
// reading so that spatial.ParseGeoJSON can name the record in its errors.
type feature[P any] struct {
	Type       string          `json:"type"`
	ID         string          `json:"id"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties P               `json:"properties"`
	BBox       json.RawMessage `json:"bbox,omitempty"` // tolerated on reading, never written
}

type collection[P any] struct {
	Type     string       `json:"type"`
	Features []feature[P] `json:"features"`
}

// WriteProvinsis writes provinsi.geojson.
func WriteProvinsis(w io.Writer, ps []domain.Provinsi) error {
	fs := make([]feature[provinsiProps], len(ps))
	for i, p := range ps {
		fs[i] = feature[provinsiProps]{ID: p.Code, Properties: provinsiProps{Kode: p.Code, Nama: p.Name, Derived: p.Derived}}
		if err := setGeometry(&fs[i].Geometry, p.Geometry); err != nil {
			return fmt.Errorf("dataset: provinsi %s: %w", p.Code, err)
		}
	}
	return writeCollection(w, fs)
}

// WriteKabupatenKotas writes kabupaten-kota.geojson.
func WriteKabupatenKotas(w io.Writer, ks []domain.KabupatenKota) error {
	fs := make([]feature[kabupatenKotaProps], len(ks))
	for i, k := range ks {
		fs[i] = feature[kabupatenKotaProps]{ID: k.Code, Properties: kabupatenKotaProps{Kode: k.Code, Nama: k.Name, Derived: k.Derived}}
		if err := setGeometry(&fs[i].Geometry, k.Geometry); err != nil {
			return fmt.Errorf("dataset: kabupaten/kota %s: %w", k.Code, err)
		}
	}
	return writeCollection(w, fs)
}

// WriteKecamatans writes kecamatan.geojson.
func WriteKecamatans(w io.Writer, ks []domain.Kecamatan) error {
	fs := make([]feature[kecamatanProps], len(ks))
	for i, k := range ks {
		fs[i] = feature[kecamatanProps]{ID: k.Code, Properties: kecamatanProps{Kode: k.Code, Nama: k.Name}}
		if err := setGeometry(&fs[i].Geometry, k.Geometry); err != nil {
			return fmt.Errorf("dataset: kecamatan %s: %w", k.Code, err)
		}
	}
	return writeCollection(w, fs)
}

// WriteKelurahans writes kelurahan.geojson.
func WriteKelurahans(w io.Writer, ks []domain.Kelurahan) error {
	fs := make([]feature[kelurahanProps], len(ks))
	for i, k := range ks {
		c := RoundPoint(k.Centroid)
		fs[i] = feature[kelurahanProps]{ID: k.Code, Properties: kelurahanProps{
			Kode: k.Code, Nama: k.Name, KecamatanKode: k.KecamatanCode, Centroid: [2]float64{c[0], c[1]},
		}}
		if err := setGeometry(&fs[i].Geometry, k.Geometry); err != nil {
			return fmt.Errorf("dataset: kelurahan %s: %w", k.Code, err)
		}
	}
	return writeCollection(w, fs)
}

// WriteForums writes forums.geojson; every record is marked illustrative.
func WriteForums(w io.Writer, forums []domain.Forum) error {
	fs := make([]feature[forumProps], len(forums))
	for i, f := range forums {
		fs[i] = feature[forumProps]{ID: f.ID, Properties: forumProps{
			ID: f.ID, Name: f.Name, Kelurahan: f.KelurahanCodes, YearFormed: f.YearFormed,
			Status: string(f.Status), MemberCount: f.MemberCount, Description: f.Description, Illustrative: true,
		}}
		if err := setGeometry(&fs[i].Geometry, f.Secretariat); err != nil {
			return fmt.Errorf("dataset: forum %s: %w", f.ID, err)
		}
	}
	return writeCollection(w, fs)
}

// WriteProjects writes projects in the projects.geojson format; every record
// is marked illustrative (the sample data and the synthetic benchmark data
// alike).
func WriteProjects(w io.Writer, ps []domain.Project) error {
	fs := make([]feature[projectProps], len(ps))
	for i, p := range ps {
		fs[i] = feature[projectProps]{ID: p.ID, Properties: projectProps{
			ID: p.ID, Title: p.Title, Kind: string(p.Kind), Kelurahan: p.KelurahanCode,
			ForumID: optString(p.ForumID), Year: p.Year, BudgetRupiah: p.BudgetRupiah,
			Status: string(p.Status), StartDate: optDate(p.StartDate), FinishDate: optDate(p.FinishDate),
			Beneficiaries: p.Beneficiaries, Description: p.Description, Illustrative: true,
		}}
		if err := setGeometry(&fs[i].Geometry, p.Geometry); err != nil {
			return fmt.Errorf("dataset: project %s: %w", p.ID, err)
		}
	}
	return writeCollection(w, fs)
}

// WriteActivities writes activities.geojson; an activity with no location
// has a null geometry.
func WriteActivities(w io.Writer, as []domain.Activity) error {
	fs := make([]feature[activityProps], len(as))
	for i, a := range as {
		fs[i] = feature[activityProps]{ID: a.ID, Properties: activityProps{
			ID: a.ID, Title: a.Title, ForumID: a.ForumID, Kind: string(a.Kind),
			Date: a.Date.UTC().Format(dateLayout), Participants: a.Participants,
			Kelurahan: a.KelurahanCode, Description: a.Description, Illustrative: true,
		}}
		var g orb.Geometry
		if a.Location != nil {
			g = *a.Location
		}
		if err := setGeometry(&fs[i].Geometry, g); err != nil {
			return fmt.Errorf("dataset: activity %s: %w", a.ID, err)
		}
	}
	return writeCollection(w, fs)
}

// WriteConflictProne writes conflict-prone.json.
func WriteConflictProne(w io.Writer, c ConflictProne) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// writeCollection writes one feature per line so that diffs of the
// committed files stay readable; json.Marshal of structs keeps key order
// fixed, so the output is byte-identical for the same input.
func writeCollection[P any](w io.Writer, fs []feature[P]) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(`{"type":"FeatureCollection","features":[` + "\n")
	for i := range fs {
		fs[i].Type = "Feature"
		b, err := json.Marshal(fs[i])
		if err != nil {
			return err
		}
		bw.Write(b)
		if i < len(fs)-1 {
			bw.WriteByte(',')
		}
		bw.WriteByte('\n')
	}
	bw.WriteString("]}\n")
	return bw.Flush()
}

func setGeometry(dst *json.RawMessage, g orb.Geometry) error {
	if g == nil {
		*dst = json.RawMessage("null")
		return nil
	}
	b, err := geojson.NewGeometry(Round(g)).MarshalJSON()
	if err != nil {
		return err
	}
	*dst = b
	return nil
}

// Round returns a copy of g with every coordinate rounded to
// CoordinatePrecision decimals, as the files store them.
func Round(g orb.Geometry) orb.Geometry {
	switch g := g.(type) {
	case orb.Point:
		return RoundPoint(g)
	case orb.LineString:
		return orb.LineString(roundPoints(g))
	case orb.Ring:
		return orb.Ring(roundPoints(g))
	case orb.Polygon:
		out := make(orb.Polygon, len(g))
		for i, r := range g {
			out[i] = orb.Ring(roundPoints(r))
		}
		return out
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, len(g))
		for i, p := range g {
			out[i] = Round(p).(orb.Polygon)
		}
		return out
	case orb.MultiPoint:
		return orb.MultiPoint(roundPoints(g))
	case orb.MultiLineString:
		out := make(orb.MultiLineString, len(g))
		for i, l := range g {
			out[i] = orb.LineString(roundPoints(l))
		}
		return out
	}
	return g
}

// RoundPoint rounds p to CoordinatePrecision decimals.
func RoundPoint(p orb.Point) orb.Point {
	const scale = 1e9 // 10^CoordinatePrecision
	return orb.Point{math.Round(p[0]*scale) / scale, math.Round(p[1]*scale) / scale}
}

func roundPoints(ps []orb.Point) []orb.Point {
	out := make([]orb.Point, len(ps))
	for i, p := range ps {
		out[i] = RoundPoint(p)
	}
	return out
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optDate(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(dateLayout)
	return &s
}
