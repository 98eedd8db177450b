package layers

import (
	"net/url"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
)

func forumFilter(r values) (domain.ForumFilter, error) {
	var f domain.ForumFilter
	var err error
	if f.Statuses, err = enum(r, "statuses", []domain.ForumStatus{domain.ForumActive, domain.ForumInactive}); err != nil {
		return f, err
	}
	if f.YearFormed, err = r.int("yearFormed"); err != nil {
		return f, err
	}
	if f.KelurahanCode, err = r.str("kelurahanCode"); err != nil {
		return f, err
	}
	if f.KecamatanCode, err = r.str("kecamatanCode"); err != nil {
		return f, err
	}
	return f, nil
}

func activityFilter(r values) (domain.ActivityFilter, error) {
	var f domain.ActivityFilter
	var err error
	if f.Kinds, err = enum(r, "kinds", domain.ActivityKinds); err != nil {
		return f, err
	}
	if f.ForumID, err = r.str("forumId"); err != nil {
		return f, err
	}
	f.KelurahanCodes = r.list("kelurahanCodes")
	if f.DateFrom, err = r.date("dateFrom"); err != nil {
		return f, err
	}
	if f.DateTo, err = r.date("dateTo"); err != nil {
		return f, err
	}
	if f.DateFrom != nil && f.DateTo != nil && f.DateFrom.After(*f.DateTo) {
		return f, domain.Invalid("dateFrom", "must not be after dateTo")
	}
	return f, nil
}

// Filters reads the filters of a program layer (forums, projects or
// activities) from URL query parameters, bbox included, exactly as
// /geojson/{layer} reads them: for outputs that need records rather than
// features (exports). Unknown parameters are EINVALID.
type Filters struct {
	Forum    domain.ForumFilter
	Project  domain.ProjectFilter
	Activity domain.ActivityFilter
	// BBox is also set in Project and Activity; forums are kept when their
	// secretariat lies in it.
	BBox *orb.Bound
}

// ParseFilters parses v for the named layer; ENOTFOUND for a layer that is
// not forums, projects or activities.
func ParseFilters(layer string, v url.Values) (Filters, error) {
	var out Filters
	var l *Layer
	switch layer {
	case "forums":
		l = forumLayer()
	case "projects":
		l = projectLayer()
	case "activities":
		l = activityLayer()
	default:
		return out, domain.NotFound("layer", layer)
	}
	rest := url.Values{}
	for k, vs := range v {
		rest[k] = vs
	}
	if len(rest["bbox"]) > 1 {
		return out, domain.Invalid("bbox", "given more than once")
	}
	if rest.Has("bbox") {
		b, err := ParseBBox("bbox", rest.Get("bbox"))
		if err != nil {
			return out, err
		}
		out.BBox = b
		rest.Del("bbox")
	}
	if err := l.checkParams(rest); err != nil {
		return out, err
	}
	r := values{l, rest}
	var err error
	switch layer {
	case "forums":
		out.Forum, err = forumFilter(r)
	case "projects":
		out.Project, err = projectFilter(r)
		out.Project.BBox = out.BBox
	case "activities":
		out.Activity, err = activityFilter(r)
		out.Activity.BBox = out.BBox
	}
	return out, err
}
