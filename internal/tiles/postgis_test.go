package tiles_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/planar"

	"github.com/serasi/serasi/internal/layers"
	"github.com/serasi/serasi/internal/mirror"
	"github.com/serasi/serasi/internal/store/postgis"
	"github.com/serasi/serasi/internal/store/postgis/postgistest"
	"github.com/serasi/serasi/internal/tiles"
)

// pixel is one pixel of a 512 px tile in tile units, the size the Go
// encoder simplifies to.
const pixel = tiles.Extent / 512

// bboxTolerance is how far, in tile units, a feature's box in the two
// tiles may differ: simplification moves an extreme vertex by up to one
// pixel in either encoder, and ST_AsMVTGeom snaps before validating.
const bboxTolerance = 2 * pixel

// tileSet is every tile at z10..z16 within one tile of the one holding
// central Baubau.
func tileSet() []maptile.Tile {
	var out []maptile.Tile
	for z := maptile.Zoom(10); z <= 16; z++ {
		c := maptile.At(baubau, z)
		for dx := -1; dx <= 1; dx++ {
			for dy := -1; dy <= 1; dy++ {
				out = append(out, maptile.New(uint32(int(c.X)+dx), uint32(int(c.Y)+dy), z))
			}
		}
	}
	return out
}

func newPostGIS(t testing.TB) *postgis.Store {
	t.Helper()
	return postgistest.Open(t, postgistest.NewSeeded(t))
}

// TestPostGISMatchesGoEncoder renders the same tiles with the Go encoder
// over the embedded store and with ST_AsMVT in PostGIS (through Render,
// as the tile server does) and compares them: one layer of the same name,
// extent and version; the same features, by id and in order; the same
// properties exactly; geometry of the same dimension whose box in tile
// units agrees within bboxTolerance.
func TestPostGISMatchesGoEncoder(t *testing.T) {
	pg := newPostGIS(t)
	mem := newStore(t)
	ctx := context.Background()
	features := map[string]int{}
	for _, l := range layers.New().All() {
		for _, tile := range tileSet() {
			if int(tile.Z) < l.MinZoom || int(tile.Z) > l.MaxZoom {
				continue
			}
			t.Run(fmt.Sprintf("%s/%d/%d/%d", l.Name, tile.Z, tile.X, tile.Y), func(t *testing.T) {
				goData, err := tiles.Encode(ctx, mem, l, tile)
				if err != nil {
					t.Fatal(err)
				}
				pgData, err := tiles.Render(ctx, pg, l, tile)
				if err != nil {
					t.Fatal(err)
				}
				want, got := decode(t, goData), decode(t, pgData)
				if len(got) != 1 || len(want) != 1 {
					t.Fatalf("%d layers from PostGIS, %d from Go; want 1", len(got), len(want))
				}
				features[l.Name] += len(want[0].Features)
				compareLayers(t, l, want[0], got[0])
			})
		}
	}
	// The comparison means something only if the tiles hold features.
	for _, l := range layers.New().All() {
		if features[l.Name] == 0 {
			t.Errorf("layer %s: no feature in any tile compared", l.Name)
		}
	}
	t.Logf("features compared per layer: %v", features)
}

// TestPostGISCopyMatchesMVT renders the tiles of TestPostGISMatchesGoEncoder
// from the in-process copy of the PostGIS store (internal/mirror, as serve
// does) and compares them with ST_AsMVT's in the same way.
func TestPostGISCopyMatchesMVT(t *testing.T) {
	pg := newPostGIS(t)
	ctx := context.Background()
	m, err := mirror.New(ctx, pg, mirror.Options{})
	if err != nil {
		t.Fatal(err)
	}
	copied := m.Wrap(pg)
	features := map[string]int{}
	for _, l := range layers.New().All() {
		for _, tile := range tileSet() {
			if int(tile.Z) < l.MinZoom || int(tile.Z) > l.MaxZoom {
				continue
			}
			t.Run(fmt.Sprintf("%s/%d/%d/%d", l.Name, tile.Z, tile.X, tile.Y), func(t *testing.T) {
				copyData, err := tiles.Render(ctx, copied, l, tile)
				if err != nil {
					t.Fatal(err)
				}
				pgData, err := tiles.Render(ctx, pg, l, tile)
				if err != nil {
					t.Fatal(err)
				}
				want, got := decode(t, copyData), decode(t, pgData)
				if len(got) != 1 || len(want) != 1 {
					t.Fatalf("%d layers from PostGIS, %d from the copy; want 1", len(got), len(want))
				}
				features[l.Name] += len(want[0].Features)
				compareLayers(t, l, want[0], got[0])
			})
		}
	}
	for _, l := range layers.New().All() {
		if features[l.Name] == 0 {
			t.Errorf("layer %s: no feature in any tile compared", l.Name)
		}
	}
}

