package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
)

func testActivities(t *testing.T, su *suite) {
	ds := su.ds
	for _, want := range ds.Activities {
		got, err := su.s.Activity(su.ctx, want.ID)
		if err != nil {
			t.Errorf("Activity(%s): %v", want.ID, err)
			continue
		}
		checkActivity(t, want, got)
	}
	for _, id := range []string{"", "act-999999"} {
		_, err := su.s.Activity(su.ctx, id)
		t.Run("unknown "+id, func(t *testing.T) { wantCode(t, err, domain.ENOTFOUND) })
	}

	acts := ds.Activities
	mid := acts[len(acts)/2]
	var located, unlocated int
	for _, a := range acts {
		if a.Location != nil {
			located++
		} else {
			unlocated++
		}
	}
	if located == 0 || unlocated == 0 {
		t.Errorf("test data: %d activities with a location, %d without; want some of each", located, unlocated)
	}
	var aroundOne *orb.Bound
	for _, a := range acts {
		if a.Location != nil {
			aroundOne = &orb.Bound{Min: orb.Point{a.Location[0] - 0.01, a.Location[1] - 0.01}, Max: orb.Point{a.Location[0] + 0.01, a.Location[1] + 0.01}}
			break
		}
	}
	date := func(a domain.Activity) *time.Time { d := a.Date; return &d }
	city := cityBound(ds)
	all := len(acts)
	full := domain.Page{Limit: 500}
	tests := []struct {
		name string
		f    domain.ActivityFilter
		p    domain.Page
		some bool
	}{
		{"no filter", domain.ActivityFilter{}, full, false},
		{"kind", domain.ActivityFilter{Kinds: []domain.ActivityKind{mid.Kind}}, full, true},
		{"two kinds", domain.ActivityFilter{Kinds: []domain.ActivityKind{domain.Dialogue, domain.Mediation}}, full, false},
		{"forum", domain.ActivityFilter{ForumID: mid.ForumID}, full, true},
		{"forum unknown", domain.ActivityFilter{ForumID: "nope"}, full, false},
		{"kelurahan", domain.ActivityFilter{KelurahanCodes: []string{mid.KelurahanCode}}, full, true},
		{"two kelurahan", domain.ActivityFilter{KelurahanCodes: []string{acts[0].KelurahanCode, mid.KelurahanCode}}, full, true},
		{"date from (inclusive)", domain.ActivityFilter{DateFrom: date(mid)}, full, true},
		{"date to (inclusive)", domain.ActivityFilter{DateTo: date(mid)}, full, true},
		{"one day", domain.ActivityFilter{DateFrom: date(mid), DateTo: date(mid)}, full, true},
		{"bbox city (drops unlocated)", domain.ActivityFilter{BBox: &city}, full, true},
		{"bbox around one", domain.ActivityFilter{BBox: aroundOne}, full, true},
		{"combined", domain.ActivityFilter{Kinds: []domain.ActivityKind{mid.Kind}, DateTo: date(mid), BBox: &city}, full, false},
		{"first page", domain.ActivityFilter{}, domain.Page{Limit: 3}, false},
		{"second page", domain.ActivityFilter{}, domain.Page{Offset: 3, Limit: 3}, false},
		{"last page", domain.ActivityFilter{}, domain.Page{Offset: all - 2, Limit: 5}, false},
		{"past the end", domain.ActivityFilter{}, domain.Page{Offset: all + 10, Limit: 5}, false},
		{"limit 0", domain.ActivityFilter{Kinds: []domain.ActivityKind{mid.Kind}}, domain.Page{Limit: 0}, false},
		{"not counted", domain.ActivityFilter{}, domain.Page{Offset: 1, Limit: 3, NoCount: true}, false},
		{"not counted, past the end", domain.ActivityFilter{}, domain.Page{Offset: all + 10, Limit: 5, NoCount: true}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want, total := expectActivities(ds, tc.f, tc.p)
			if tc.some && (total == 0 || total == all) {
				t.Fatalf("test data: filter selects %d of %d activities", total, all)
			}
			got, err := su.s.Activities(su.ctx, tc.f, tc.p)
			if err != nil {
				t.Fatal(err)
			}
			if got.TotalCount != total {
				t.Errorf("TotalCount = %d, want %d", got.TotalCount, total)
			}
			if !slices.Equal(activityIDs(got.Items), want) {
				t.Fatalf("got %v\nwant %v", activityIDs(got.Items), want)
			}
			for _, a := range got.Items {
				for _, w := range acts {
					if w.ID == a.ID {
						checkActivity(t, w, a)
					}
				}
			}
		})
	}

	later := mid.Date.AddDate(0, 0, 1)
	invalid := []struct {
		name string
		f    domain.ActivityFilter
		p    domain.Page
	}{
		{"unknown kind", domain.ActivityFilter{Kinds: []domain.ActivityKind{"PICNIC"}}, full},
		{"dates reversed", domain.ActivityFilter{DateFrom: &later, DateTo: date(mid)}, full},
		{"bad bbox", domain.ActivityFilter{BBox: &orb.Bound{Min: orb.Point{123, -5}, Max: orb.Point{122, -6}}}, full},
		{"limit too large", domain.ActivityFilter{}, domain.Page{Limit: 501}},
		{"negative limit", domain.ActivityFilter{}, domain.Page{Limit: -1}},
		{"negative offset", domain.ActivityFilter{}, domain.Page{Offset: -1, Limit: 5}},
	}
	for _, tc := range invalid {
		t.Run("invalid/"+tc.name, func(t *testing.T) {
			_, err := su.s.Activities(su.ctx, tc.f, tc.p)
			wantCode(t, err, domain.EINVALID)
		})
	}
}
