package tiles_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/layers"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/memory"
	"github.com/serasi/serasi/internal/tiles"
)

func newStore(t testing.TB) store.Store {
	t.Helper()
	s, err := memory.New(geodata.FS)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// baubau is the centre of the fixed test and benchmark tiles.
var baubau = orb.Point{122.61, -5.47}

// intersects is the brute-force oracle: orb/clip cuts the geometry to the
// box, independently of the store's and the layer's bbox code.
func intersects(g orb.Geometry, b orb.Bound) bool {
	if p, ok := g.(orb.Point); ok {
		return b.Contains(p)
	}
	if !g.Bound().Intersects(b) {
		return false
	}
	return clip.Geometry(b, orb.Clone(g)) != nil
}

// expected returns the ids of the layer's features that meet the tile
// grown by 95 % of its buffer (which a tile must hold) and those that meet
// it grown by 105 % (which a tile may hold); the margin absorbs rounding to
// tile units and the Mercator stretch within a buffer's width.
func expected(t *testing.T, s store.Store, l *layers.Layer, tile maptile.Tile) (must, may map[string]bool) {
	t.Helper()
	all, err := l.Fetch(context.Background(), s, layers.Query{})
	if err != nil {
		t.Fatal(err)
	}
	inner, outer := grow(tile.Bound(), 0.95), grow(tile.Bound(), 1.05)
	must, may = map[string]bool{}, map[string]bool{}
	for _, f := range all.Features {
		id := f.ID.(string)
		if intersects(f.Geometry, inner) {
			must[id] = true
		}
		if intersects(f.Geometry, outer) {
			may[id] = true
		}
	}
	return must, may
}

// grow widens b by factor times the tile buffer on every side.
func grow(b orb.Bound, factor float64) orb.Bound {
	dx := (b.Max[0] - b.Min[0]) * tiles.Buffer / tiles.Extent * factor
	dy := (b.Max[1] - b.Min[1]) * tiles.Buffer / tiles.Extent * factor
	return orb.Bound{Min: orb.Point{b.Min[0] - dx, b.Min[1] - dy}, Max: orb.Point{b.Max[0] + dx, b.Max[1] + dy}}
}

func decode(t *testing.T, data []byte) mvt.Layers {
	t.Helper()
	ls, err := mvt.Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	return ls
}

func TestEncodeMatchesBruteForce(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	for _, l := range layers.New().All() {
		for _, z := range []maptile.Zoom{10, 12, 13, 14, 16} {
			if int(z) < l.MinZoom || int(z) > l.MaxZoom {
				continue
			}
			center := maptile.At(baubau, z)
			total := 0
			for dx := -1; dx <= 1; dx++ {
				for dy := -1; dy <= 1; dy++ {
					tile := maptile.New(uint32(int(center.X)+dx), uint32(int(center.Y)+dy), z)
					t.Run(fmt.Sprintf("%s/%d/%d/%d", l.Name, tile.Z, tile.X, tile.Y), func(t *testing.T) {
						data, err := tiles.Encode(ctx, s, l, tile)
						if err != nil {
							t.Fatal(err)
						}
						ls := decode(t, data)
						if len(ls) != 1 || ls[0].Name != l.Name || ls[0].Extent != tiles.Extent || ls[0].Version != 2 {
							t.Fatalf("layers %d, first %q extent %d version %d", len(ls), ls[0].Name, ls[0].Extent, ls[0].Version)
						}
						must, may := expected(t, s, l, tile)
						got := map[string]bool{}
						for _, f := range ls[0].Features {
							id, _ := f.Properties[l.IDProperty].(string)
							if got[id] {
								t.Errorf("feature %s twice", id)
							}
							got[id] = true
							if !may[id] {
								t.Errorf("feature %s is not within the buffered tile", id)
							}
							checkGeometry(t, id, f.Geometry)
						}
						for id := range must {
							if !got[id] {
								t.Errorf("feature %s meets the tile or its buffer but is missing", id)
							}
						}
						total += len(must)
					})
				}
			}
			if total == 0 {
				t.Errorf("%s z%d: no features around Baubau; the test proves nothing", l.Name, z)
			}
		}
	}
}

// checkGeometry checks tile coordinates stay within the clip buffer and
// polygons are wound as MVT 2 asks (exterior rings of positive area).
func checkGeometry(t *testing.T, id string, g orb.Geometry) {
	t.Helper()
	b := g.Bound()
	if b.Min[0] < -tiles.Buffer || b.Min[1] < -tiles.Buffer || b.Max[0] > tiles.Extent+tiles.Buffer || b.Max[1] > tiles.Extent+tiles.Buffer {
		t.Errorf("%s: geometry bound %v outside the tile and its buffer", id, b)
	}
	var polys []orb.Polygon
	switch g := g.(type) {
	case orb.Polygon:
		polys = []orb.Polygon{g}
	case orb.MultiPolygon:
		polys = g
	}
	for _, p := range polys {
		if p[0].Orientation() != orb.CCW {
			t.Errorf("%s: exterior ring has orientation %v in tile coordinates", id, p[0].Orientation())
		}
	}
}

func get(t *testing.T, h http.Handler, path string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestServeTile(t *testing.T) {
	s := newStore(t)
	h := tiles.Routes(s, tiles.Options{})
	c := maptile.At(baubau, 14)
	path := fmt.Sprintf("/tiles/kelurahan/14/%d/%d.mvt", c.X, c.Y)

	plain := get(t, h, path)
	if plain.Code != 200 || plain.Header().Get("Content-Type") != tiles.ContentType || plain.Header().Get("Content-Encoding") != "" {
		t.Fatalf("status %d, headers %v", plain.Code, plain.Header())
	}
	if cc := plain.Header().Get("Cache-Control"); cc != "public, max-age=300" {
		t.Errorf("Cache-Control %q", cc)
	}
	ls := decode(t, plain.Body.Bytes())
	if len(ls[0].Features) == 0 {
		t.Fatal("no kelurahan in the tile over Baubau")
	}

	gz := get(t, h, path, "Accept-Encoding", "br, gzip")
	if gz.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q", gz.Header().Get("Content-Encoding"))
	}
	gls, err := mvt.UnmarshalGzipped(gz.Body.Bytes())
	if err != nil || len(gls[0].Features) != len(ls[0].Features) {
		t.Fatalf("gzipped tile: %v, %d features", err, len(gls[0].Features))
	}
	if gz.Header().Get("ETag") == plain.Header().Get("ETag") {
		t.Error("the gzipped and plain tiles share an ETag")
	}

	for _, tc := range []struct{ etag, enc string }{{plain.Header().Get("ETag"), ""}, {"W/" + gz.Header().Get("ETag"), "gzip"}} {
		nm := get(t, h, path, "If-None-Match", `"other", `+tc.etag, "Accept-Encoding", tc.enc)
		if nm.Code != http.StatusNotModified || nm.Body.Len() != 0 {
			t.Errorf("If-None-Match %s: status %d, %d bytes", tc.etag, nm.Code, nm.Body.Len())
		}
	}
	if stale := get(t, h, path, "If-None-Match", `"stale"`); stale.Code != 200 {
		t.Errorf("stale ETag: status %d", stale.Code)
	}
	if noGzip := get(t, h, path, "Accept-Encoding", "gzip;q=0"); noGzip.Header().Get("Content-Encoding") != "" {
		t.Error("gzip sent to a client that refused it")
	}
}

func TestServeTileErrors(t *testing.T) {
	h := tiles.Routes(newStore(t), tiles.Options{})
	tests := []struct {
		path   string
		status int
		code   string
	}{
		{"/tiles/kelurahan/12/3443/2110.mvt", 200, ""},
		{"/tiles/kelurahan/12/4096/2110.mvt", 400, "BAD_USER_INPUT"}, // x >= 2^z
		{"/tiles/kelurahan/12/3443/4096.mvt", 400, "BAD_USER_INPUT"},
		{"/tiles/kelurahan/25/0/0.mvt", 400, "BAD_USER_INPUT"},
		{"/tiles/kelurahan/a/0/0.mvt", 400, "BAD_USER_INPUT"},
		{"/tiles/kelurahan/12/-1/0.mvt", 400, "BAD_USER_INPUT"},
		{"/tiles/kelurahan/2/1/1.mvt", 404, "NOT_FOUND"},  // below minzoom
		{"/tiles/kelurahan/20/0/0.mvt", 404, "NOT_FOUND"}, // above maxzoom
		{"/tiles/roads/12/3443/2110.mvt", 404, "NOT_FOUND"},
		{"/tiles/kelurahan/12/3443/2110.png", 404, "NOT_FOUND"},
		{"/tiles/roads.json", 404, "NOT_FOUND"},
		{"/tiles/kelurahan", 404, "NOT_FOUND"},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			rec := get(t, h, tc.path)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if tc.code == "" {
				return
			}
			var body layers.ErrorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || len(body.Errors) != 1 || body.Errors[0].Extensions.Code != tc.code {
				t.Errorf("body %s: %v", rec.Body, err)
			}
		})
	}
}

