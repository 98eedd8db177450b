package domain

import (
	"time"

	"github.com/paulmach/orb"
)

// ForumStatus is the state of a Forum Keserasian Sosial.
type ForumStatus string

const (
	ForumActive   ForumStatus = "ACTIVE"
	ForumInactive ForumStatus = "INACTIVE"
)

// Forum is a Forum Keserasian Sosial (FKS), formed by Dinas Sosial in one or
// more conflict-prone kelurahan.
type Forum struct {
	ID             string // e.g. "fks-2015-wale"
	Name           string
	KelurahanCodes []string // the kelurahan served; the first is where the secretariat is
	YearFormed     int      // cohort year, 2015 or later
	Status         ForumStatus
	MemberCount    int
	Secretariat    orb.Point
	Description    string
	// Version counts the changes of the record: 1 when created (or seeded),
	// one more after each update. Writes name the version they read
	// (optimistic concurrency, see store.Writer).
	Version int
}

// ForumFilter selects forums; zero fields do not filter. Results are ordered by id.
type ForumFilter struct {
	Statuses      []ForumStatus
	YearFormed    *int
	KelurahanCode string // forums serving this kelurahan
	KecamatanCode string // forums serving a kelurahan of this kecamatan
}

// ProjectKind is the kind of a physical activity.
type ProjectKind string

const (
	VillageRoad                   ProjectKind = "VILLAGE_ROAD"
	WorshipFacilityRehabilitation ProjectKind = "WORSHIP_FACILITY_REHABILITATION"
	SportsField                   ProjectKind = "SPORTS_FIELD"
	DrainageRehabilitation        ProjectKind = "DRAINAGE_REHABILITATION"
	CleanWaterSupply              ProjectKind = "CLEAN_WATER_SUPPLY"
	NeighbourhoodLighting         ProjectKind = "NEIGHBOURHOOD_LIGHTING"
	HarmonyMonument               ProjectKind = "HARMONY_MONUMENT"
)

// ProjectStatus is the state of a physical project.
type ProjectStatus string

const (
	ProjectPlanned    ProjectStatus = "PLANNED"
	ProjectInProgress ProjectStatus = "IN_PROGRESS"
	ProjectCompleted  ProjectStatus = "COMPLETED"
	ProjectCancelled  ProjectStatus = "CANCELLED"
)

// Project is a physical activity of the program: a road, a rehabilitated
// place of worship, a sports field, ...
type Project struct {
	ID    string // e.g. "prj-001"
	Title string
	Kind  ProjectKind
	// Geometry is an orb.Point, orb.LineString (roads, drainage) or
	// orb.Polygon (fields).
	Geometry orb.Geometry
	// KelurahanCode is derived from the geometry: the kelurahan at its first
	// coordinate (see the sliver rule of Store.KelurahanAt).
	KelurahanCode string
	ForumID       string // "" when no forum is attached
	Year          int
	BudgetRupiah  int64
	Status        ProjectStatus
	StartDate     *time.Time // a calendar date at 00:00 UTC
	FinishDate    *time.Time
	Beneficiaries int
	Description   string
	Version       int // see Forum.Version
}

// ProjectHit is a project with its geodesic distance in metres from a query point.
type ProjectHit struct {
	Project
	DistanceMeters float64
}

// Near selects geometries within RadiusMeters (geodesic, metres on the
// WGS 84 ellipsoid) of Point.
type Near struct {
	Point        orb.Point
	RadiusMeters float64
}

// ProjectOrderField orders project lists. Ties are always broken by id ascending.
type ProjectOrderField string

const (
	OrderByID       ProjectOrderField = "ID"
	OrderByYear     ProjectOrderField = "YEAR"
	OrderByBudget   ProjectOrderField = "BUDGET"
	OrderByTitle    ProjectOrderField = "TITLE"
	OrderByDistance ProjectOrderField = "DISTANCE" // only with Near
)

// ProjectOrder is a sort order for projects.
type ProjectOrder struct {
	Field ProjectOrderField
	Desc  bool
}

// ProjectFilter selects projects; zero fields do not filter.
type ProjectFilter struct {
	Kinds          []ProjectKind
	Statuses       []ProjectStatus
	YearFrom       *int
	YearTo         *int
	KelurahanCodes []string
	KecamatanCodes []string
	ForumID        string
	// IDAfter keeps the ids that sort after it (byte order), so that a list
	// by id pages by key: the next page starts after the last id seen,
	// however far into the list, without an offset to skip.
	IDAfter string
	BBox    *orb.Bound   // geometry intersects the box
	Within  orb.Geometry // geometry covered by this Polygon/MultiPolygon
	Near    *Near
}

// Page is an offset window over an ordered list.
type Page struct {
	Offset int
	Limit  int
	// NoCount spares the store counting every match, which costs a read of
	// all of them where the page reads only Limit: TotalCount is then -1.
	NoCount bool
}

// ProjectPage is one page of projects with the total number that matched
// (-1 when the page asked for NoCount).
type ProjectPage struct {
	Items      []ProjectHit // DistanceMeters is set only when the filter had Near
	TotalCount int
}

// ActivityKind is the kind of a non-physical activity.
type ActivityKind string

const (
	Dialogue      ActivityKind = "DIALOGUE"
	Socialisation ActivityKind = "SOCIALISATION"
	Training      ActivityKind = "TRAINING"
	CulturalEvent ActivityKind = "CULTURAL_EVENT"
	SportsEvent   ActivityKind = "SPORTS_EVENT"
	Mediation     ActivityKind = "MEDIATION"
)

// Activity is a non-physical activity: a dialogue, a training, an event.
type Activity struct {
	ID      string // e.g. "act-001"
	Title   string
	ForumID string
	Kind    ActivityKind
	Date    time.Time // a calendar date at 00:00 UTC
	// Participants counts the people who took part.
	Participants int
	Location     *orb.Point // nil when not recorded
	// KelurahanCode is derived from Location when there is one, else it is
	// the first kelurahan of the forum.
	KelurahanCode string
	Description   string
	Version       int // see Forum.Version
}

// ActivityFilter selects activities; zero fields do not filter. Results are
// ordered by date, then id.
type ActivityFilter struct {
	Kinds          []ActivityKind
	ForumID        string
	KelurahanCodes []string
	DateFrom       *time.Time
	DateTo         *time.Time
	BBox           *orb.Bound // only activities with a location inside the box
}

// ActivityPage is one page of activities with the total number that matched
// (-1 when the page asked for NoCount).
type ActivityPage struct {
	Items      []Activity
	TotalCount int
}

// StatsDimension is a dimension that project statistics can be grouped by.
type StatsDimension string

const (
	ByYear      StatsDimension = "YEAR"
	ByKind      StatsDimension = "KIND"
	ByStatus    StatsDimension = "STATUS"
	ByKelurahan StatsDimension = "KELURAHAN"
	ByKecamatan StatsDimension = "KECAMATAN"
	ByForum     StatsDimension = "FORUM"
)

// StatsRow is one group of project statistics. Only the keys of the grouped
// dimensions are set.
type StatsRow struct {
	Year          int
	Kind          ProjectKind
	Status        ProjectStatus
	KelurahanCode string
	KecamatanCode string
	ForumID       string // "" groups projects with no forum
	Count         int
	BudgetRupiah  int64
	Beneficiaries int
}
