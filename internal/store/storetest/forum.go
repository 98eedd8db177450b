package storetest

import (
	"slices"
	"testing"

	"github.com/serasi/serasi/internal/domain"
)

func testForums(t *testing.T, su *suite) {
	ds := su.ds
	for _, want := range ds.Forums {
		got, err := su.s.Forum(su.ctx, want.ID)
		if err != nil {
			t.Errorf("Forum(%s): %v", want.ID, err)
			continue
		}
		checkForum(t, want, got)
	}
	for _, id := range []string{"", "fks-0000-nowhere"} {
		_, err := su.s.Forum(su.ctx, id)
		t.Run("unknown "+id, func(t *testing.T) { wantCode(t, err, domain.ENOTFOUND) })
	}

	// Pick filter values from the data so the filters select something.
	first := ds.Forums[0]
	var multi domain.Forum // a forum serving more than one kelurahan
	for _, f := range ds.Forums {
		if len(f.KelurahanCodes) > 1 {
			multi = f
			break
		}
	}
	if multi.ID == "" {
		t.Error("test data: no forum serves more than one kelurahan")
		multi = first
	}
	all := len(ds.Forums)
	tests := []struct {
		name string
		f    domain.ForumFilter
		some bool
	}{
		{"no filter", domain.ForumFilter{}, false},
		{"active", domain.ForumFilter{Statuses: []domain.ForumStatus{domain.ForumActive}}, true},
		{"inactive", domain.ForumFilter{Statuses: []domain.ForumStatus{domain.ForumInactive}}, true},
		{"both statuses", domain.ForumFilter{Statuses: []domain.ForumStatus{domain.ForumInactive, domain.ForumActive}}, false},
		{"year formed", domain.ForumFilter{YearFormed: ptr(first.YearFormed)}, true},
		{"year formed none", domain.ForumFilter{YearFormed: ptr(1990)}, false},
		{"kelurahan of secretariat", domain.ForumFilter{KelurahanCode: multi.KelurahanCodes[0]}, true},
		{"kelurahan served, not secretariat", domain.ForumFilter{KelurahanCode: multi.KelurahanCodes[len(multi.KelurahanCodes)-1]}, true},
		{"kelurahan unknown", domain.ForumFilter{KelurahanCode: "74.72.99.1001"}, false},
		{"kecamatan", domain.ForumFilter{KecamatanCode: domain.KecamatanCodeOf(multi.KelurahanCodes[0])}, true},
		{"kecamatan is not a prefix match of codes", domain.ForumFilter{KecamatanCode: "74.72.0"}, false},
		{"combined", domain.ForumFilter{Statuses: []domain.ForumStatus{domain.ForumActive}, YearFormed: ptr(first.YearFormed)}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := expectForums(ds, tc.f)
			if tc.some && (len(want) == 0 || len(want) == all) {
				t.Fatalf("test data: filter selects %d of %d forums", len(want), all)
			}
			got, err := su.s.Forums(su.ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(forumIDs(got), want) {
				t.Fatalf("got %v\nwant %v", forumIDs(got), want)
			}
			for _, f := range got {
				w, _ := ds.Forum(f.ID)
				checkForum(t, w, f)
			}
		})
	}
	t.Run("invalid status", func(t *testing.T) {
		_, err := su.s.Forums(su.ctx, domain.ForumFilter{Statuses: []domain.ForumStatus{"DORMANT"}})
		wantCode(t, err, domain.EINVALID)
	})

	last := ds.Forums[len(ds.Forums)-1]
	byIDs := []struct {
		name string
		ids  []string
		want []string
	}{
		{"empty", nil, nil},
		{"request order kept", []string{last.ID, first.ID}, []string{last.ID, first.ID}},
		{"unknown skipped", []string{"nope", first.ID, ""}, []string{first.ID}},
	}
	for _, tc := range byIDs {
		t.Run("ByIDs/"+tc.name, func(t *testing.T) {
			got, err := su.s.ForumsByIDs(su.ctx, tc.ids)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(forumIDs(got), tc.want) {
				t.Fatalf("got %v, want %v", forumIDs(got), tc.want)
			}
		})
	}
}