func TestTileJSON(t *testing.T) {
	s := newStore(t)
	h := tiles.Routes(s, tiles.Options{BasePath: "/map/tiles"})
	rec := get(t, h, "/map/tiles/projects.json", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "peta.example.id")
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("status %d %s", rec.Code, rec.Body)
	}
	var doc tiles.TileJSON
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.TileJSON != "3.0.0" || len(doc.Tiles) != 1 || doc.Tiles[0] != "https://peta.example.id/map/tiles/projects/{z}/{x}/{y}.mvt" {
		t.Errorf("tilejson %q tiles %v", doc.TileJSON, doc.Tiles)
	}
	l, _ := layers.New().Lookup("projects")
	if doc.MinZoom != l.MinZoom || doc.MaxZoom != l.MaxZoom || len(doc.VectorLayers) != 1 || doc.VectorLayers[0].ID != "projects" {
		t.Errorf("zooms %d..%d, vector layers %+v", doc.MinZoom, doc.MaxZoom, doc.VectorLayers)
	}
	fields := doc.VectorLayers[0].Fields
	if fields["budgetRupiah"] != "Number" || fields["kind"] != "String" || fields["description"] != "" {
		t.Errorf("fields %v", fields)
	}
	// Every kelurahan lies inside the advertised bounds.
	kels, _ := s.Kelurahans(context.Background(), domain.KelurahanFilter{})
	b := orb.Bound{Min: orb.Point{doc.Bounds[0], doc.Bounds[1]}, Max: orb.Point{doc.Bounds[2], doc.Bounds[3]}}
	for _, k := range kels {
		kb := k.Geometry.Bound()
		if !b.Contains(kb.Min) || !b.Contains(kb.Max) {
			t.Errorf("kelurahan %s (%v) outside bounds %v", k.Code, kb, b)
		}
	}
	if !b.Contains(orb.Point{doc.Center[0], doc.Center[1]}) || (b.Max[0]-b.Min[0]) > 1 {
		t.Errorf("center %v, bounds %v", doc.Center, b)
	}
	// Plain requests get the request's own host.
	plain := get(t, h, "/map/tiles/kelurahan.json")
	json.Unmarshal(plain.Body.Bytes(), &doc)
	if doc.Tiles[0] != "http://example.com/map/tiles/kelurahan/{z}/{x}/{y}.mvt" {
		t.Errorf("tiles %v", doc.Tiles)
	}
}

