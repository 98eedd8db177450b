package geodesy

import (
	"math"

	"github.com/paulmach/orb"
)

// BoundAround returns a lon/lat box that surely contains every point within radius metres of p
// (conservative, for index pre-filtering).
//
// Any path of length r from p stays within r / M_min radians of latitude
// (M_min = a(1−e²) is the smallest meridional radius of curvature), and in
// that band each metre eastward moves at most 1 / (N cos φ) radians of
// longitude, largest at the band's edge nearest a pole. A box that would
// reach a pole or cross the antimeridian becomes the full longitude range.
// Negative or NaN radii count as 0.
func BoundAround(p orb.Point, radius float64) orb.Bound {
	if !(radius > 0) {
		radius = 0
	}
	// A relative margin of 1e-9 plus 1e-9° (0.1 mm) absorbs rounding.
	dLat := radius/minMeridionalRadius/deg*(1+1e-9) + 1e-9
	minLat, maxLat := p[1]-dLat, p[1]+dLat
	if minLat <= -90 || maxLat >= 90 {
		return orb.Bound{Min: orb.Point{-180, math.Max(-90, minLat)}, Max: orb.Point{180, math.Min(90, maxLat)}}
	}
	farLat := math.Max(math.Abs(minLat), math.Abs(maxLat)) * deg
	sinLat, cosLat := math.Sincos(farLat)
	parallelRadius := semiMajor / math.Sqrt(1-ecc2*sinLat*sinLat) * cosLat
	dLon := radius/parallelRadius/deg*(1+1e-9) + 1e-9
	minLon, maxLon := p[0]-dLon, p[0]+dLon
	if dLon >= 180 || minLon < -180 || maxLon > 180 {
		minLon, maxLon = -180, 180
	}
	return orb.Bound{Min: orb.Point{minLon, minLat}, Max: orb.Point{maxLon, maxLat}}
}

// MetresToDegrees converts a length in metres to degrees of latitude/longitude-ish at latitude lat
// (used for simplification tolerances; document the approximation).
//
// A tolerance in degrees means a different length north–south (a degree
// of latitude, M·π/180) than east–west (a degree of longitude,
// N·cos φ·π/180). The result divides m by the longer of the two, so that
// a shape moved by the returned number of degrees in any direction moves
// by at most m metres. In Baubau (5.5° S) the two lengths differ by
// 0.2 %; at the equator by 0.7 %.
func MetresToDegrees(m, lat float64) float64 {
	sinLat, cosLat := math.Sincos(lat * deg)
	w := math.Sqrt(1 - ecc2*sinLat*sinLat)
	meridional := semiMajor * (1 - ecc2) / (w * w * w)
	parallel := semiMajor / w * math.Abs(cosLat)
	return m / (math.Max(meridional, parallel) * deg)
}
