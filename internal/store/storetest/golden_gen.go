package storetest

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/lib/pq"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/geojson"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/dataset"
)

// GenerateGolden asks PostGIS (plain ST_Covers, ST_Intersects and
// geography ST_Distance on temporary tables, none of the PostGIS store's
// queries) about the inputs of the suite. db is any database where the
// postgis extension exists or may be created. The inputs are chosen from
// the data with plain arithmetic; where a choice needs geometry (which
// points lie in overlaps), PostGIS makes it too.
func GenerateGolden(ctx context.Context, db *sql.DB, ds *dataset.Dataset) (*Golden, error) {
	hash, err := DataHash(geodata.FS)
	if err != nil {
		return nil, err
	}
	conn, err := db.Conn(ctx) // temporary tables live in one session
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	gen := &goldenGen{ctx: ctx, c: conn, ds: ds}
	if err := gen.load(); err != nil {
		return nil, fmt.Errorf("storetest: loading the data into PostGIS: %w", err)
	}
	g := &Golden{Command: GoldenCommand, Data: hash}
	if g.Points, err = gen.points(); err != nil {
		return nil, fmt.Errorf("storetest: points: %w", err)
	}
	if g.Distances, err = gen.distances(); err != nil {
		return nil, fmt.Errorf("storetest: distances: %w", err)
	}
	if g.Shapes, err = gen.shapes(); err != nil {
		return nil, fmt.Errorf("storetest: shapes: %w", err)
	}
	return g, nil
}

type goldenGen struct {
	ctx context.Context
	c   *sql.Conn
	ds  *dataset.Dataset
}

func (gen *goldenGen) exec(q string, args ...any) error {
	_, err := gen.c.ExecContext(gen.ctx, q, args...)
	return err
}

func (gen *goldenGen) load() error {
	for _, q := range []string{
		`CREATE EXTENSION IF NOT EXISTS postgis`,
		`CREATE TEMP TABLE golden_kel (code text PRIMARY KEY, geom geometry NOT NULL)`,
		`CREATE TEMP TABLE golden_prj (id text PRIMARY KEY, geom geometry NOT NULL)`,
	} {
		if err := gen.exec(q); err != nil {
			return err
		}
	}
	for _, k := range gen.ds.Kelurahans {
		if err := gen.exec(`INSERT INTO golden_kel VALUES ($1, ST_GeomFromWKB($2, 4326))`, k.Code, wkb.Value(k.Geometry)); err != nil {
			return err
		}
	}
	for _, p := range gen.ds.Projects {
		if err := gen.exec(`INSERT INTO golden_prj VALUES ($1, ST_GeomFromWKB($2, 4326))`, p.ID, wkb.Value(p.Geometry)); err != nil {
			return err
		}
	}
	return gen.exec(`CREATE INDEX ON golden_kel USING gist (geom)`)
}

// covers returns, for each point, the codes of the kelurahan covering it.
func (gen *goldenGen) covers(pts []orb.Point) ([][]string, error) {
	xs, ys := make([]float64, len(pts)), make([]float64, len(pts))
	for i, p := range pts {
		xs[i], ys[i] = p[0], p[1]
	}
	rows, err := gen.c.QueryContext(gen.ctx, `
		SELECT p.i, k.code
		FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS p(x, y, i)
		JOIN golden_kel k ON ST_Covers(k.geom, ST_SetSRID(ST_MakePoint(p.x, p.y), 4326))
		ORDER BY p.i, k.code`, pq.Array(xs), pq.Array(ys))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([][]string, len(pts))
	for i := range out {
		out[i] = []string{}
	}
	for rows.Next() {
		var i int
		var code string
		if err := rows.Scan(&i, &code); err != nil {
			return nil, err
		}
		out[i-1] = append(out[i-1], code)
	}
	return out, rows.Err()
}