// countingStore counts the store calls a tile render makes.
type countingStore struct {
	store.Store
	calls atomic.Int64
}

func (c *countingStore) Kelurahans(ctx context.Context, f domain.KelurahanFilter) ([]domain.Kelurahan, error) {
	c.calls.Add(1)
	return c.Store.Kelurahans(ctx, f)
}

func TestCacheAndInvalidate(t *testing.T) {
	cs := &countingStore{Store: newStore(t)}
	srv := tiles.New(cs, tiles.Options{})
	c := maptile.At(baubau, 13)
	ctx := context.Background()

	first, err := srv.Tile(ctx, "kelurahan", 13, c.X, c.Y)
	if err != nil {
		t.Fatal(err)
	}
	if cs.calls.Load() != 1 {
		t.Fatalf("first render made %d store calls, want 1", cs.calls.Load())
	}
	again, _ := srv.Tile(ctx, "kelurahan", 13, c.X, c.Y)
	rec := get(t, srv, fmt.Sprintf("/tiles/kelurahan/13/%d/%d.mvt", c.X, c.Y))
	if again != first || cs.calls.Load() != 1 || rec.Header().Get("ETag") != first.ETag {
		t.Fatalf("cached tile re-rendered: %d store calls", cs.calls.Load())
	}

	srv.Invalidate()
	fresh, err := srv.Tile(ctx, "kelurahan", 13, c.X, c.Y)
	if err != nil {
		t.Fatal(err)
	}
	if fresh == first || cs.calls.Load() != 2 {
		t.Fatalf("after Invalidate: same tile %v, %d store calls", fresh == first, cs.calls.Load())
	}
	if fresh.ETag != first.ETag {
		t.Error("the same data gave a different ETag")
	}
}

