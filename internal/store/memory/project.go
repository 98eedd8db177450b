package memory

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/geodesy"
	"github.com/serasi/serasi/internal/spatial"
	"github.com/serasi/serasi/internal/store"
)

// hit is a matched project (the stored one: clone it to hand it out) and,
// with a Near filter, its geodesic distance in metres.
type hit struct {
	p    *domain.Project
	dist float64
}

// Projects returns one page of the projects matching f in order o.
func (s *Store) Projects(ctx context.Context, f domain.ProjectFilter, o domain.ProjectOrder, p domain.Page) (domain.ProjectPage, error) {
	o, err := store.ValidateProjectFilter(f, o)
	if err != nil {
		return domain.ProjectPage{}, err
	}
	if err := store.ValidatePage(p); err != nil {
		return domain.ProjectPage{}, err
	}
	d := s.snapshot()
	if items, ok := d.walkByID(f, o, p); ok {
		return domain.ProjectPage{Items: items, TotalCount: -1}, nil
	}
	hits := d.matchProjects(f)
	slices.SortFunc(hits, d.projectOrder(o))
	win := page(hits, p)
	items := make([]domain.ProjectHit, len(win))
	for j, h := range win {
		items[j] = domain.ProjectHit{Project: cloneProject(*h.p), DistanceMeters: h.dist}
	}
	total := len(hits)
	if p.NoCount {
		total = -1
	}
	return domain.ProjectPage{Items: items, TotalCount: total}, nil
}

// walkScan is how many projects per item of the page walkByID tests at
// most before it leaves the page to matchProjects.
const walkScan = 50

// walkByID answers an uncounted page by id, from the start or a key, by
// walking the projects in id order (the tree's order) and testing
// each until the page is full: a few hundred tests where the filter keeps
// one project in 50 or more, instead of every match in a box tested exactly
// and sorted. ok is false when the walk did not fill the page within
// walkScan rows per item (a filter that keeps few), nor reach the end.
func (d *data) walkByID(f domain.ProjectFilter, o domain.ProjectOrder, p domain.Page) ([]domain.ProjectHit, bool) {
	if !p.NoCount || o.Field != domain.OrderByID || o.Desc || f.Near != nil || p.Limit <= 0 {
		return nil, false
	}
	need := p.Offset + p.Limit
	budget := walkScan * need
	match := d.projectMatcher(f)
	var hits []hit
	exhausted := true // the walk reached the last project
	d.projectsFrom(f.IDAfter, func(pr *domain.Project) bool {
		if len(hits) >= need || budget <= 0 {
			exhausted = false
			return false
		}
		budget--
		if h, ok := match(pr); ok {
			hits = append(hits, h)
		}
		return true
	})
	if len(hits) < need && !exhausted {
		return nil, false
	}
	win := page(hits, p)
	items := make([]domain.ProjectHit, len(win))
	for j, h := range win {
		items[j] = domain.ProjectHit{Project: cloneProject(*h.p)}
	}
	return items, true
}

// Project returns one project, or ENOTFOUND.
func (s *Store) Project(ctx context.Context, id string) (domain.Project, error) {
	d := s.snapshot()
	p, ok := d.project(id)
	if !ok {
		return domain.Project{}, domain.NotFound("project", id)
	}
	return cloneProject(*p), nil
}

// matchProjects returns the projects matching a validated filter, in no
// particular order. Spatial filters first narrow the candidates through the
// R-tree, then test the exact geometry.
func (d *data) matchProjects(f domain.ProjectFilter) []hit {
	match := d.projectMatcher(f)
	var hits []hit
	consider := func(p *domain.Project) bool {
		if h, ok := match(p); ok {
			hits = append(hits, h)
		}
		return true
	}
	switch {
	case f.Near != nil:
		b := geodesy.BoundAround(f.Near.Point, f.Near.RadiusMeters)
		if f.BBox != nil {
			b = intersection(b, *f.BBox)
		}
		d.projIndex.Search(b.Min, b.Max, func(_, _ [2]float64, p *domain.Project) bool { return consider(p) })
	case f.BBox != nil:
		d.projIndex.Search(f.BBox.Min, f.BBox.Max, func(_, _ [2]float64, p *domain.Project) bool { return consider(p) })
	default:
		d.projects.Scan(consider)
	}
	return hits
}