func compareLayers(t *testing.T, l *layers.Layer, want, got *mvt.Layer) {
	t.Helper()
	if got.Name != want.Name || got.Extent != want.Extent || got.Version != want.Version {
		t.Errorf("PostGIS layer %q extent %d version %d; Go %q extent %d version %d",
			got.Name, got.Extent, got.Version, want.Name, want.Extent, want.Version)
	}
	ids := func(ly *mvt.Layer) []string {
		out := make([]string, len(ly.Features))
		for i, f := range ly.Features {
			out[i], _ = f.Properties[l.IDProperty].(string)
		}
		return out
	}
	if g, w := ids(got), ids(want); !slices.Equal(g, w) {
		t.Fatalf("PostGIS features %v\nGo features      %v", g, w)
	}
	for i, w := range want.Features {
		g := got.Features[i]
		id := w.Properties[l.IDProperty]
		if !reflect.DeepEqual(g.Properties, w.Properties) {
			t.Errorf("%v: PostGIS properties %v\nGo properties %v", id, g.Properties, w.Properties)
		}
		if gd, wd := g.Geometry.Dimensions(), w.Geometry.Dimensions(); gd != wd {
			t.Errorf("%v: PostGIS %s, Go %s", id, g.Geometry.GeoJSONType(), w.Geometry.GeoJSONType())
			continue
		}
		gb, gok := visibleBound(g.Geometry)
		wb, wok := visibleBound(w.Geometry)
		switch {
		case gok && wok:
			if d := boundDistance(gb, wb); d > bboxTolerance {
				t.Errorf("%v: box %v in PostGIS, %v in Go: %g tile units apart", id, gb, wb, d)
			}
		case gok != wok:
			// In one tile only: then only just, a sliver at the window's edge.
			b := gb
			if wok {
				b = wb
			}
			if min(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]) > bboxTolerance {
				t.Errorf("%v: box %v in the window in one tile (PostGIS %t), none in the other", id, b, gok)
			}
		}
	}
}

// window is where two tiles' geometry is compared: the tile and half its
// buffer. The Go encoder clips polygons ring by ring (Sutherland-Hodgman),
// which leaves zero-area edges along the buffer's outer edge where a ring
// leaves the buffer and comes back; they are drawn nowhere but stretch a
// raw bounding box. Half a buffer inside, they are gone.
var window = orb.Bound{Min: orb.Point{-tiles.Buffer / 2, -tiles.Buffer / 2}, Max: orb.Point{tiles.Extent + tiles.Buffer/2, tiles.Extent + tiles.Buffer/2}}

// visibleBound is the box of the part of g inside window; false when no
// part is. For polygons it is computed from the rings' edges cut to the
// window (line clipping is exact) and the window's corners that the
// polygon covers, so degenerate edges outside the window do not count.
func visibleBound(g orb.Geometry) (orb.Bound, bool) {
	var pts []orb.Point
	var lines orb.MultiLineString
	switch g := g.(type) {
	case orb.Point:
		pts = append(pts, g)
	case orb.MultiPoint:
		pts = append(pts, g...)
	case orb.LineString:
		lines = orb.MultiLineString{g}
	case orb.MultiLineString:
		lines = g
	case orb.Polygon:
		return visibleBound(orb.MultiPolygon{g})
	case orb.MultiPolygon:
		for _, p := range g {
			for _, r := range p {
				lines = append(lines, orb.LineString(r))
			}
		}
		for _, c := range []orb.Point{window.Min, window.Max, {window.Min[0], window.Max[1]}, {window.Max[0], window.Min[1]}} {
			if planar.MultiPolygonContains(g, c) {
				pts = append(pts, c)
			}
		}
	}
	for _, ls := range clip.MultiLineString(window, lines) {
		pts = append(pts, ls...)
	}
	var b orb.Bound
	n := 0
	for _, p := range pts {
		if !window.Contains(p) {
			continue
		}
		if n == 0 {
			b = p.Bound()
		} else {
			b = b.Extend(p)
		}
		n++
	}
	return b, n > 0
}

