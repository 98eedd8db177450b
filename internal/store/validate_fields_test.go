package store_test

import (
	"errors"
	"testing"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// A filter's errors name the filter's members, not a transport's path:
// GraphQL adds "filter.", a URL has the member as its parameter.
func TestFilterFieldsAreRelative(t *testing.T) {
	far := 1e9
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"kind", func() error {
			_, err := store.ValidateProjectFilter(domain.ProjectFilter{Kinds: []domain.ProjectKind{"CASTLE"}}, domain.ProjectOrder{})
			return err
		}(), "kinds"},
		{"radius", func() error {
			_, err := store.ValidateProjectFilter(domain.ProjectFilter{Near: &domain.Near{Point: orb.Point{122.6, -5.4}, RadiusMeters: far}}, domain.ProjectOrder{})
			return err
		}(), "near.radiusMeters"},
		{"order is an argument of its own", func() error {
			_, err := store.ValidateProjectFilter(domain.ProjectFilter{}, domain.ProjectOrder{Field: domain.OrderByDistance})
			return err
		}(), "orderBy"},
		{"bbox", store.ValidateKelurahanFilter(domain.KelurahanFilter{BBox: &orb.Bound{Min: orb.Point{200, 0}, Max: orb.Point{201, 1}}}), "bbox"},
		{"activity kind", store.ValidateActivityFilter(domain.ActivityFilter{Kinds: []domain.ActivityKind{"PARTY"}}), "kinds"},
		{"audit type", store.ValidateAuditFilter(domain.AuditFilter{RecordType: "CASTLE"}), "recordType"},
	} {
		var de *domain.Error
		if !errors.As(tc.err, &de) || de.Field != tc.want {
			t.Errorf("%s: %v, want field %q", tc.name, tc.err, tc.want)
		}
	}
}