// projectMatcher returns the test of one project against a validated
// filter, with its distance when the filter has Near.
func (d *data) projectMatcher(f domain.ProjectFilter) func(p *domain.Project) (hit, bool) {
	kinds := stringSet(f.Kinds)
	statuses := stringSet(f.Statuses)
	kelurahans := stringSet(f.KelurahanCodes)
	kecamatans := stringSet(f.KecamatanCodes)
	var box orb.Polygon
	if f.BBox != nil {
		box = boundPolygon(*f.BBox)
	}
	var withinBound orb.Bound
	if f.Within != nil {
		withinBound = f.Within.Bound()
	}

	return func(p *domain.Project) (hit, bool) {
		switch {
		case kinds != nil && !kinds[p.Kind],
			statuses != nil && !statuses[p.Status],
			f.YearFrom != nil && p.Year < *f.YearFrom,
			f.YearTo != nil && p.Year > *f.YearTo,
			kelurahans != nil && !kelurahans[p.KelurahanCode],
			kecamatans != nil && !kecamatans[domain.KecamatanCodeOf(p.KelurahanCode)],
			f.ForumID != "" && p.ForumID != f.ForumID,
			f.IDAfter != "" && p.ID <= f.IDAfter,
			p.Geometry == nil && (f.BBox != nil || f.Within != nil || f.Near != nil),
			f.BBox != nil && !spatial.Intersects(p.Geometry, box),
			f.Within != nil && !(withinBound.Intersects(p.Geometry.Bound()) && spatial.Covers(f.Within, p.Geometry)):
			return hit{}, false
		}
		h := hit{p: p}
		if f.Near != nil {
			h.dist = geodesy.DistanceToGeometry(f.Near.Point, p.Geometry)
			if h.dist > f.Near.RadiusMeters {
				return hit{}, false
			}
		}
		return h, true
	}
}

// intersection of two bounds; an empty result becomes an inverted bound that
// the R-tree finds nothing in.
func intersection(a, b orb.Bound) orb.Bound {
	return orb.Bound{
		Min: orb.Point{max(a.Min[0], b.Min[0]), max(a.Min[1], b.Min[1])},
		Max: orb.Point{min(a.Max[0], b.Max[0]), min(a.Max[1], b.Max[1])},
	}
}

// projectOrder compares hits in a validated order; ties always go by id
// ascending, whatever the direction.
func (d *data) projectOrder(o domain.ProjectOrder) func(a, b hit) int {
	return func(a, b hit) int {
		pa, pb := a.p, b.p
		var c int
		switch o.Field {
		case domain.OrderByYear:
			c = cmp.Compare(pa.Year, pb.Year)
		case domain.OrderByBudget:
			c = cmp.Compare(pa.BudgetRupiah, pb.BudgetRupiah)
		case domain.OrderByTitle:
			c = strings.Compare(pa.Title, pb.Title)
		case domain.OrderByDistance:
			c = cmp.Compare(a.dist, b.dist)
		default:
			c = strings.Compare(pa.ID, pb.ID)
		}
		if o.Desc {
			c = -c
		}
		if c != 0 {
			return c
		}
		return strings.Compare(pa.ID, pb.ID)
	}
}

