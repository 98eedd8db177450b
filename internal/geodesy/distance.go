package geodesy

import (
	"math"

	"github.com/paulmach/orb"
)

const (
	// vincentyTolerance stops the λ iteration; 1e-12 rad is about 6 µm on
	// the ground.
	vincentyTolerance = 1e-12
	// vincentyMaxIter bounds the iteration. Points that are not nearly
	// antipodal converge in well under 20 steps.
	vincentyMaxIter = 200
)

// Distance is the geodesic distance in metres between a and b ([lon,lat]) on WGS 84.
//
// It uses Vincenty's inverse formula (Survey Review 23(176), 1975). For
// nearly antipodal points, where the iteration does not converge, it falls
// back to the great-circle distance on a sphere of the mean radius R1,
// which can be off by up to about 0.5 %; no two places in one city are
// anywhere near antipodal.
func Distance(a, b orb.Point) float64 {
	s, ok := vincenty(a, b)
	if !ok {
		return sphericalDistance(a, b)
	}
	return s
}

// vincenty returns the geodesic length and false when the iteration did not
// converge.
func vincenty(p1, p2 orb.Point) (float64, bool) {
	if p1 == p2 {
		return 0, true
	}
	const f = flattening
	L := wrapRadians((p2[0] - p1[0]) * deg)
	tanU1 := (1 - f) * math.Tan(p1[1]*deg)
	cosU1 := 1 / math.Sqrt(1+tanU1*tanU1)
	sinU1 := tanU1 * cosU1
	tanU2 := (1 - f) * math.Tan(p2[1]*deg)
	cosU2 := 1 / math.Sqrt(1+tanU2*tanU2)
	sinU2 := tanU2 * cosU2

	lambda := L
	var sinSigma, cosSigma, sigma, cosSqAlpha, cos2SigmaM float64
	converged := false
	for range vincentyMaxIter {
		sinLambda, cosLambda := math.Sincos(lambda)
		t1 := cosU2 * sinLambda
		t2 := cosU1*sinU2 - sinU1*cosU2*cosLambda
		sinSigma = math.Sqrt(t1*t1 + t2*t2)
		if sinSigma == 0 {
			return 0, true // coincident points
		}
		cosSigma = sinU1*sinU2 + cosU1*cosU2*cosLambda
		sigma = math.Atan2(sinSigma, cosSigma)
		sinAlpha := cosU1 * cosU2 * sinLambda / sinSigma
		cosSqAlpha = 1 - sinAlpha*sinAlpha
		if cosSqAlpha != 0 {
			cos2SigmaM = cosSigma - 2*sinU1*sinU2/cosSqAlpha
		} else {
			cos2SigmaM = 0 // both points on the equator
		}
		C := f / 16 * cosSqAlpha * (4 + f*(4-3*cosSqAlpha))
		prev := lambda
		lambda = L + (1-C)*f*sinAlpha*(sigma+C*sinSigma*(cos2SigmaM+C*cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)))
		if math.Abs(lambda) > math.Pi {
			return 0, false // the antipodal case, where the formula breaks down
		}
		if math.Abs(lambda-prev) <= vincentyTolerance {
			converged = true
			break
		}
	}
	if !converged {
		return 0, false
	}
	uSq := cosSqAlpha * (semiMajor*semiMajor - semiMinor*semiMinor) / (semiMinor * semiMinor)
	A := 1 + uSq/16384*(4096+uSq*(-768+uSq*(320-175*uSq)))
	B := uSq / 1024 * (256 + uSq*(-128+uSq*(74-47*uSq)))
	c2 := cos2SigmaM * cos2SigmaM
	deltaSigma := B * sinSigma * (cos2SigmaM + B/4*(cosSigma*(-1+2*c2)-
		B/6*cos2SigmaM*(-3+4*sinSigma*sinSigma)*(-3+4*c2)))
	return semiMinor * A * (sigma - deltaSigma), true
}

// sphericalDistance is the haversine distance on the sphere of mean radius.
func sphericalDistance(a, b orb.Point) float64 {
	lat1, lat2 := a[1]*deg, b[1]*deg
	dLat := lat2 - lat1
	dLon := wrapRadians((b[0] - a[0]) * deg)
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1)*math.Cos(lat2)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * meanRadius * math.Asin(math.Sqrt(math.Min(1, h)))
}

// wrapRadians maps an angle to [-π, π].
func wrapRadians(x float64) float64 {
	if x > math.Pi || x < -math.Pi {
		x = math.Remainder(x, 2*math.Pi)
	}
	return x
}

// wrapDegrees maps an angle to [-180, 180].
func wrapDegrees(x float64) float64 {
	if x > 180 || x < -180 {
		x = math.Remainder(x, 360)
	}
	return x
}
