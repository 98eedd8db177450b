package geodesy

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// agrees is the accuracy the stores promise each other: 0.5 m or 0.1 %.
func agrees(got, want float64) bool {
	return math.Abs(got-want) <= math.Max(0.5, 0.001*want)
}

func TestDistanceToGeometryLines(t *testing.T) {
	zigzag := orb.LineString{{122.60, -5.45}, {122.63, -5.46}, {122.62, -5.49}}
	long := orb.LineString{{122.0, -6.0}, {123.0, -5.0}}
	pair := orb.MultiLineString{{{122.58, -5.41}, {122.59, -5.41}}, {{122.7, -5.5}, {122.7, -5.6}}}
	cases := []struct {
		name string
		p    orb.Point
		g    orb.Geometry
		want float64 // PostGIS ST_Distance(geography), metres
	}{
		// The first segment is 1748.849 m away on the ellipsoid, but the
		// second is nearer on the sphere, and PostGIS measures that one.
		{"zigzag from centre", orb.Point{122.61, -5.47}, zigzag, 1751.807897},
		{"zigzag from north-west", orb.Point{122.55, -5.40}, zigzag, 7827.973037},
		{"zigzag, on the lon/lat segment", orb.Point{122.615, -5.455}, zigzag, 0.023870},
		{"zigzag from inside the bend", orb.Point{122.625, -5.455}, zigzag, 349.790214},
		{"zigzag from 46 km", orb.Point{122.9, -5.8}, zigzag, 46232.091154},
		{"zigzag from 65 km", orb.Point{123.0, -5.0}, zigzag, 65345.639292},
		{"long diagonal from north-west", orb.Point{122.55, -5.40}, long, 3961.963962},
		{"long diagonal from centre", orb.Point{122.61, -5.47}, long, 6214.363444},
		{"long diagonal from south-east", orb.Point{122.70, -5.55}, long, 19521.479010},
		{"long diagonal from 55 km", orb.Point{122.9, -5.8}, long, 54739.349964},
		{"long diagonal at its end", orb.Point{123.0, -5.0}, long, 0},
		{"multiline, first part", orb.Point{122.55, -5.40}, pair, 3503.913753},
		{"multiline, second part", orb.Point{122.625, -5.455}, pair, 6309.401110},
		{"multiline, on the second part", orb.Point{122.70, -5.55}, pair, 0},
		{"multiline from 31 km", orb.Point{122.9, -5.8}, pair, 31304.746997},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := DistanceToGeometry(tc.p, tc.g)
			// Our nearest point is the same as PostGIS's, so the agreement
			// is far tighter than the promised 0.5 m; check both.
			if !agrees(got, tc.want) || math.Abs(got-tc.want) > 1e-3 {
				t.Errorf("DistanceToGeometry = %.6f, want %.6f", got, tc.want)
			}
		})
	}
}

func TestDistanceToGeometryKelurahan(t *testing.T) {
	kel := loadKelurahan(t)
	cases := []struct {
		p    orb.Point
		kode string
		want float64 // PostGIS ST_Distance(geography), metres
	}{
		{orb.Point{122.55, -5.40}, "74.72.02.1001", 8485.824534},
		{orb.Point{122.55, -5.40}, "74.72.03.1001", 13090.589388},
		{orb.Point{122.55, -5.40}, "74.72.04.1002", 14191.812954},
		{orb.Point{122.55, -5.40}, "74.72.05.1002", 8597.997908},
		{orb.Point{122.55, -5.40}, "74.72.07.1001", 8470.711827},
		{orb.Point{122.55, -5.40}, "74.72.07.1003", 11745.146711},
		{orb.Point{122.6, -5.52}, "74.72.02.1001", 6906.493202},
		{orb.Point{122.6, -5.52}, "74.72.04.1002", 17845.397260},
		{orb.Point{122.6, -5.52}, "74.72.07.1003", 17926.087279},
		{orb.Point{122.61, -5.47}, "74.72.02.1001", 1292.665550},
		{orb.Point{122.61, -5.47}, "74.72.03.1001", 4776.983337},
		{orb.Point{122.61, -5.47}, "74.72.05.1002", 4340.410896},
		{orb.Point{122.645, -5.43}, "74.72.03.1001", 3130.134226},
		{orb.Point{122.645, -5.43}, "74.72.05.1002", 1781.616901},
		{orb.Point{122.645, -5.43}, "74.72.07.1001", 1745.025862},
		{orb.Point{122.9, -5.8}, "74.72.03.1001", 41231.207334},
		{orb.Point{122.9, -5.8}, "74.72.07.1003", 52967.547684},
		{orb.Point{123.0, -5.0}, "74.72.02.1001", 66233.746927},
		{orb.Point{123.0, -5.0}, "74.72.04.1002", 47067.975110},
		{orb.Point{123.0, -5.0}, "74.72.07.1003", 49506.469508},
		// ST_PointOnSurface of the polygon: inside, so 0.
		{orb.Point{122.60763812478163, -5.456486982499968}, "74.72.02.1001", 0},
		{orb.Point{122.66022635204712, -5.342487193999972}, "74.72.07.1003", 0},
	}
	for _, tc := range cases {
		t.Run(tc.kode, func(t *testing.T) {
			got := DistanceToGeometry(tc.p, kel[tc.kode])
			if !agrees(got, tc.want) || math.Abs(got-tc.want) > 1e-3 {
				t.Errorf("DistanceToGeometry(%v) = %.6f, want %.6f", tc.p, got, tc.want)
			}
		})
	}
}

