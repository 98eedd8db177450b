// Package store defines the Store interface that the GraphQL layer and the
// HTTP handlers read through. Two implementations answer it identically:
// store/memory (the embedded default) and store/postgis; store/storetest
// holds the one conformance suite both must pass.
package store

import (
	"context"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
)

// Limits that every implementation enforces the same way.
const (
	MaxPageSize     = 500      // Page.Limit above this is EINVALID
	MaxRadiusMeters = 50_000.0 // Near.RadiusMeters above this is EINVALID
	MaxNearest      = 100      // NearestProjects limit above this is EINVALID
	DefaultNearest  = 10

	// NeighbourToleranceMeters is how close (geodesic, on the WGS 84
	// ellipsoid) two kelurahan polygons must come to count as neighbours.
	// The source polygons were simplified one by one, so a shared border
	// is an overlap or a gap of up to 13 m in the embedded data; the next
	// pair that does not share one is 76 m apart.
	NeighbourToleranceMeters = 25.0
)

// Store reads the program's data. Every method returns *domain.Error values
// for the caller's mistakes (EINVALID) and for missing records (ENOTFOUND);
// any other error is internal. Slices are never shared with the store's own
// state: callers may keep or change them.
//
// Filters are validated by the store (see Validate* in this package) so both
// implementations refuse the same input with the same message.
type Store interface {
	// Provinsis returns every provinsi ordered by code.
	Provinsis(ctx context.Context) ([]domain.Provinsi, error)
	// Provinsi returns one provinsi, or ENOTFOUND.
	Provinsi(ctx context.Context, code string) (domain.Provinsi, error)
	// KabupatenKotas returns the kabupaten/kota matching f ordered by code.
	KabupatenKotas(ctx context.Context, f domain.KabupatenKotaFilter) ([]domain.KabupatenKota, error)
	// KabupatenKota returns one kabupaten/kota, or ENOTFOUND.
	KabupatenKota(ctx context.Context, code string) (domain.KabupatenKota, error)

	// Kecamatans returns the kecamatan matching f ordered by code.
	Kecamatans(ctx context.Context, f domain.KecamatanFilter) ([]domain.Kecamatan, error)
	// Kecamatan returns one kecamatan, or ENOTFOUND.
	Kecamatan(ctx context.Context, code string) (domain.Kecamatan, error)

	// Kelurahans returns the kelurahan matching f ordered by code.
	// EINVALID for a bad bbox or geometry.
	Kelurahans(ctx context.Context, f domain.KelurahanFilter) ([]domain.Kelurahan, error)
	// Kelurahan returns one kelurahan, or ENOTFOUND.
	Kelurahan(ctx context.Context, code string) (domain.Kelurahan, error)
	// KelurahansByCodes returns the kelurahan with the given codes in the
	// order asked; unknown codes are skipped (dataloaders match by code).
	KelurahansByCodes(ctx context.Context, codes []string) ([]domain.Kelurahan, error)
	// KelurahanAt returns the kelurahan whose polygon covers p (boundary
	// included). Where the simplified source polygons overlap, the kelurahan
	// with the lowest code wins. ENOTFOUND when no polygon covers p (the sea,
	// a sliver gap, outside the city); EINVALID for a point out of range.
	KelurahanAt(ctx context.Context, p orb.Point) (domain.Kelurahan, error)

	// Forums returns the forums matching f ordered by id.
	Forums(ctx context.Context, f domain.ForumFilter) ([]domain.Forum, error)
	// Forum returns one forum, or ENOTFOUND.
	Forum(ctx context.Context, id string) (domain.Forum, error)
	// ForumsByIDs returns the forums with the given ids; unknown ids are skipped.
	ForumsByIDs(ctx context.Context, ids []string) ([]domain.Forum, error)

	// Projects returns one page of the projects matching f in order o. The
	// zero order is by id, or by distance when f.Near is set; ties go by id.
	// EINVALID for a bad filter, order or page.
	Projects(ctx context.Context, f domain.ProjectFilter, o domain.ProjectOrder, p domain.Page) (domain.ProjectPage, error)
	// Project returns one project, or ENOTFOUND.
	Project(ctx context.Context, id string) (domain.Project, error)
	// NearestProjects returns up to limit projects nearest to p (geodesic
	// distance to the nearest point of the geometry), nearest first, ties by
	// id. An empty kinds list means every kind. EINVALID for a bad point or a
	// limit outside 1..MaxNearest.
	NearestProjects(ctx context.Context, p orb.Point, limit int, kinds []domain.ProjectKind) ([]domain.ProjectHit, error)
	// ProjectStats groups the projects matching f by the given dimensions
	// (none: one row of totals), ordered by the dimension keys in the order given.
	ProjectStats(ctx context.Context, f domain.ProjectFilter, by []domain.StatsDimension) ([]domain.StatsRow, error)

	// Activities returns one page of the activities matching f, ordered by
	// date then id.
	Activities(ctx context.Context, f domain.ActivityFilter, p domain.Page) (domain.ActivityPage, error)
	// Activity returns one activity, or ENOTFOUND.
	Activity(ctx context.Context, id string) (domain.Activity, error)

	// KelurahanNeighbours returns, for each code asked (in that order), the
	// codes of the other kelurahan whose polygons come within
	// NeighbourToleranceMeters of its polygon (touching at a corner
	// included), ordered by code; an unknown code has none. The relation is
	// symmetric.
	KelurahanNeighbours(ctx context.Context, codes []string) ([][]string, error)
	// CoverageGaps returns the conflict-prone kelurahan that no ACTIVE
	// forum serves, ordered by code, each with the ACTIVE forum whose
	// secretariat is nearest to its centroid.
	CoverageGaps(ctx context.Context) ([]domain.CoverageGap, error)
	// KelurahanSummaries returns one summary for every kelurahan, ordered
	// by code, counting the projects that match f (zero where none do);
	// the activity and forum fields ignore f. EINVALID for a bad filter.
	KelurahanSummaries(ctx context.Context, f domain.ProjectFilter) ([]domain.KelurahanSummary, error)

	// Ping reports whether the store can answer (the database is reachable).
	Ping(ctx context.Context) error
	// Close releases the store's resources.
	Close() error
}

// InProcess is implemented by a store whose records live in this
// process's memory (store/memory), so that what would copy them for speed
// (internal/mirror) can leave out what the store already answers from
// memory.
type InProcess interface {
	InProcess()
}
