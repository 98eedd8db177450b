package graph

import (
	"context"

	"github.com/serasi/serasi/graph/model"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// Costs of the complexity limit. gqlgen's default counts one per field; on
// top of it, lists multiply what each item selects (by the page size asked
// for, or by a bound of the data for unpaginated lists), geometry costs
// more than a scalar (it is big on the wire and may be simplified), and a
// whole layer costs as much as a large page.
const (
	geometryCost = 10
	layerCost    = 2_000
	// Upper bounds of the unpaginated lists.
	forumsBound            = 20
	forumsPerKelurahanList = 5
	neighboursBound        = 12 // the most in the data is 10
	kindCount              = 7
	// CoverageGaps and kelurahanSummary list the kelurahan of the program
	// data (conflict-prone marks, forums: Kota Baubau's 43).
	kelurahanCount = 43
	// The levels above, from the national data (the embedded data has one
	// of each).
	provinsiCount         = 38
	kabupatenKotaCount    = 514
	kabupatenPerProvinsi  = 38
	kecamatanPerKabupaten = 51
	yearsBound            = 13 // 2015..2027
)

// DefaultMaxComplexity admits a full page of 500 projects with their
// geometry and kelurahan, or every kelurahan with a default page of 50
// projects each, but not every kelurahan with 500 projects each.
const DefaultMaxComplexity = 50_000

// areaPageDefault and areaPageMax bound the pages of Query.kecamatans and
// Query.kelurahans (the schema's default and the most a request may ask).
const (
	areaPageDefault = 100
	areaPageMax     = 1_000
)

// areaPageCost is what a page of kecamatans or kelurahans costs: first
// (its default when not given), or the whole list when it holds fewer,
// times what each item selects. A first out of range is refused by the
// resolver; it costs the maximum here.
func areaPageCost(first *int, count, child int) int {
	n := areaPageDefault
	if first != nil {
		n = *first
	}
	if n < 1 || n > areaPageMax {
		n = areaPageMax
	}
	return 1 + min(n, count)*child
}

func pageCost(first *int, child int) int {
	n := 50
	if first != nil && *first > 0 {
		n = *first
	}
	return 1 + n*child
}

func geometry(child int, _ *float64, _ *int) int { return geometryCost + child }

// Bounds are the sizes of the area lists that the costs assume: a page of
// Query.kecamatans or Query.kelurahans costs no more items than the store
// holds, Kecamatan.kelurahan the most kelurahan of one kecamatan.
type Bounds struct {
	Kecamatans, Kelurahans int
	KelurahanPerKecamatan  int
}

// NationalBounds are those of the national boundaries (7,277 kecamatan,
// 83,190 kelurahan and desa, at most 108 in one kecamatan: 95.06.03): the
// bounds to assume when the store's own are not known.
var NationalBounds = Bounds{Kecamatans: 7_277, Kelurahans: 83_190, KelurahanPerKecamatan: 108}

// StoreBounds reads s's Bounds: the counts up to a full page and, when the
// kelurahan fit in one (Kota Baubau's 43), the most in one kecamatan; a
// larger set keeps NationalBounds' 108. Costs are fixed when the server is
// built, so a set imported into a running PostGIS counts from the next
// start. A store that cannot answer gets NationalBounds.
func StoreBounds(ctx context.Context, s store.Store) Bounds {
	if s == nil {
		return NationalBounds
	}
	kecs, err := s.Kecamatans(ctx, domain.KecamatanFilter{Limit: areaPageMax + 1})
	if err != nil {
		return NationalBounds
	}
	kels, err := s.Kelurahans(ctx, domain.KelurahanFilter{Limit: areaPageMax + 1})
	if err != nil {
		return NationalBounds
	}
	b := Bounds{Kecamatans: len(kecs), Kelurahans: len(kels), KelurahanPerKecamatan: NationalBounds.KelurahanPerKecamatan}
	if len(kels) <= areaPageMax {
		per := map[string]int{}
		b.KelurahanPerKecamatan = 0
		for _, k := range kels {
			per[k.KecamatanCode]++
			b.KelurahanPerKecamatan = max(b.KelurahanPerKecamatan, per[k.KecamatanCode])
		}
	}
	return b
}

// complexity returns the per-field costs for Config.Complexity with the
// national bounds.
func complexity() ComplexityRoot { return complexityFor(NationalBounds) }

// complexityFor returns the per-field costs for Config.Complexity over a
// store with bounds b.
func complexityFor(b Bounds) ComplexityRoot {
	var c ComplexityRoot
	c.Kecamatan.Geometry = geometry
	c.Kecamatan.Kelurahan = func(child int) int { return 1 + b.KelurahanPerKecamatan*child }
	c.Kelurahan.Geometry = geometry
	c.Kelurahan.Centroid = func(child int) int { return 2 + child }
	c.Kelurahan.Forums = func(child int) int { return 1 + forumsPerKelurahanList*child }
	c.Kelurahan.Projects = func(child int, first *int, _ *string, _ *model.ProjectFilter) int { return pageCost(first, child) }
	c.Kelurahan.Activities = func(child int, first *int, _ *string) int { return pageCost(first, child) }
	c.Kelurahan.Neighbours = func(child int) int { return 1 + neighboursBound*child }
	c.CoverageGap.ServedNeighbours = func(child int) int { return 1 + neighboursBound*child }
	c.KelurahanSummary.ByKind = func(child int) int { return 1 + kindCount*child }
	c.KelurahanSummary.ByYear = func(child int) int { return 1 + yearsBound*child }
	c.Forum.Kelurahan = func(child int) int { return 1 + forumsPerKelurahanList*child }
	c.Forum.Secretariat = func(child int) int { return 2 + child }
	c.Forum.Projects = func(child int, first *int, _ *string) int { return pageCost(first, child) }
	c.Forum.Activities = func(child int, first *int, _ *string) int { return pageCost(first, child) }
	c.Project.Geometry = geometry
	c.Activity.Location = func(child int) int { return 2 + child }
	c.Query.Kecamatans = func(child int, _ *model.KecamatanFilter, first *int, _ *string) int {
		return areaPageCost(first, b.Kecamatans, child)
	}
	c.Query.Provinsis = func(child int) int { return 1 + provinsiCount*child }
	c.Query.KabupatenKotas = func(child int, _ *string) int { return 1 + kabupatenKotaCount*child }
	c.Provinsi.Geometry = geometry
	c.Provinsi.KabupatenKotas = func(child int) int { return 1 + kabupatenPerProvinsi*child }
	c.KabupatenKota.Geometry = geometry
	c.KabupatenKota.Kecamatans = func(child int) int { return 1 + kecamatanPerKabupaten*child }
	c.Query.Kelurahans = func(child int, _ *model.KelurahanFilter, first *int, _ *string) int {
		return areaPageCost(first, b.Kelurahans, child)
	}
	c.Query.CoverageGaps = func(child int) int { return 1 + kelurahanCount*child }
	c.Query.KelurahanSummary = func(child int, _ *model.ProjectFilter) int { return 1 + kelurahanCount*child }
	c.Query.Forums = func(child int, _ *model.ForumFilter) int { return 1 + forumsBound*child }
	c.Query.Projects = func(child int, _ *model.ProjectFilter, _ *model.ProjectOrder, first *int, _ *string) int {
		return pageCost(first, child)
	}
	c.Query.Activities = func(child int, _ *model.ActivityFilter, first *int, _ *string) int { return pageCost(first, child) }
	c.Query.NearestProjects = func(child int, _, _ float64, limit *int, _ []domain.ProjectKind) int {
		n := store.DefaultNearest
		if limit != nil && *limit > 0 {
			n = *limit
		}
		return 1 + n*child
	}
	c.Query.ProjectStats = func(child int, _ *model.ProjectFilter, _ []domain.StatsDimension) int {
		return 1 + 100*child // groups: at most years × kinds × ... in practice a few hundred
	}
	c.Query.AuditLog = func(child int, _ *model.AuditFilter, first *int, _ *string) int { return pageCost(first, child) }
	layer := func(child int) int { return layerCost + child }
	c.Query.KecamatanLayer = func(child int, _ *float64, _ *int) int { return layer(child) }
	c.Query.KelurahanLayer = func(child int, _ *model.KelurahanFilter, _ *float64, _ *int) int { return layer(child) }
	c.Query.ForumsLayer = func(child int, _ *model.ForumFilter, _ *float64, _ *int) int { return layer(child) }
	c.Query.ProjectsLayer = func(child int, _ *model.ProjectFilter, _ *float64, _ *int) int { return layer(child) }
	c.Query.ActivitiesLayer = func(child int, _ *model.ActivityFilter, _ *float64, _ *int) int { return layer(child) }
	return c
}