func TestDistanceToGeometryShapes(t *testing.T) {
	square := orb.Polygon{
		{{122.60, -5.50}, {122.60, -5.45}, {122.65, -5.45}, {122.65, -5.50}, {122.60, -5.50}}, // clockwise
		{{122.62, -5.48}, {122.63, -5.48}, {122.63, -5.47}, {122.62, -5.47}, {122.62, -5.48}},
	}
	inHole := orb.Point{122.625, -5.475}
	holeDist := DistanceToGeometry(inHole, orb.LineString(square[1]))
	cases := []struct {
		name string
		p    orb.Point
		g    orb.Geometry
		want float64
	}{
		{"inside polygon", orb.Point{122.61, -5.46}, square, 0},
		{"on a vertex", orb.Point{122.60, -5.50}, square, 0},
		{"on an edge", orb.Point{122.60, -5.47}, square, 0},
		{"in the hole", inHole, square, holeDist},
		{"inside multipolygon", orb.Point{122.61, -5.46}, orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}, square}, 0},
		{"ring counts as polygon", orb.Point{122.61, -5.46}, square[0], 0},
		{"bound counts as polygon", orb.Point{122.61, -5.46}, square.Bound(), 0},
		{"point", orb.Point{122.6, -5.5}, orb.Point{122.65, -5.45}, Distance(orb.Point{122.6, -5.5}, orb.Point{122.65, -5.45})},
		{"multipoint takes the nearest", orb.Point{122.6, -5.5}, orb.MultiPoint{{122.7, -5.5}, {122.61, -5.5}}, Distance(orb.Point{122.6, -5.5}, orb.Point{122.61, -5.5})},
		{"collection takes the nearest", orb.Point{122.6, -5.5}, orb.Collection{orb.Point{122.7, -5.5}, orb.LineString{{122.61, -5.6}, {122.61, -5.4}}}, Distance(orb.Point{122.6, -5.5}, orb.Point{122.61, -5.5})},
		{"nil", orb.Point{0, 0}, nil, math.Inf(1)},
		{"empty polygon", orb.Point{0, 0}, orb.Polygon{}, math.Inf(1)},
		{"empty multipoint", orb.Point{0, 0}, orb.MultiPoint{}, math.Inf(1)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := DistanceToGeometry(tc.p, tc.g)
			if math.IsInf(tc.want, 1) {
				if !math.IsInf(got, 1) {
					t.Errorf("got %v, want +Inf", got)
				}
				return
			}
			if math.Abs(got-tc.want) > 1e-3 {
				t.Errorf("got %.6f, want %.6f", got, tc.want)
			}
		})
	}
	if holeDist < 300 || holeDist > 600 {
		t.Errorf("distance from the hole's centre to its ring = %v, want about 550 m", holeDist)
	}
}

// TestDistanceToGeometryPrefilter checks that skipping segments by their
// projected distance never changes the answer: the result must be the
// distance to the nearest point on the sphere over every segment.
func TestDistanceToGeometryPrefilter(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 200 {
		ls := make(orb.LineString, 2+r.IntN(40))
		for i := range ls {
			ls[i] = orb.Point{122.5 + 0.3*r.Float64(), -5.7 + 0.4*r.Float64()}
		}
		p := orb.Point{122.2 + 0.9*r.Float64(), -6.0 + r.Float64()}
		s := newSearch(p)
		best, nearest := math.Inf(1), orb.Point{}
		for i := 1; i < len(ls); i++ {
			if q, a := s.nearestOnArc(ls[i-1], ls[i]); a < best {
				best, nearest = a, q
			}
		}
		want := Distance(p, nearest)
		if got := DistanceToGeometry(p, ls); got != want {
			t.Fatalf("DistanceToGeometry(%v, %v) = %v, exhaustive minimum %v", p, ls, got, want)
		}
	}
}

func BenchmarkDistanceToGeometry(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	// A ~200-vertex polygon around the centre of Baubau, and query points
	// outside and inside it.
	const n = 200
	ring := make(orb.Ring, 0, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / n
		rad := 0.02 * (1 + 0.2*r.Float64())
		ring = append(ring, orb.Point{122.61 + rad*math.Cos(a), -5.47 + rad*math.Sin(a)})
	}
	ring = append(ring, ring[0])
	poly := orb.Polygon{ring}
	line := orb.LineString(ring[:50])
	pts := make([]orb.Point, 256)
	for i := range pts {
		pts[i] = orb.Point{122.5 + 0.3*r.Float64(), -5.7 + 0.4*r.Float64()}
	}
	for _, bc := range []struct {
		name string
		g    orb.Geometry
	}{{"polygon200", poly}, {"line50", line}, {"point", orb.Point{122.61, -5.47}}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				DistanceToGeometry(pts[i%len(pts)], bc.g)
			}
		})
	}
}
