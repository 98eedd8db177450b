package generalise_test

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/serasi/serasi/internal/generalise"
)

func TestMinZoom(t *testing.T) {
	// One pixel of a 512 px tile at zoom z, in degrees of longitude.
	px := func(z int) float64 { return 360 / math.Exp2(float64(z)) / 512 }
	at := orb.Point{122.61, -5.47} // Baubau
	box := func(w, h float64) orb.Bound {
		return orb.Bound{Min: at, Max: orb.Point{at[0] + w, at[1] + h}}
	}
	for _, tc := range []struct {
		name string
		b    orb.Bound
		want int
	}{
		{"a whole tile at z0", maptile.New(0, 0, 0).Bound(), 0},
		{"a pixel wide at z5", box(px(5)*generalise.MinPixels*1.001, 0), 5},
		{"just under a pixel at z5", box(px(5)*generalise.MinPixels*0.999, 0), 6},
		{"tall, not wide", box(0, px(9)*generalise.MinPixels*1.01), 9},
		{"the larger side counts", box(px(12)*generalise.MinPixels*1.01, px(3)*generalise.MinPixels*1.01), 3},
		{"a point", orb.Bound{Min: at, Max: at}, generalise.MaxMinZoom},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := generalise.MinZoom(tc.b); got != tc.want {
				t.Errorf("MinZoom = %d, want %d", got, tc.want)
			}
		})
	}
}
