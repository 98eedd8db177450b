package store

import (
	"math"
	"slices"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
)

// Both stores call these before touching data, so that they refuse the same
// input with the same message. A filter's errors name the filter's own
// members ("kinds", "near.radiusMeters"); each transport says where they
// are in its terms (GraphQL "filter.kinds", a query parameter "kinds").

// ValidatePoint checks that p is a finite lon/lat position.
func ValidatePoint(field string, p orb.Point) error {
	lon, lat := p[0], p[1]
	if math.IsNaN(lon) || math.IsInf(lon, 0) || math.IsNaN(lat) || math.IsInf(lat, 0) {
		return domain.Invalid(field, "coordinates must be finite numbers")
	}
	if lon < -180 || lon > 180 {
		return domain.Invalid(field, "longitude %g is outside -180..180", lon)
	}
	if lat < -90 || lat > 90 {
		return domain.Invalid(field, "latitude %g is outside -90..90", lat)
	}
	return nil
}

// ValidateBound checks a bbox given as [minLon, minLat, maxLon, maxLat].
func ValidateBound(field string, b *orb.Bound) error {
	if b == nil {
		return nil
	}
	if err := ValidatePoint(field, b.Min); err != nil {
		return err
	}
	if err := ValidatePoint(field, b.Max); err != nil {
		return err
	}
	if b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1] {
		return domain.Invalid(field, "bbox minimum must not exceed its maximum (antimeridian-crossing boxes are not supported)")
	}
	return nil
}

// ValidatePage checks an offset window.
func ValidatePage(p domain.Page) error {
	if p.Limit < 0 {
		return domain.Invalid("first", "must not be negative")
	}
	if p.Limit > MaxPageSize {
		return domain.Invalid("first", "must be at most %d", MaxPageSize)
	}
	if p.Offset < 0 {
		return domain.Invalid("after", "cursor is invalid")
	}
	return nil
}

// ValidateNear checks a radius search.
func ValidateNear(field string, n *domain.Near) error {
	if n == nil {
		return nil
	}
	if err := ValidatePoint(field, n.Point); err != nil {
		return err
	}
	r := n.RadiusMeters
	if math.IsNaN(r) || r <= 0 || r > MaxRadiusMeters {
		return domain.Invalid(field+".radiusMeters", "must be greater than 0 and at most %g metres", MaxRadiusMeters)
	}
	return nil
}

// ValidateArea checks that g is a Polygon or MultiPolygon.
func ValidateArea(field string, g orb.Geometry) error {
	switch g.(type) {
	case nil, orb.Polygon, orb.MultiPolygon:
		return nil
	}
	return domain.Invalid(field, "must be a Polygon or MultiPolygon, not %s", g.GeoJSONType())
}

// ValidateKelurahanFilter checks f.
func ValidateKelurahanFilter(f domain.KelurahanFilter) error {
	if f.Jenis != "" && !f.Jenis.Valid() {
		return domain.Invalid("jenis", "unknown jenis %q", f.Jenis)
	}
	if f.Limit < 0 {
		return domain.Invalid("limit", "must not be negative")
	}
	return ValidateBound("bbox", f.BBox)
}

// ValidateProjectFilter checks f and o, and returns the order to use: the
// zero order becomes distance (with Near) or id.
func ValidateProjectFilter(f domain.ProjectFilter, o domain.ProjectOrder) (domain.ProjectOrder, error) {
	for _, k := range f.Kinds {
		if !k.Valid() {
			return o, domain.Invalid("kinds", "unknown project kind %q", k)
		}
	}
	for _, s := range f.Statuses {
		if !s.Valid() {
			return o, domain.Invalid("statuses", "unknown project status %q", s)
		}
	}
	if f.YearFrom != nil && f.YearTo != nil && *f.YearFrom > *f.YearTo {
		return o, domain.Invalid("yearFrom", "must not be after yearTo")
	}
	if err := ValidateBound("bbox", f.BBox); err != nil {
		return o, err
	}
	if err := ValidateArea("within", f.Within); err != nil {
		return o, err
	}
	if err := ValidateNear("near", f.Near); err != nil {
		return o, err
	}
	switch o.Field {
	case "":
		if f.Near != nil {
			return domain.ProjectOrder{Field: domain.OrderByDistance}, nil
		}
		return domain.ProjectOrder{Field: domain.OrderByID, Desc: o.Desc}, nil
	case domain.OrderByDistance:
		if f.Near == nil {
			return o, domain.Invalid("orderBy", "DISTANCE order needs a near filter")
		}
	case domain.OrderByID, domain.OrderByYear, domain.OrderByBudget, domain.OrderByTitle:
	default:
		return o, domain.Invalid("orderBy", "unknown order field %q", o.Field)
	}
	return o, nil
}

// ValidateNearest checks the arguments of NearestProjects.
func ValidateNearest(p orb.Point, limit int, kinds []domain.ProjectKind) error {
	if err := ValidatePoint("point", p); err != nil {
		return err
	}
	if limit < 1 || limit > MaxNearest {
		return domain.Invalid("limit", "must be between 1 and %d", MaxNearest)
	}
	for _, k := range kinds {
		if !k.Valid() {
			return domain.Invalid("kinds", "unknown project kind %q", k)
		}
	}
	return nil
}

// ValidateStatsDimensions checks the grouping of ProjectStats.
func ValidateStatsDimensions(by []domain.StatsDimension) error {
	seen := map[domain.StatsDimension]bool{}
	for _, d := range by {
		switch d {
		case domain.ByYear, domain.ByKind, domain.ByStatus, domain.ByKelurahan, domain.ByKecamatan, domain.ByForum:
		default:
			return domain.Invalid("groupBy", "unknown dimension %q", d)
		}
		if seen[d] {
			return domain.Invalid("groupBy", "dimension %s given twice", d)
		}
		seen[d] = true
	}
	return nil
}

// ValidateActivityFilter checks f.
func ValidateActivityFilter(f domain.ActivityFilter) error {
	for _, k := range f.Kinds {
		if !k.Valid() {
			return domain.Invalid("kinds", "unknown activity kind %q", k)
		}
	}
	if f.DateFrom != nil && f.DateTo != nil && f.DateFrom.After(*f.DateTo) {
		return domain.Invalid("dateFrom", "must not be after dateTo")
	}
	return ValidateBound("bbox", f.BBox)
}

// ValidateForumFilter checks f.
func ValidateForumFilter(f domain.ForumFilter) error {
	if slices.ContainsFunc(f.Statuses, func(s domain.ForumStatus) bool { return !s.Valid() }) {
		return domain.Invalid("statuses", "unknown forum status")
	}
	return nil
}