func (gen *goldenGen) points() ([]GoldenPoint, error) {
	ds := gen.ds
	var out []GoldenPoint
	add := func(kind, name string, pts []orb.Point, keep func(covers []string) bool, max int) error {
		cs, err := gen.covers(pts)
		if err != nil {
			return err
		}
		n := 0
		for i, p := range pts {
			if n == max {
				break
			}
			if keep == nil || keep(cs[i]) {
				nm := name
				if name == "#" {
					nm = fmt.Sprint(i)
				}
				out = append(out, GoldenPoint{Kind: kind, Name: nm, P: p, Covers: cs[i]})
				n++
			}
		}
		return nil
	}
	for _, f := range goldenFacts {
		if err := add("fact", f.name, []orb.Point{f.p}, nil, -1); err != nil {
			return nil, err
		}
	}

	b := cityBound(ds)
	const n = 40
	var grid []orb.Point
	for i := 0; i <= n; i++ {
		for j := 0; j <= n; j++ {
			grid = append(grid, orb.Point{b.Min[0] + (b.Max[0]-b.Min[0])*float64(i)/n, b.Min[1] + (b.Max[1]-b.Min[1])*float64(j)/n})
		}
	}
	if err := add("grid", "", grid, nil, -1); err != nil {
		return nil, err
	}

	// Every vertex, exactly: on the boundary of its own kelurahan.
	var vertices, edges, jittered []orb.Point
	seen := map[orb.Point]bool{}
	for _, k := range ds.Kelurahans {
		eachRing(k.Geometry, func(r orb.Ring) {
			for i := 0; i+1 < len(r); i++ {
				if v := r[i]; !seen[v] {
					seen[v] = true
					vertices = append(vertices, v)
				}
				if m, ok := exactMidpoint(r[i], r[i+1]); ok {
					edges = append(edges, m)
				}
			}
		})
	}
	if err := add("vertex", "", vertices, nil, -1); err != nil {
		return nil, err
	}
	// Midpoints whose coordinates are exact lie exactly on the edge.
	if err := add("edge", "", edges, nil, 600); err != nil {
		return nil, err
	}
	// About 2 m from a vertex in eight directions: some land in the
	// slivers where two simplified polygons overlap, some in the gaps.
	const step = 2e-5
	for _, v := range vertices {
		for _, d := range [][2]float64{{1, 0}, {-1, 0}, {0, 1}, {0, -1}, {1, 1}, {-1, -1}, {1, -1}, {-1, 1}} {
			jittered = append(jittered, orb.Point{v[0] + d[0]*step, v[1] + d[1]*step})
		}
	}
	if err := add("overlap", "", jittered, func(c []string) bool { return len(c) >= 2 }, 400); err != nil {
		return nil, err
	}
	if err := add("gap", "", jittered, func(c []string) bool { return len(c) == 0 }, 150); err != nil {
		return nil, err
	}

	// The centre of each kelurahan's largest inscribed circle, kept when
	// no other kelurahan covers it.
	rows, err := gen.c.QueryContext(gen.ctx, `
		SELECT code, ST_X(c.center), ST_Y(c.center)
		FROM golden_kel, ST_MaximumInscribedCircle(geom) AS c ORDER BY code`)
	if err != nil {
		return nil, err
	}
	var names []string
	var centres []orb.Point
	for rows.Next() {
		var code string
		var x, y float64
		if err := rows.Scan(&code, &x, &y); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, code)
		centres = append(centres, orb.Point{x, y})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	cs, err := gen.covers(centres)
	if err != nil {
		return nil, err
	}
	for i, p := range centres {
		if slices.Equal(cs[i], []string{names[i]}) {
			out = append(out, GoldenPoint{Kind: "inscribed", Name: names[i], P: p, Covers: cs[i]})
		}
	}

	var firsts []orb.Point
	for _, p := range ds.Projects {
		firsts = append(firsts, firstPosition(p.Geometry))
	}
	cs, err = gen.covers(firsts)
	if err != nil {
		return nil, err
	}
	for i, p := range ds.Projects {
		out = append(out, GoldenPoint{Kind: "project", Name: p.ID, P: firsts[i], Covers: cs[i]})
	}
	return out, nil
}

func firstPosition(g orb.Geometry) orb.Point {
	var first orb.Point
	done := false
	walkPoints(g, func(p orb.Point) {
		if !done {
			first, done = p, true
		}
	})
	return first
}

// exactMidpoint returns the midpoint of a-b and whether it is exact in both
// coordinates (then it lies exactly on the segment).
func exactMidpoint(a, b orb.Point) (orb.Point, bool) {
	var m orb.Point
	for i := range 2 {
		s := a[i] + b[i]
		// TwoSum: the rounding error of a+b is zero iff the sum is exact.
		bb := s - a[i]
		if (a[i]-(s-bb))+(b[i]-bb) != 0 {
			return m, false
		}
		m[i] = s / 2
	}
	return m, m != a && m != b
}

