package postgis

import (
	"testing"
	"time"

	"github.com/paulmach/orb"
)

func TestDateBounds(t *testing.T) {
	wib := time.FixedZone("WIB", 7*3600)
	tests := []struct {
		name     string
		in       time.Time
		from, to string // the first date >= in, the last date <= in
	}{
		{"midnight UTC", time.Date(2021, 3, 4, 0, 0, 0, 0, time.UTC), "2021-03-04", "2021-03-04"},
		{"noon UTC", time.Date(2021, 3, 4, 12, 0, 0, 0, time.UTC), "2021-03-05", "2021-03-04"},
		{"one nanosecond past midnight", time.Date(2021, 3, 4, 0, 0, 0, 1, time.UTC), "2021-03-05", "2021-03-04"},
		// 03:00 in UTC+7 is 20:00 the day before in UTC.
		{"other zone", time.Date(2021, 3, 4, 3, 0, 0, 0, wib), "2021-03-04", "2021-03-03"},
		{"year end", time.Date(2021, 12, 31, 23, 0, 0, 0, time.UTC), "2022-01-01", "2021-12-31"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := dateText(firstDateFrom(tc.in)); got != tc.from {
				t.Errorf("firstDateFrom = %s, want %s", got, tc.from)
			}
			if got := dateText(lastDateTo(tc.in)); got != tc.to {
				t.Errorf("lastDateTo = %s, want %s", got, tc.to)
			}
		})
	}
}

func TestStorable(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"74.72.02.1001", true},
		{"", true},
		{"Bukit Wolio Indah", true},
		{"kelurahan\x00", false},
		{"\xff", false},
	}
	for _, tc := range tests {
		if got := storable(tc.in); got != tc.want {
			t.Errorf("storable(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestWhereBindsValues(t *testing.T) {
	var w where
	w.eq("p.forum_id", "x' OR '1'='1")
	w.eq("p.kelurahan_code", "bad\x00")
	if got, want := w.sql(), " WHERE p.forum_id = $1 AND false"; got != want {
		t.Errorf("sql = %q, want %q", got, want)
	}
	if len(w.args) != 1 || w.args[0] != "x' OR '1'='1" {
		t.Errorf("args = %q", w.args)
	}
}

// nearFirstCached must give nearFirst's text and bind the same arguments,
// on the first call of a shape and on later ones.
func TestNearFirstCached(t *testing.T) {
	build := func(cached bool, kinds bool, radius bool, p orb.Point) (string, int) {
		var w where
		ptGeom := w.geom(p)
		pt := ptGeom + "::geography"
		if kinds {
			w.and("p.kind = ANY(%s)", w.bind([]string{"SPORTS_FIELD"}))
		}
		r, count := "", noCount
		if radius {
			r, count = w.bind(500.0), planarCount
		}
		f := nearFirst
		if cached {
			f = nearFirstCached
		}
		return f(&w, ptGeom, pt, r, count, utmBox.Contains(p)), len(w.args)
	}
	for _, kinds := range []bool{false, true} {
		for _, radius := range []bool{false, true} {
			for _, p := range []orb.Point{{122.6, -5.45}, {10, 50}} {
				want, wantArgs := build(false, kinds, radius, p)
				for range 2 {
					got, gotArgs := build(true, kinds, radius, p)
					if got != want || gotArgs != wantArgs {
						t.Fatalf("kinds %v radius %v %v: cached text or arguments (%d, want %d) differ", kinds, radius, p, gotArgs, wantArgs)
					}
				}
			}
		}
	}
}
