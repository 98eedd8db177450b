package spatial

import (
	"bufio"
	"math/big"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/geom"
)

// square is clockwise, as the source data is; hole is a hole in it.
var (
	square  = orb.Ring{{0, 0}, {0, 4}, {4, 4}, {4, 0}, {0, 0}}
	hole    = orb.Ring{{1, 1}, {2, 1}, {2, 2}, {1, 2}, {1, 1}}
	donut   = orb.Polygon{square, hole}
	farAway = orb.Polygon{{{10, 10}, {11, 10}, {11, 11}, {10, 10}}}
	multi   = orb.MultiPolygon{farAway, donut}
)

func TestContainsPoint(t *testing.T) {
	cases := []struct {
		name      string
		container orb.Geometry
		p         orb.Point
		want      bool
	}{
		{"inside", donut, orb.Point{3, 3}, true},
		{"outside", donut, orb.Point{5, 3}, false},
		{"on a shell vertex", donut, orb.Point{0, 0}, true},
		{"on a shell edge", donut, orb.Point{0, 2.5}, true},
		{"on the top edge", donut, orb.Point{1.5, 4}, true},
		{"in line with the top edge, outside", donut, orb.Point{5, 4}, false},
		{"in line with a vertex, left of it", donut, orb.Point{-1, 4}, false},
		{"strictly in the hole", donut, orb.Point{1.5, 1.5}, false},
		{"on the hole's edge", donut, orb.Point{1.5, 1}, true},
		{"on the hole's vertex", donut, orb.Point{2, 2}, true},
		{"multipolygon, second part", multi, orb.Point{3, 3}, true},
		{"multipolygon, first part", multi, orb.Point{10.9, 10.5}, true},
		{"multipolygon, in the hole", multi, orb.Point{1.5, 1.5}, false},
		{"multipolygon, outside all", multi, orb.Point{7, 7}, false},
		{"ring", square, orb.Point{1.5, 1.5}, true},
		{"bound", square.Bound(), orb.Point{4, 4}, true},
		{"unclosed ring is closed implicitly", orb.Ring{{0, 0}, {0, 4}, {4, 4}, {4, 0}}, orb.Point{2, 0}, true},
		{"a line contains nothing", orb.LineString{{0, 0}, {1, 1}}, orb.Point{0.5, 0.5}, false},
		{"nil", nil, orb.Point{0, 0}, false},
		{"empty polygon", orb.Polygon{}, orb.Point{0, 0}, false},
		// 0.1+0.2 lies exactly on neither side in decimal, but the
		// float64 point is strictly on one side of the float64 edge;
		// (0.1,0.1)-(0.3,0.3) is not exactly the diagonal either.
		{"diagonal edge, float point", orb.Polygon{{{0, 0}, {0.3, 0.3}, {0.3, 0}, {0, 0}}}, orb.Point{0.2, 0.2}, exactOrient(orb.Point{0, 0}, orb.Point{0.3, 0.3}, orb.Point{0.2, 0.2}) <= 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := ContainsPoint(tc.container, tc.p); got != tc.want {
				t.Errorf("ContainsPoint = %v, want %v", got, tc.want)
			}
			if polygonal(tc.container) {
				if got := Covers(tc.container, tc.p); got != tc.want {
					t.Errorf("Covers = %v, want %v", got, tc.want)
				}
				if got := Intersects(tc.container, tc.p); got != tc.want {
					t.Errorf("Intersects = %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func TestContainsPointDoesNotAllocate(t *testing.T) {
	pts := []orb.Point{{3, 3}, {0, 2}, {1.5, 1.5}, {7, 7}, {2, 2}}
	allocs := testing.AllocsPerRun(100, func() {
		for _, p := range pts {
			ContainsPoint(multi, p)
		}
	})
	if allocs != 0 {
		t.Errorf("ContainsPoint allocates %v times per run", allocs)
	}
}

// exactOrient is orient computed with rationals.
func exactOrient(a, b, c orb.Point) int {
	r := func(x float64) *big.Rat { return new(big.Rat).SetFloat64(x) }
	sub := func(x, y float64) *big.Rat { return new(big.Rat).Sub(r(x), r(y)) }
	l := new(big.Rat).Mul(sub(a[0], c[0]), sub(b[1], c[1]))
	rr := new(big.Rat).Mul(sub(a[1], c[1]), sub(b[0], c[0]))
	return l.Sub(l, rr).Sign()
}

func TestOrientIsExact(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	naiveWrong := 0
	for i := range 20000 {
		a := orb.Point{122 + r.Float64(), -5 - r.Float64()}
		b := orb.Point{122 + r.Float64(), -5 - r.Float64()}
		// c near the line ab: its floating-point neighbourhood, where the
		// naive determinant's sign is often wrong.
		f := r.Float64()
		c := orb.Point{a[0] + f*(b[0]-a[0]), a[1] + f*(b[1]-a[1])}
		if i%3 == 0 {
			c = a // exactly collinear
		}
		want := exactOrient(a, b, c)
		if got := orient([2]float64(a), [2]float64(b), [2]float64(c)); got != want {
			t.Fatalf("orient(%v, %v, %v) = %d, want %d", a, b, c, got, want)
		}
		if sign((a[0]-c[0])*(b[1]-c[1])-(a[1]-c[1])*(b[0]-c[0])) != want {
			naiveWrong++
		}
	}
	// The inputs must be hard: the naive determinant gets some wrong.
	if naiveWrong == 0 {
		t.Error("the naive determinant was never wrong; the test proves nothing")
	}
	t.Logf("naive determinant wrong in %d of 20000 cases", naiveWrong)
}

func TestCoversAndIntersects(t *testing.T) {
	cases := []struct {
		name               string
		container, g       orb.Geometry
		covers, intersects bool
	}{
		{"line inside", donut, orb.LineString{{3, 0.5}, {3, 3.5}}, true, true},
		{"line along the boundary", donut, orb.LineString{{0, 0}, {0, 4}, {4, 4}}, true, true},
		{"line from inside to the boundary", donut, orb.LineString{{3, 3}, {4, 3}}, true, true},
		{"line out and back in", donut, orb.LineString{{3, 3}, {5, 3}, {3.5, 3.5}}, false, true},
		{"line across the hole", donut, orb.LineString{{0.5, 1.5}, {3, 1.5}}, false, true},
		{"line around the hole", donut, orb.LineString{{0.5, 0.5}, {3, 0.5}, {3, 3}}, true, true},
		{"line outside", donut, orb.LineString{{5, 5}, {6, 6}}, false, false},
		{"line touching a corner from outside", donut, orb.LineString{{4, 4}, {5, 5}}, false, true},
		{"line inside the hole", donut, orb.LineString{{1.2, 1.2}, {1.8, 1.8}}, false, false},
		{"polygon inside", donut, orb.Polygon{{{3, 3}, {3.5, 3}, {3.5, 3.5}, {3, 3}}}, true, true},
		{"polygon equal to the shell", orb.Polygon{square}, orb.Polygon{square}, true, true},
		{"polygon covering the hole", donut, orb.Polygon{{{0.5, 0.5}, {2.5, 0.5}, {2.5, 2.5}, {0.5, 2.5}, {0.5, 0.5}}}, false, true},
		{"polygon overlapping", donut, orb.Polygon{{{3, 3}, {5, 3}, {5, 5}, {3, 3}}}, false, true},
		{"polygon sharing an edge from outside", donut, orb.Polygon{{{4, 0}, {5, 0}, {5, 4}, {4, 4}, {4, 0}}}, false, true},
		{"polygon filling the hole", donut, orb.Polygon{hole}, false, true},
		{"polygon inside the hole", donut, orb.Polygon{{{1.2, 1.2}, {1.8, 1.2}, {1.8, 1.8}, {1.2, 1.2}}}, false, false},
		{"multipoint inside", donut, orb.MultiPoint{{3, 3}, {0, 0}}, true, true},
		{"multipoint half out", donut, orb.MultiPoint{{3, 3}, {5, 5}}, false, true},
		{"multipoint all out", donut, orb.MultiPoint{{5, 5}, {1.5, 1.5}}, false, false},
		{"multilinestring, parts in two polygons", multi, orb.MultiLineString{{{3, 3}, {3, 3.5}}, {{10.5, 10.2}, {10.9, 10.5}}}, true, true},
		{"multilinestring bridging the parts", multi, orb.MultiLineString{{{3, 3}, {10.5, 10.2}}}, false, true},
		{"multipolygon containing a multipolygon", multi, orb.MultiPolygon{{{{3, 3}, {3.5, 3}, {3.5, 3.5}, {3, 3}}}, farAway}, true, true},
		{"line container covers nothing", orb.LineString{{0, 0}, {1, 1}}, orb.Point{0.5, 0.5}, false, true},
		{"empty geometry", donut, orb.LineString{}, false, false},
		{"nil geometry", donut, nil, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Covers(tc.container, tc.g); got != tc.covers {
				t.Errorf("Covers = %v, want %v", got, tc.covers)
			}
			if got := Intersects(tc.container, tc.g); got != tc.intersects {
				t.Errorf("Intersects(container, g) = %v, want %v", got, tc.intersects)
			}
			if got := Intersects(tc.g, tc.container); got != tc.intersects {
				t.Errorf("Intersects(g, container) = %v, want %v", got, tc.intersects)
			}
		})
	}
}

func TestIntersectsPointsAndLines(t *testing.T) {
	line := orb.LineString{{0, 0}, {2, 2}, {4, 0}}
	cases := []struct {
		name string
		a, b orb.Geometry
		want bool
	}{
		{"same point", orb.Point{1, 2}, orb.Point{1, 2}, true},
		{"different points", orb.Point{1, 2}, orb.Point{1, 2.0000001}, false},
		{"point in multipoint", orb.Point{1, 2}, orb.MultiPoint{{0, 0}, {1, 2}}, true},
		{"point on line vertex", orb.Point{2, 2}, line, true},
		{"point on line segment", orb.Point{1, 1}, line, true},
		{"point near line", orb.Point{1, 1.0000001}, line, false},
		{"point on multilinestring", orb.Point{3, 1}, orb.MultiLineString{{{5, 5}, {6, 6}}, line}, true},
		{"crossing lines", line, orb.LineString{{0, 1}, {4, 1}}, true},
		{"lines touching at an end", line, orb.LineString{{4, 0}, {5, 0}}, true},
		{"parallel lines", line, orb.LineString{{0, 0.5}, {2, 2.5}}, false},
		{"bounds overlap, lines do not", line, orb.LineString{{0, 2}, {0.5, 2}}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Intersects(tc.a, tc.b); got != tc.want {
				t.Errorf("Intersects(a, b) = %v, want %v", got, tc.want)
			}
			if got := Intersects(tc.b, tc.a); got != tc.want {
				t.Errorf("Intersects(b, a) = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestPredicatesAgreeWithPostGIS replays 260 random points, lines and
// small polygons around four kelurahan (one a MultiPolygon of nine
// parts), including vertices of the boundary and a line along it, whose
// answers PostGIS gave (testdata/postgis_predicates.tsv).
func TestPredicatesAgreeWithPostGIS(t *testing.T) {
	kel := map[string]orb.Geometry{}
	for _, k := range loadKelurahan(t) {
		kel[k.kode] = k.geometry
	}
	f, err := os.Open("testdata/postgis_predicates.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) != 4 {
			t.Fatalf("bad line %q", line)
		}
		container := kel[fields[0]]
		g, err := ParseGeoJSON("g", []byte(fields[1]))
		if err != nil {
			t.Fatalf("%s: %v", fields[1], err)
		}
		if got, want := Covers(container, g), fields[2] == "t"; got != want {
			t.Errorf("Covers(%s, %s) = %v, PostGIS says %v", fields[0], fields[1], got, want)
		}
		if got, want := Intersects(container, g), fields[3] == "t"; got != want {
			t.Errorf("Intersects(%s, %s) = %v, PostGIS says %v", fields[0], fields[1], got, want)
		}
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n != 260 {
		t.Errorf("replayed %d cases, want 260", n)
	}
}

func BenchmarkContainsPoint(b *testing.B) {
	// Kaisabu Baru, the largest kelurahan: 212 vertices.
	g := byKode(b, "74.72.03.1001")
	bound := g.Bound()
	r := rand.New(rand.NewPCG(1, 2))
	pts := make([]orb.Point, 1024)
	for i := range pts {
		pts[i] = orb.Point{
			bound.Min[0] + r.Float64()*(bound.Max[0]-bound.Min[0]),
			bound.Min[1] + r.Float64()*(bound.Max[1]-bound.Min[1]),
		}
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ContainsPoint(g, pts[i%len(pts)])
	}
}

func BenchmarkCoversLine(b *testing.B) {
	g := byKode(b, "74.72.03.1001")
	c := g.Bound().Center()
	line := orb.LineString{{c[0] - 0.005, c[1]}, {c[0], c[1] + 0.004}, {c[0] + 0.005, c[1]}}
	b.ReportAllocs()
	for b.Loop() {
		Covers(g, line)
	}
}

// TestHandPathsAgreeWithSimplefeatures compares the hand-written line
// paths of Covers and Intersects with simplefeatures on random lines
// around and across a kelurahan, including lines from its own vertices.
func TestHandPathsAgreeWithSimplefeatures(t *testing.T) {
	g := byKode(t, "74.72.02.1007") // Kadolo Katapi, 157 vertices
	b := g.Bound()
	shell := g.(orb.Polygon)[0]
	r := rand.New(rand.NewPCG(21, 22))
	pt := func() orb.Point {
		if r.IntN(4) == 0 {
			return shell[r.IntN(len(shell))]
		}
		return orb.Point{b.Min[0] + r.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + r.Float64()*(b.Max[1]-b.Min[1])}
	}
	for range 400 {
		ls := orb.LineString{pt(), pt()}
		if r.IntN(2) == 0 {
			// short lines, mostly wholly inside or outside
			ls[1] = orb.Point{ls[0][0] + 0.002*(r.Float64()-0.5), ls[0][1] + 0.002*(r.Float64()-0.5)}
		}
		wantCovers, err := relate(g, ls, geom.Covers)
		if err != nil {
			t.Fatal(err)
		}
		wantIntersects, _ := relate(g, ls, func(a, b geom.Geometry) (bool, error) { return geom.Intersects(a, b), nil })
		if got := Covers(g, ls); got != wantCovers {
			t.Errorf("Covers(kelurahan, %v) = %v, simplefeatures says %v", ls, got, wantCovers)
		}
		if got := Intersects(g, ls); got != wantIntersects {
			t.Errorf("Intersects(kelurahan, %v) = %v, simplefeatures says %v", ls, got, wantIntersects)
		}
	}
}
