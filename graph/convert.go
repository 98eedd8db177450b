package graph

import (
	"context"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/serasi/serasi/graph/loaders"
	"github.com/serasi/serasi/graph/model"
	"github.com/serasi/serasi/graph/relay"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/layers"
	"github.com/serasi/serasi/internal/spatial"
	"github.com/serasi/serasi/internal/store"
)

// This file holds what the resolvers share: argument translation to the
// domain filters, connection building and the "null when not found" rule.

// maxSimplifyMeters bounds the simplify argument of geometry fields; a
// larger tolerance would reduce any kelurahan of Baubau to a sliver.
const maxSimplifyMeters = 10_000

// maxPrecision is the most decimal places a coordinate can usefully keep
// (float64 carries about 15 significant digits).
const maxPrecision = 15

// loadersFor returns the request's loaders; outside the HTTP middleware
// (e.g. a resolver called directly) it builds unshared ones, which are
// correct, only not batched across fields.
func (r *Resolver) loadersFor(ctx context.Context) *loaders.Loaders {
	if l := loaders.For(ctx); l != nil {
		return l
	}
	return loaders.New(r.Store)
}

// orNull applies the schema's rule for single-record lookups: a missing
// record is null, not an error.
func orNull[T any](v T, err error) (*T, error) {
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// ptrs returns pointers to copies of the elements of s, as gqlgen's list
// results want them.
func ptrs[T any](s []T) []*T {
	out := make([]*T, len(s))
	for i := range s {
		out[i] = &s[i]
	}
	return out
}

// bbox is a bound as [minLon, minLat, maxLon, maxLat].
func bbox(b orb.Bound) []float64 { return []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} }

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// render applies the geometry arguments (simplify in metres, decimal
// precision) and RFC 7946 ring orientation.
func render(g orb.Geometry, simplify *float64, precision *int) (orb.Geometry, error) {
	s := deref(simplify)
	if math.IsNaN(s) || s < 0 || s > maxSimplifyMeters {
		return nil, domain.Invalid("simplify", "must be between 0 and %d metres", maxSimplifyMeters)
	}
	p := -1 // all decimals
	if precision != nil {
		if *precision < 0 || *precision > maxPrecision {
			return nil, domain.Invalid("precision", "must be between 0 and %d decimal places", maxPrecision)
		}
		p = *precision
	}
	return spatial.Render(g, s, p), nil
}

// bound reads a bbox argument [minLon, minLat, maxLon, maxLat]; the store
// checks the ranges.
func bound(field string, b []float64) (*orb.Bound, error) {
	if b == nil {
		return nil, nil
	}
	if len(b) != 4 {
		return nil, domain.Invalid(field, "must have exactly 4 numbers [minLon, minLat, maxLon, maxLat], not %d", len(b))
	}
	return &orb.Bound{Min: orb.Point{b[0], b[1]}, Max: orb.Point{b[2], b[3]}}, nil
}

// areaPage is the size of a page of kecamatans or kelurahans: first, or
// its default; BAD_USER_INPUT outside 1..areaPageMax.
func areaPage(first *int) (int, error) {
	if first == nil {
		return areaPageDefault, nil
	}
	if *first < 1 || *first > areaPageMax {
		return 0, domain.Invalid("first", "must be between 1 and %d", areaPageMax)
	}
	return *first, nil
}

func kelurahanFilter(f *model.KelurahanFilter) (domain.KelurahanFilter, error) {
	if f == nil {
		return domain.KelurahanFilter{}, nil
	}
	bb, err := bound("filter.bbox", f.Bbox)
	if err != nil {
		return domain.KelurahanFilter{}, err
	}
	return domain.KelurahanFilter{
		ProvinsiCode:      deref(f.ProvinsiCode),
		KabupatenKotaCode: deref(f.KabupatenKotaCode),
		Jenis:             deref(f.Jenis),
		KecamatanCode:     deref(f.KecamatanCode),
		NameContains:      deref(f.NameContains),
		BBox:              bb,
		Intersects:        f.Intersects,
		ConflictProne:     f.ConflictProne,
		HasForum:          f.HasForum,
	}, nil
}

func projectFilter(f *model.ProjectFilter) (domain.ProjectFilter, error) {
	if f == nil {
		return domain.ProjectFilter{}, nil
	}
	bb, err := bound("filter.bbox", f.Bbox)
	if err != nil {
		return domain.ProjectFilter{}, err
	}
	df := domain.ProjectFilter{
		Kinds:          f.Kinds,
		Statuses:       f.Statuses,
		YearFrom:       f.YearFrom,
		YearTo:         f.YearTo,
		KelurahanCodes: f.KelurahanCodes,
		KecamatanCodes: f.KecamatanCodes,
		ForumID:        deref(f.ForumID),
		BBox:           bb,
		Within:         f.Within,
	}
	if n := f.Near; n != nil {
		df.Near = &domain.Near{Point: orb.Point{n.Lon, n.Lat}, RadiusMeters: n.RadiusMeters}
	}
	return df, nil
}

func projectOrder(o *model.ProjectOrder) domain.ProjectOrder {
	if o == nil {
		return domain.ProjectOrder{}
	}
	return domain.ProjectOrder{
		Field: o.Field,
		Desc:  o.Direction != nil && *o.Direction == model.OrderDirectionDesc,
	}
}