// boundDistance is the largest difference between matching edges of a and b.
func boundDistance(a, b orb.Bound) float64 {
	d := 0.0
	for _, v := range [][2]float64{{a.Min[0], b.Min[0]}, {a.Min[1], b.Min[1]}, {a.Max[0], b.Max[0]}, {a.Max[1], b.Max[1]}} {
		d = max(d, math.Abs(v[0]-v[1]))
	}
	return d
}

// TestPostGISTileServer checks that the tile server renders through the
// store's ST_AsMVT when it has one, and through Encode with GoEncoder.
func TestPostGISTileServer(t *testing.T) {
	pg := newPostGIS(t)
	ctx := context.Background()
	l, _ := layers.New().Lookup("kelurahan")
	tile := maptile.At(baubau, 14)
	for _, tc := range []struct {
		name      string
		goEncoder bool
		render    func() ([]byte, error)
	}{
		{"ST_AsMVT", false, func() ([]byte, error) { return pg.TileMVT(ctx, tiles.NewMVTRequest(l, tile)) }},
		{"Go encoder", true, func() ([]byte, error) { return tiles.Encode(ctx, pg, l, tile) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := tiles.New(pg, tiles.Options{GoEncoder: tc.goEncoder})
			got, err := srv.Tile(ctx, l.Name, uint32(tile.Z), tile.X, tile.Y)
			if err != nil {
				t.Fatal(err)
			}
			want, err := tc.render()
			if err != nil {
				t.Fatal(err)
			}
			if len(want) == 0 || !slices.Equal(got.Raw, want) {
				t.Errorf("the server's tile (%d bytes) is not the %s tile (%d bytes)", len(got.Raw), tc.name, len(want))
			}
		})
	}
	t.Run("unknown layer falls back", func(t *testing.T) {
		_, err := pg.TileMVT(ctx, tiles.MVTRequest{Layer: "roads", Z: 14, Extent: tiles.Extent, Buffer: tiles.Buffer})
		if err != tiles.ErrNoMVT {
			t.Errorf("err %v, want tiles.ErrNoMVT", err)
		}
	})
	t.Run("empty tile", func(t *testing.T) {
		// Open sea, far from Baubau: no feature, but the layer is there,
		// as the Go encoder writes it.
		sea := maptile.At(orb.Point{0, 0}, 12)
		data, err := tiles.Render(ctx, pg, l, sea)
		if err != nil {
			t.Fatal(err)
		}
		ls := decode(t, data)
		if len(ls) != 1 || ls[0].Name != l.Name || len(ls[0].Features) != 0 {
			t.Errorf("empty tile: %d layers %v", len(ls), ls)
		}
	})
}

// TestPostGISQueryStopsWithClient: a tile request whose client goes away
// leaves no query running in the database. The tile's query is made to
// wait on a lock held by another transaction, so it is surely running when
// the client leaves.
func TestPostGISQueryStopsWithClient(t *testing.T) {
	pg := newPostGIS(t)
	db := pg.DB()
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "LOCK TABLE kelurahan IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(tiles.Routes(pg, tiles.Options{}))
	defer srv.Close()
	c := maptile.At(baubau, 14)
	reqCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	req, _ := http.NewRequestWithContext(reqCtx, "GET", fmt.Sprintf("%s/tiles/kelurahan/14/%d/%d.mvt", srv.URL, c.X, c.Y), nil)
	go func() {
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	running := func() int {
		var n int
		err := db.GetContext(ctx, &n, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND state = 'active' AND query LIKE '%ST_AsMVT%' AND pid <> pg_backend_pid()`)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	waitFor := func(what string, ok func(int) bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			if n := running(); ok(n) {
				return
			} else if time.Now().After(deadline) {
				t.Fatalf("%s: %d tile queries running", what, n)
			}
		}
	}
	waitFor("before the client leaves", func(n int) bool { return n == 1 })
	cancel()
	waitFor("after the client left", func(n int) bool { return n == 0 })
}
