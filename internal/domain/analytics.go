package domain

import "time"

// CoverageGap is a conflict-prone kelurahan that no ACTIVE forum serves.
type CoverageGap struct {
	KelurahanCode string
	// NearestForumID is the ACTIVE forum whose secretariat is nearest to
	// the kelurahan's centroid (ties by id); "" when no forum is active.
	NearestForumID string
	// DistanceMeters is the geodesic distance on the WGS 84 ellipsoid from
	// the kelurahan's centroid to that secretariat; 0 without a forum.
	DistanceMeters float64
	// ServedNeighbourCodes are the neighbours (see Store.KelurahanNeighbours)
	// that an ACTIVE forum serves, ordered by code.
	ServedNeighbourCodes []string
}

// KelurahanSummary is what a choropleth of one kelurahan needs: its
// projects' counts and budgets in total, by kind and by year, its
// activities and its forums.
type KelurahanSummary struct {
	KelurahanCode string
	AreaSqM       float64 // as Kelurahan.AreaSqM, for budgets per km²
	ProjectCount  int
	BudgetRupiah  int64
	Beneficiaries int
	ByKind        []SummaryTotal // only kinds with a project, ordered by kind; Year is 0
	ByYear        []SummaryTotal // only years with a project, ascending; Kind is ""
	ActivityCount int
	// LastActivityDate is the date of its latest activity; nil without one.
	LastActivityDate *time.Time
	// ActiveForumCount counts the ACTIVE forums that serve it.
	ActiveForumCount int
}

// SummaryTotal is the count and budget of one kind or one year of a
// KelurahanSummary.
type SummaryTotal struct {
	Kind         ProjectKind
	Year         int
	Count        int
	BudgetRupiah int64
}