func TestCacheEvicts(t *testing.T) {
	cs := &countingStore{Store: newStore(t)}
	srv := tiles.New(cs, tiles.Options{CacheSize: 2})
	ctx := context.Background()
	c := maptile.At(baubau, 12)
	for _, dx := range []uint32{0, 1, 2, 0} {
		if _, err := srv.Tile(ctx, "kelurahan", 12, c.X+dx, c.Y); err != nil {
			t.Fatal(err)
		}
	}
	// The fourth request asked for the least recently used tile again.
	if cs.calls.Load() != 4 {
		t.Errorf("%d renders, want 4 with a cache of 2", cs.calls.Load())
	}
}

// TestInvalidateBounds: a change forgets the tiles that meet its bounds
// (with the render buffer) and keeps every other.
func TestInvalidateBounds(t *testing.T) {
	cs := &countingStore{Store: newStore(t)}
	srv := tiles.New(cs, tiles.Options{})
	ctx := context.Background()
	c := maptile.At(baubau, 14)
	right := maptile.New(c.X+1, c.Y, 14)
	far := maptile.New(c.X+5, c.Y+5, 14)
	render := func(tl maptile.Tile) *tiles.Tile {
		t.Helper()
		got, err := srv.Tile(ctx, "kelurahan", uint32(tl.Z), tl.X, tl.Y)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	first := map[maptile.Tile]*tiles.Tile{c: render(c), right: render(right), far: render(far)}
	calls := cs.calls.Load()

	// A point well inside c, away from its edges: only c forgets.
	cb := c.Bound()
	inside := orb.Point{(cb.Min[0]*3 + cb.Max[0]) / 4, (cb.Min[1] + cb.Max[1]) / 2}
	srv.InvalidateBounds(inside.Bound())
	if render(c) == first[c] {
		t.Error("the tile of the change is still cached")
	}
	if render(right) != first[right] || render(far) != first[far] {
		t.Error("a tile away from the change was forgotten")
	}
	if got := cs.calls.Load() - calls; got != 1 {
		t.Errorf("%d renders after the change, want 1", got)
	}

	// A point just across c's right edge lies in right's buffer and in c's.
	edge := orb.Point{cb.Max[0] + (cb.Max[0]-cb.Min[0])/100, (cb.Min[1] + cb.Max[1]) / 2}
	before := map[maptile.Tile]*tiles.Tile{c: render(c), right: render(right)}
	srv.InvalidateBounds(edge.Bound())
	if render(c) == before[c] || render(right) == before[right] {
		t.Error("a change inside a tile's buffer did not forget it")
	}
	if render(far) != first[far] {
		t.Error("the far tile was forgotten")
	}

	// Many bounds at once empty the cache.
	many := make([]orb.Bound, 300)
	for i := range many {
		many[i] = orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{0, 0}}
	}
	srv.InvalidateBounds(many...)
	if render(far) == first[far] {
		t.Error("300 bounds did not empty the cache")
	}
}

func TestNoCache(t *testing.T) {
	cs := &countingStore{Store: newStore(t)}
	srv := tiles.New(cs, tiles.Options{CacheSize: -1})
	c := maptile.At(baubau, 12)
	ctx := context.Background()
	for range 3 {
		if _, err := srv.GzipTile(ctx, "kelurahan", 12, c.X, c.Y); err != nil {
			t.Fatal(err)
		}
	}
	srv.Invalidate()
	if cs.calls.Load() != 3 {
		t.Errorf("%d renders for 3 requests with CacheSize -1", cs.calls.Load())
	}
}
