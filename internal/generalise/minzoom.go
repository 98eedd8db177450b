package generalise

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"
)

// MinPixels is how many pixels of a 512 px tile an area must span (the
// larger side of its bound in Web Mercator) to be drawn at a zoom: an area
// smaller than that is not drawn there, as tippecanoe's per-feature
// minzoom. The value is measured so that the densest national kelurahan
// tile, z5 over Jakarta, stays under 500 KB (the README, "National
// scale", has the figures per threshold); at 4 px (32 tile units) no
// drawn area is left to collapse on the tile grid either.
const MinPixels = 4

// MaxMinZoom is the deepest min zoom an area is given: at it every area is
// drawn, however small (an area under MinPixels there is a data error, not
// a detail to hide).
const MaxMinZoom = 16

// MinZoom returns the lowest zoom at which an area with bound b is drawn:
// the first zoom at which the larger side of b, projected to Web Mercator,
// spans MinPixels pixels of a 512 px tile (MaxMinZoom at most). It is
// computed once per area, from the bound of its original geometry, at
// import (PostGIS's min_zoom columns, migration 00009) or at load (the
// embedded store, the in-process copy), so every tile path drops the same
// areas at every zoom.
func MinZoom(b orb.Bound) int {
	lo, hi := project.WGS84.ToMercator(b.Min), project.WGS84.ToMercator(b.Max)
	// Metres of Web Mercator per pixel of a 512 px tile at zoom 0.
	const px0 = 2 * math.Pi * orb.EarthRadius / 512
	span := math.Max(math.Abs(hi[0]-lo[0]), math.Abs(hi[1]-lo[1]))
	for z := 0; z < MaxMinZoom; z++ {
		if span*math.Exp2(float64(z)) >= MinPixels*px0 {
			return z
		}
	}
	return MaxMinZoom
}