// goldenFacts are named points: facts of the real data, and query points
// at other latitudes, up to 50 km from the city.
var goldenFacts = []struct {
	name string
	p    orb.Point
}{
	{"wale", walePoint},
	{"strait", straitPoint},
	{"south-west sea", southWestSea},
	{"null island", orb.Point{0, 0}},
	{"jakarta", orb.Point{106.8, -6.2}},
	{"north 45 km", orb.Point{122.6077, -5.05}},
	{"south 47 km", orb.Point{122.6077, -5.88}},
	{"east 43 km", orb.Point{123.0, -5.456}},
	{"west 40 km", orb.Point{122.25, -5.456}},
}

func (gen *goldenGen) distances() ([]GoldenDistances, error) {
	var qs []GoldenDistances
	for _, f := range goldenFacts {
		qs = append(qs, GoldenDistances{Name: f.name, P: f.p})
	}
	qs = append(qs, GoldenDistances{Name: "city centre", P: cityBound(gen.ds).Center()})
	for _, k := range gen.ds.Kelurahans {
		qs = append(qs, GoldenDistances{Name: "centroid " + k.Code, P: k.Centroid})
	}
	for i := range qs {
		rows, err := gen.c.QueryContext(gen.ctx, `
			SELECT id, ST_Distance(geography(geom), geography(ST_SetSRID(ST_MakePoint($1, $2), 4326)))
			FROM golden_prj ORDER BY id`, qs[i].P[0], qs[i].P[1])
		if err != nil {
			return nil, err
		}
		qs[i].Meters = map[string]float64{}
		for rows.Next() {
			var id string
			var d float64
			if err := rows.Scan(&id, &d); err != nil {
				rows.Close()
				return nil, err
			}
			qs[i].Meters[id] = d
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return qs, nil
}

func box(c orb.Point, d float64) orb.Bound {
	return orb.Bound{Min: orb.Point{c[0] - d, c[1] - d}, Max: orb.Point{c[0] + d, c[1] + d}}
}

func (gen *goldenGen) shapes() ([]GoldenShape, error) {
	ds := gen.ds
	var shapes []GoldenShape
	var jsonErr error
	addGeom := func(name string, g orb.Geometry, isBox bool) {
		j, err := json.Marshal(geojson.NewGeometry(g))
		if err != nil && jsonErr == nil {
			jsonErr = fmt.Errorf("%s: %w", name, err)
		}
		shapes = append(shapes, GoldenShape{Name: name, Geometry: j, BBox: isBox, geom: g})
	}
	addBox := func(name string, b orb.Bound) { addGeom(name, b.ToPolygon(), true) }
	addRef := func(name, ref string) error {
		g, err := refGeometry(ds, ref)
		if err != nil {
			return err
		}
		shapes = append(shapes, GoldenShape{Name: name, Ref: ref, geom: g})
		return nil
	}
	city := cityBound(ds)
	wale, _ := ds.Kelurahan(waleCode)
	last := ds.Kelurahans[len(ds.Kelurahans)-1]

	addBox("box wale 0.002", box(walePoint, 0.002))
	addBox("box wale 0.01", box(walePoint, 0.01))
	addBox("box city", city)
	addBox("box sea", box(southWestSea, 0.01))
	addBox("box sea 0.005", box(southWestSea, 0.005))
	addGeom("polygon wale 0.004", box(walePoint, 0.004).ToPolygon(), false)
	addGeom("polygon wale 0.02", box(walePoint, 0.02).ToPolygon(), false)
	addGeom("line wale to the last centroid", orb.LineString{walePoint, last.Centroid}, false)
	addGeom("point wale", walePoint, false)
	if err := addRef("kelurahan wale", "kelurahan:"+wale.Code); err != nil {
		return nil, err
	}
	for _, k := range ds.Kecamatans {
		if err := addRef("kecamatan "+k.Code, "kecamatan:"+k.Code); err != nil {
			return nil, err
		}
	}

	// Box edges: a box whose west edge passes exactly through the city's
	// east-most vertex meets that kelurahan there; one a hair further east
	// meets nothing. The same for the north-most vertex.
	var east, north orb.Point
	east, north = orb.Point{math.Inf(-1), 0}, orb.Point{0, math.Inf(-1)}
	for _, k := range ds.Kelurahans {
		walkPoints(k.Geometry, func(p orb.Point) {
			if p[0] > east[0] {
				east = p
			}
			if p[1] > north[1] {
				north = p
			}
		})
	}
	addBox("box touching the east-most vertex", orb.Bound{Min: east, Max: orb.Point{east[0] + 0.01, east[1] + 0.01}})
	addBox("box just east of the east-most vertex", orb.Bound{Min: orb.Point{east[0] + 1e-7, east[1]}, Max: orb.Point{east[0] + 0.01, east[1] + 0.01}})
	addBox("box touching the north-most vertex", orb.Bound{Min: orb.Point{north[0] - 0.01, north[1]}, Max: orb.Point{north[0], north[1] + 0.01}})
	addBox("box just north of the north-most vertex", orb.Bound{Min: orb.Point{north[0] - 0.01, north[1] + 1e-7}, Max: orb.Point{north[0] + 0.01, north[1] + 0.01}})

	// A point project on a box's corner and on its edge is in it; a box
	// 1e-7° (1 cm) away is not.
	for _, p := range ds.Projects {
		pt, ok := p.Geometry.(orb.Point)
		if !ok {
			continue
		}
		addBox("box with its corner on "+p.ID, orb.Bound{Min: pt, Max: orb.Point{pt[0] + 0.001, pt[1] + 0.001}})
		addBox("box with its edge through "+p.ID, orb.Bound{Min: orb.Point{pt[0] - 0.001, pt[1]}, Max: orb.Point{pt[0] + 0.001, pt[1] + 0.001}})
		addBox("box 1 cm from "+p.ID, orb.Bound{Min: orb.Point{pt[0] - 0.001, pt[1] + 1e-7}, Max: orb.Point{pt[0] + 0.001, pt[1] + 0.001}})
		break
	}

	// Candidates for a box in a corner of a project's bound but off its
	// geometry, and for a box cutting a line project without covering it:
	// PostGIS decides which qualify.
	for _, p := range ds.Projects {
		b := p.Geometry.Bound()
		w, h := b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]
		if w == 0 || h == 0 {
			continue
		}
		for i, c := range []orb.Point{b.Min, b.Max, {b.Min[0], b.Max[1]}, {b.Max[0], b.Min[1]}} {
			addBox(fmt.Sprintf("candidate corner %d of %s", i, p.ID), orb.Bound{Min: c, Max: c}.Pad(math.Min(w, h)/10))
		}
		if ls, ok := p.Geometry.(orb.LineString); ok {
			addBox("candidate cut of "+p.ID, orb.Bound{Min: ls[0], Max: ls[0]}.Pad(math.Min(w, h)/4))
		}
	}
	if jsonErr != nil {
		return nil, jsonErr
	}
	for i := range shapes {
		if err := gen.answer(&shapes[i]); err != nil {
			return nil, fmt.Errorf("%s: %w", shapes[i].Name, err)
		}
	}
	// Keep the first candidate of each kind that qualifies, as a named shape.
	var out []GoldenShape
	corner, cut := false, false
	for _, s := range shapes {
		switch {
		case strings.HasPrefix(s.Name, "candidate corner "):
			if !corner && len(s.ProjectsIntersecting) == 0 {
				s.Name, corner = "box in a corner of a bound, off the geometry", true
				out = append(out, s)
			}
		case strings.HasPrefix(s.Name, "candidate cut "):
			if !cut && len(s.ProjectsIntersecting) > 0 && len(s.ProjectsCovered) == 0 {
				s.Name, cut = "box cutting a line", true
				out = append(out, s)
			}
		default:
			out = append(out, s)
		}
	}
	if !corner || !cut {
		return nil, fmt.Errorf("found a corner box %v, a cutting box %v", corner, cut)
	}
	return out, nil
}

func (gen *goldenGen) answer(s *GoldenShape) error {
	g := wkb.Value(s.geom)
	list := func(q string) ([]string, error) {
		rows, err := gen.c.QueryContext(gen.ctx, q, g)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		out := []string{}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return nil, err
			}
			out = append(out, id)
		}
		return out, rows.Err()
	}
	var err error
	if s.Kelurahans, err = list(`SELECT code FROM golden_kel WHERE ST_Intersects(geom, ST_GeomFromWKB($1, 4326)) ORDER BY code`); err != nil {
		return err
	}
	if s.ProjectsIntersecting, err = list(`SELECT id FROM golden_prj WHERE ST_Intersects(geom, ST_GeomFromWKB($1, 4326)) ORDER BY id`); err != nil {
		return err
	}
	s.ProjectsCovered, err = list(`SELECT id FROM golden_prj WHERE ST_Covers(ST_GeomFromWKB($1, 4326), geom) ORDER BY id`)
	return err
}
