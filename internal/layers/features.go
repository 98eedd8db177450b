package layers

import (
	"context"
	"math"

	"github.com/paulmach/orb/geojson"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// The functions in this file are the one path from store records to the
// features of each layer for callers that hold domain filters (the GraphQL
// layer fields); the /geojson, tiles and OGC API handlers parse their URL
// filters into the same domain filters and come through here as well, so
// that every output carries the same features with the same properties.

// KecamatanFeatures returns every kecamatan as a feature, ordered by code.
func KecamatanFeatures(ctx context.Context, s store.Store) ([]*geojson.Feature, error) {
	ks, err := s.Kecamatans(ctx, domain.KecamatanFilter{})
	if err != nil {
		return nil, err
	}
	feats := make([]*geojson.Feature, len(ks))
	for i, k := range ks {
		feats[i] = kecamatanFeature(k)
	}
	return feats, nil
}

// KelurahanFeatures returns the kelurahan matching f as features, ordered
// by code.
func KelurahanFeatures(ctx context.Context, s store.Store, f domain.KelurahanFilter) ([]*geojson.Feature, error) {
	ks, err := s.Kelurahans(ctx, f)
	if err != nil {
		return nil, err
	}
	feats := make([]*geojson.Feature, len(ks))
	for i, k := range ks {
		feats[i] = kelurahanFeature(k)
	}
	return feats, nil
}

// ForumFeatures returns the forums matching f as features at their
// secretariat, ordered by id.
func ForumFeatures(ctx context.Context, s store.Store, f domain.ForumFilter) ([]*geojson.Feature, error) {
	fs, err := s.Forums(ctx, f)
	if err != nil {
		return nil, err
	}
	feats := make([]*geojson.Feature, len(fs))
	for i, fo := range fs {
		feats[i] = forumFeature(fo)
	}
	return feats, nil
}

// ProjectFeatures returns every project matching f as a feature, in the
// store's default order (nearest first when f has Near, else by id).
func ProjectFeatures(ctx context.Context, s store.Store, f domain.ProjectFilter) ([]*geojson.Feature, error) {
	res, err := projectFeatures(ctx, s, f, Query{})
	return res.Features, err
}

// ActivityFeatures returns the activities matching f that have a recorded
// location (the others have no place on a map) as features, ordered by
// date then id.
func ActivityFeatures(ctx context.Context, s store.Store, f domain.ActivityFilter) ([]*geojson.Feature, error) {
	res, err := activityFeatures(ctx, s, f, Query{})
	return res.Features, err
}

func projectFeatures(ctx context.Context, s store.Store, f domain.ProjectFilter, q Query) (Result, error) {
	var feats []*geojson.Feature
	// Keyset paging holds only in id order, which Near would change.
	keyset := f.Near == nil
	more, total, err := pages(q, keyset, func(after string, p domain.Page) (int, string, error) {
		if keyset {
			f.IDAfter = after
		}
		pg, err := s.Projects(ctx, f, domain.ProjectOrder{}, p)
		if err != nil {
			return 0, "", err
		}
		for _, h := range pg.Items {
			if q.Limit <= 0 || len(feats) < q.Limit {
				feats = append(feats, projectFeature(h.Project))
			}
		}
		last := ""
		if n := len(pg.Items); n > 0 {
			last = pg.Items[n-1].ID
		}
		return len(pg.Items), last, nil
	})
	return Result{Features: feats, More: more, NumberMatched: total}, err
}

func activityFeatures(ctx context.Context, s store.Store, f domain.ActivityFilter, q Query) (Result, error) {
	if f.BBox == nil {
		// The store's bbox filter is also how activities without a
		// location are left out.
		w := world
		f.BBox = &w
	}
	var feats []*geojson.Feature
	more, total, err := pages(q, false, func(_ string, p domain.Page) (int, string, error) {
		pg, err := s.Activities(ctx, f, p)
		if err != nil {
			return 0, "", err
		}
		for _, a := range pg.Items {
			if q.Limit <= 0 || len(feats) < q.Limit {
				feats = append(feats, activityFeature(a))
			}
		}
		return len(pg.Items), "", nil
	})
	return Result{Features: feats, More: more, NumberMatched: total}, err
}

// Collection renders features as an RFC 7946 FeatureCollection: geometries
// simplified by simplifyMeters (0 to MaxSimplifyMeters) and rounded to
// precision decimals (0 to MaxPrecision). EINVALID names the argument out
// of range.
func Collection(feats []*geojson.Feature, simplifyMeters float64, precision int) (*geojson.FeatureCollection, error) {
	if math.IsNaN(simplifyMeters) || simplifyMeters < 0 || simplifyMeters > MaxSimplifyMeters {
		return nil, domain.Invalid("simplify", "must be between 0 and %d metres", MaxSimplifyMeters)
	}
	if precision < 0 || precision > MaxPrecision {
		return nil, domain.Invalid("precision", "must be between 0 and %d decimal places", MaxPrecision)
	}
	fc := geojson.NewFeatureCollection()
	fc.Features = Render(feats, simplifyMeters, precision)
	return fc, nil
}