// NearestProjects returns up to limit projects nearest to p, nearest first,
// ties by id.
//
// It walks the R-tree best first (rtree Nearby), ranking nodes and items by
// a lower bound of the geodesic distance to their box, measures the items
// in that order, and stops once the next bound exceeds the limit-th best
// distance. With 100,000 projects it measures a few dozen geometries
// instead of all of them, wherever p is (a point out at sea included).
func (s *Store) NearestProjects(ctx context.Context, p orb.Point, limit int, kinds []domain.ProjectKind) ([]domain.ProjectHit, error) {
	if err := store.ValidateNearest(p, limit, kinds); err != nil {
		return nil, err
	}
	d := s.snapshot()
	hits := d.nearest(p, limit, stringSet(kinds))
	out := make([]domain.ProjectHit, len(hits))
	for j, h := range hits {
		out[j] = domain.ProjectHit{Project: cloneProject(*h.p), DistanceMeters: h.dist}
	}
	return out, nil
}

func (d *data) nearest(p orb.Point, limit int, kinds map[domain.ProjectKind]bool) []hit {
	byDistance := d.projectOrder(domain.ProjectOrder{Field: domain.OrderByDistance})
	// hits holds the best so far, ordered by distance then id, at most limit.
	hits := make([]hit, 0, limit+1)
	bb := newBoxBound(p)
	d.projIndex.Nearby(
		// Items too are ranked by the lower bound of their box: the exact
		// distance, which costs far more, is measured only for the items
		// that come out of the walk.
		func(lo, hi [2]float64, pr *domain.Project, item bool) float64 {
			if item && kinds != nil && !kinds[pr.Kind] {
				return math.Inf(1)
			}
			return bb.metres(lo, hi)
		},
		func(_, _ [2]float64, pr *domain.Project, bound float64) bool {
			// Every item still to come is at least bound away. At exactly
			// the distance of the last hit it may still win on its id.
			if math.IsInf(bound, 1) || len(hits) == limit && bound > hits[limit-1].dist {
				return false
			}
			h := hit{p: pr, dist: geodesy.DistanceToGeometry(p, pr.Geometry)}
			at, _ := slices.BinarySearchFunc(hits, h, byDistance)
			if at < limit {
				hits = slices.Insert(hits, at, h)[:min(limit, len(hits)+1)]
			}
			return true
		},
	)
	return hits
}

// WGS 84 figures for boxBound.
const (
	semiMajor = 6_378_137.0
	// minMeridional is the smallest meridional radius of curvature, a(1−e²),
	// at the equator.
	minMeridional = semiMajor * (1 - 0.00669437999014)
	radPerDeg     = math.Pi / 180
)

// boxBound computes lower bounds of the geodesic distance from one point to
// lon/lat boxes; it holds what does not depend on the box.
type boxBound struct {
	p              orb.Point
	cosPhi, sinPhi float64 // of |latitude of p|
}

func newBoxBound(p orb.Point) boxBound {
	sin, cos := math.Sincos(math.Abs(p[1]) * radPerDeg)
	return boxBound{p: p, cosPhi: cos, sinPhi: sin}
}

// metres returns metres that the geodesic distance from p to any point of
// the lon/lat box [lo, hi] is surely not below.
//
// On the ellipsoid ds² = M²dφ² + N²cos²φ dλ², with M ≥ minMeridional and
// N ≥ a; over a path of length L, |φ| stays below |φp| + δ with
// δ = L/minMeridional. So the path is at least as long as the straight
// line in the flat metric minMeridional²dφ² + (a·c)²dλ², c a lower bound of
// cos(|φp| + δ), across the latitude gap Δφ and longitude gap Δλ of the
// box: L ≥ h(L) = hypot(minMeridional·Δφ, a·c(L)·Δλ). h falls as L grows,
// so h(h(0)) lies below the root and is a valid bound. Here
// c = cos φp·(1 − δ²/2) − sin φp·δ ≤ cos(φp + δ), which needs no
// trigonometry per box. The result is lowered by a metre and a millionth,
// because DistanceToGeometry follows great-circle arcs, which bulge a few
// millimetres out of a segment's box.
func (b *boxBound) metres(lo, hi [2]float64) float64 {
	p := b.p
	var dLat float64
	switch {
	case p[1] < lo[1]:
		dLat = lo[1] - p[1]
	case p[1] > hi[1]:
		dLat = p[1] - hi[1]
	}
	north := dLat * radPerDeg * minMeridional
	lb := north
	if dLon := lonGap(p[0], lo[0], hi[0]); dLon > 0 {
		east := dLon * radPerDeg * semiMajor * b.cosPhi
		upper := math.Sqrt(north*north + east*east)
		delta := upper / minMeridional
		if c := b.cosPhi*(1-delta*delta/2) - b.sinPhi*delta; c > 0 {
			east = dLon * radPerDeg * semiMajor * c
			lb = math.Sqrt(north*north + east*east)
		}
	}
	return math.Max(0, lb*(1-1e-6)-1)
}

