package domain

import "time"

// Invariants of the program's records, which every writer (the API, the
// importer, the dataset loader) keeps the same way.

// MinYear is the first year of the program: the 2015 forum cohort.
const MinYear = 2015

// MaxYear is the latest year a record may name at time now: next year
// (planned projects are budgeted a year ahead).
func MaxYear(now time.Time) int { return now.UTC().Year() + 1 }

// YearInProgram reports whether y lies in MinYear..MaxYear(now).
func YearInProgram(y int, now time.Time) bool { return y >= MinYear && y <= MaxYear(now) }

// GeometryTypeOf returns the GeoJSON geometry type that projects of kind k
// have: roads and drainage are lines, sports fields are areas, the rest are
// points.
func GeometryTypeOf(k ProjectKind) string {
	switch k {
	case VillageRoad, DrainageRehabilitation:
		return "LineString"
	case SportsField:
		return "Polygon"
	}
	return "Point"
}

// FormedBy reports whether forum f existed in year: a forum can hold only
// projects and activities of its year of formation or later.
func (f Forum) FormedBy(year int) bool { return year >= f.YearFormed }