func activityFilter(f *model.ActivityFilter) (domain.ActivityFilter, error) {
	if f == nil {
		return domain.ActivityFilter{}, nil
	}
	bb, err := bound("filter.bbox", f.Bbox)
	if err != nil {
		return domain.ActivityFilter{}, err
	}
	return domain.ActivityFilter{
		Kinds:          f.Kinds,
		ForumID:        deref(f.ForumID),
		KelurahanCodes: f.KelurahanCodes,
		DateFrom:       f.DateFrom,
		DateTo:         f.DateTo,
		BBox:           bb,
	}, nil
}

func forumFilter(f *model.ForumFilter) domain.ForumFilter {
	if f == nil {
		return domain.ForumFilter{}
	}
	return domain.ForumFilter{
		Statuses:      f.Statuses,
		YearFormed:    f.YearFormed,
		KelurahanCode: deref(f.KelurahanCode),
		KecamatanCode: deref(f.KecamatanCode),
	}
}

// page maps first/after to an offset window, checking it the way the store
// does so that connections answered without a store call (see
// Kelurahan.projects) refuse the same input.
func page(first *int, after *string) (domain.Page, error) {
	p, err := relay.Page(first, after)
	if err != nil {
		return p, err
	}
	return p, store.ValidatePage(p)
}

// projects answers a project connection.
func (r *Resolver) projects(ctx context.Context, f domain.ProjectFilter, o domain.ProjectOrder, first *int, after *string) (*model.ProjectConnection, error) {
	p, err := page(first, after)
	if err != nil {
		return nil, err
	}
	res, err := r.Store.Projects(ctx, f, o, p)
	if err != nil {
		return nil, err
	}
	conn := &model.ProjectConnection{
		Edges:      make([]*model.ProjectEdge, len(res.Items)),
		TotalCount: res.TotalCount,
	}
	for i := range res.Items {
		e := &model.ProjectEdge{Cursor: relay.Cursor(p.Offset + i), Node: &res.Items[i].Project}
		if f.Near != nil {
			d := res.Items[i].DistanceMeters
			e.DistanceMeters = &d
		}
		conn.Edges[i] = e
	}
	pi := relay.Info(p.Offset, len(res.Items), res.TotalCount)
	conn.PageInfo = &pi
	return conn, nil
}

// emptyProjects is the connection of a filter that cannot match, after the
// page arguments were checked.
func emptyProjects(first *int, after *string) (*model.ProjectConnection, error) {
	p, err := page(first, after)
	if err != nil {
		return nil, err
	}
	pi := relay.Info(p.Offset, 0, 0)
	return &model.ProjectConnection{Edges: []*model.ProjectEdge{}, PageInfo: &pi}, nil
}

// activities answers an activity connection.
func (r *Resolver) activities(ctx context.Context, f domain.ActivityFilter, first *int, after *string) (*model.ActivityConnection, error) {
	p, err := page(first, after)
	if err != nil {
		return nil, err
	}
	res, err := r.Store.Activities(ctx, f, p)
	if err != nil {
		return nil, err
	}
	conn := &model.ActivityConnection{
		Edges:      make([]*model.ActivityEdge, len(res.Items)),
		TotalCount: res.TotalCount,
	}
	for i := range res.Items {
		conn.Edges[i] = &model.ActivityEdge{Cursor: relay.Cursor(p.Offset + i), Node: &res.Items[i]}
	}
	pi := relay.Info(p.Offset, len(res.Items), res.TotalCount)
	conn.PageInfo = &pi
	return conn, nil
}

// node fetches the object a global id names; null when it does not exist.
func (r *Resolver) node(ctx context.Context, id string) (relay.Node, error) {
	typ, local, err := relay.ParseGlobalID(id)
	if err != nil {
		return nil, err
	}
	var n relay.Node
	switch typ {
	case relay.TypeProvinsi:
		n, err = orNull(r.Store.Provinsi(ctx, local))
	case relay.TypeKabupatenKota:
		n, err = orNull(r.Store.KabupatenKota(ctx, local))
	case relay.TypeKecamatan:
		n, err = orNull(r.Store.Kecamatan(ctx, local))
	case relay.TypeKelurahan:
		n, err = orNull(r.Store.Kelurahan(ctx, local))
	case relay.TypeForum:
		n, err = orNull(r.Store.Forum(ctx, local))
	case relay.TypeProject:
		n, err = orNull(r.Store.Project(ctx, local))
	case relay.TypeActivity:
		n, err = orNull(r.Store.Activity(ctx, local))
	default:
		return nil, domain.Invalid("id", "%q is not the global id of a Node type", id)
	}
	return n, err
}

// collection renders a layer's features with the simplify and precision
// arguments; nil arguments take the /geojson endpoint's defaults.
func collection(feats []*geojson.Feature, err error, simplify *float64, precision *int) (*geojson.FeatureCollection, error) {
	if err != nil {
		return nil, err
	}
	p := layers.DefaultPrecision
	if precision != nil {
		p = *precision
	}
	return layers.Collection(feats, deref(simplify), p)
}