// lonGap is the smallest longitude difference in degrees from lon to the
// range [lo, hi], going either way round the globe (all within -180..180).
func lonGap(lon, lo, hi float64) float64 {
	switch {
	case lon < lo:
		return math.Min(lo-lon, lon-hi+360)
	case lon > hi:
		return math.Min(lon-hi, lo-lon+360)
	}
	return 0
}

// statsKey is the group of a project under some dimensions; unused
// dimensions stay zero.
type statsKey struct {
	year                                  int
	kind                                  domain.ProjectKind
	status                                domain.ProjectStatus
	kelurahanCode, kecamatanCode, forumID string
}

// ProjectStats groups the projects matching f by the dimensions in by,
// ordered by the keys in that order (strings byte-wise, years numerically).
// Without dimensions it returns one row of totals, even when nothing matched.
func (s *Store) ProjectStats(ctx context.Context, f domain.ProjectFilter, by []domain.StatsDimension) ([]domain.StatsRow, error) {
	if _, err := store.ValidateProjectFilter(f, domain.ProjectOrder{}); err != nil {
		return nil, err
	}
	if err := store.ValidateStatsDimensions(by); err != nil {
		return nil, err
	}
	d := s.snapshot()
	groups := map[statsKey]*domain.StatsRow{}
	if len(by) == 0 {
		groups[statsKey{}] = &domain.StatsRow{}
	}
	for _, h := range d.matchProjects(f) {
		p := h.p
		var k statsKey
		for _, dim := range by {
			switch dim {
			case domain.ByYear:
				k.year = p.Year
			case domain.ByKind:
				k.kind = p.Kind
			case domain.ByStatus:
				k.status = p.Status
			case domain.ByKelurahan:
				k.kelurahanCode = p.KelurahanCode
			case domain.ByKecamatan:
				k.kecamatanCode = domain.KecamatanCodeOf(p.KelurahanCode)
			case domain.ByForum:
				k.forumID = p.ForumID
			}
		}
		row := groups[k]
		if row == nil {
			row = &domain.StatsRow{Year: k.year, Kind: k.kind, Status: k.status,
				KelurahanCode: k.kelurahanCode, KecamatanCode: k.kecamatanCode, ForumID: k.forumID}
			groups[k] = row
		}
		row.Count++
		row.BudgetRupiah += p.BudgetRupiah
		row.Beneficiaries += p.Beneficiaries
	}
	rows := make([]domain.StatsRow, 0, len(groups))
	for _, r := range groups {
		rows = append(rows, *r)
	}
	slices.SortFunc(rows, func(a, b domain.StatsRow) int {
		for _, dim := range by {
			var c int
			switch dim {
			case domain.ByYear:
				c = cmp.Compare(a.Year, b.Year)
			case domain.ByKind:
				c = strings.Compare(string(a.Kind), string(b.Kind))
			case domain.ByStatus:
				c = strings.Compare(string(a.Status), string(b.Status))
			case domain.ByKelurahan:
				c = strings.Compare(a.KelurahanCode, b.KelurahanCode)
			case domain.ByKecamatan:
				c = strings.Compare(a.KecamatanCode, b.KecamatanCode)
			case domain.ByForum:
				c = strings.Compare(a.ForumID, b.ForumID)
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
	return rows, nil
}
