package tiles

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"golang.org/x/sync/singleflight"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/layers"
	"github.com/serasi/serasi/internal/store"
)

// ContentType is the media type of a Mapbox Vector Tile.
const ContentType = "application/vnd.mapbox-vector-tile"

// Options configure the tile server.
type Options struct {
	// BasePath is where the handler is mounted; default "/tiles".
	BasePath string
	// Registry defaults to layers.New().
	Registry *layers.Registry
	// Logger receives internal errors; default slog.Default().
	Logger *slog.Logger
	// CacheSize is the number of tiles kept in memory; default 4096.
	CacheSize int
	// MaxAge is the Cache-Control max-age of tiles and TileJSON; default 5 minutes.
	MaxAge time.Duration
	// GoEncoder renders every tile with Encode even when the store is an
	// MVTStore (to compare the two, or to step around a database fault).
	GoEncoder bool
}

// Server serves vector tiles and TileJSON. It is safe for concurrent use.
type Server struct {
	store store.Store
	opts  Options
	mux   *http.ServeMux
	cache *lru.Cache[tileKey, *Tile]
	// hits and misses of the cache, for the metrics (CacheStats).
	hits, misses atomic.Uint64
	// gen counts invalidations: a tile rendered before one is not cached
	// after it, so a write that races a render cannot leave a stale tile.
	gen   atomic.Uint64
	group singleflight.Group
}

type tileKey struct {
	layer   string
	z, x, y uint32
}

// Tile is one rendered tile.
type Tile struct {
	Raw  []byte // uncompressed MVT
	Gzip []byte
	ETag string // strong ETag of Raw, quoted; Gzip's is ETag with "-gz" inside the quotes
}

// New returns a tile server reading through s.
func New(s store.Store, opts Options) *Server {
	if opts.BasePath == "" {
		opts.BasePath = "/tiles"
	}
	opts.BasePath = strings.TrimSuffix(opts.BasePath, "/")
	if opts.Registry == nil {
		opts.Registry = layers.New()
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.CacheSize <= 0 {
		opts.CacheSize = 4096
	}
	if opts.MaxAge <= 0 {
		opts.MaxAge = 5 * time.Minute
	}
	cache, _ := lru.New[tileKey, *Tile](opts.CacheSize) // errors only for size <= 0
	t := &Server{store: s, opts: opts, cache: cache, mux: http.NewServeMux()}
	t.mux.HandleFunc("GET "+opts.BasePath+"/{layer}/{z}/{x}/{y}", t.serveTile)
	t.mux.HandleFunc("GET "+opts.BasePath+"/{file}", t.serveTileJSON)
	t.mux.HandleFunc(opts.BasePath+"/", func(w http.ResponseWriter, r *http.Request) {
		layers.WriteError(w, r, t.opts.Logger, domain.Errorf(domain.ENOTFOUND, "no such resource %s", r.URL.Path))
	})
	return t
}

// Routes returns the tile handler; see New.
func Routes(s store.Store, opts Options) http.Handler { return New(s, opts) }

func (t *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { t.mux.ServeHTTP(w, r) }

// CacheStats returns how many tiles were answered from the cache and how
// many had to be rendered (concurrent requests for one tile each count).
func (t *Server) CacheStats() (hits, misses uint64) { return t.hits.Load(), t.misses.Load() }

// Invalidate empties the tile cache; call it after every write to the
// store that changes what a layer shows (a kelurahan, forum, project or
// activity created, updated or deleted), once the write has committed. A
// render racing the write is not cached (see gen).
func (t *Server) Invalidate() {
	t.gen.Add(1)
	t.cache.Purge()
}

// maxSweepBounds is how many bounds InvalidateBounds checks each cached
// tile against; beyond that (an import of thousands of records) emptying
// the cache is cheaper than the sweep.
const maxSweepBounds = 256

// InvalidateBounds forgets exactly the cached tiles whose area, grown by
// the buffer the renderer fetches (bufferedBound), meets one of bs: the
// old and new bounding boxes of changed records (changefeed). A render
// racing the change is not cached (see gen).
func (t *Server) InvalidateBounds(bs ...orb.Bound) {
	if len(bs) == 0 {
		return
	}
	t.gen.Add(1)
	if len(bs) > maxSweepBounds {
		t.cache.Purge()
		return
	}
	for _, k := range t.cache.Keys() {
		tb := bufferedBound(maptile.New(k.x, k.y, maptile.Zoom(k.z)))
		for _, b := range bs {
			if tb.Intersects(b) {
				t.cache.Remove(k)
				break
			}
		}
	}
}

// Tile returns a tile of the named layer, from the cache when it is there.
// ENOTFOUND for an unknown layer or a zoom outside the layer's range,
// EINVALID for an address outside the tile grid.
func (t *Server) Tile(ctx context.Context, layerName string, z, x, y uint32) (*Tile, error) {
	l, ok := t.opts.Registry.Lookup(layerName)
	if !ok {
		return nil, domain.NotFound("layer", layerName)
	}
	if z > MaxZoom {
		return nil, domain.Invalid("z", "must be between 0 and %d", MaxZoom)
	}
	if n := uint32(1) << z; x >= n || y >= n {
		field := "x"
		if x < n {
			field = "y"
		}
		return nil, domain.Invalid(field, "must be between 0 and %d at zoom %d", n-1, z)
	}
	if int(z) < l.MinZoom || int(z) > l.MaxZoom {
		return nil, domain.Errorf(domain.ENOTFOUND, "layer %s has tiles at zoom %d to %d", l.Name, l.MinZoom, l.MaxZoom)
	}
	key := tileKey{l.Name, z, x, y}
	if tile, ok := t.cache.Get(key); ok {
		t.hits.Add(1)
		return tile, nil
	}
	t.misses.Add(1)
	gen := t.gen.Load()
	// Concurrent requests for one uncached tile (a map opening) render it once.
	v, err, _ := t.group.Do(fmt.Sprintf("%d/%s/%d/%d/%d", gen, l.Name, z, x, y), func() (any, error) {
		// Not the first caller's context: others wait on this render too.
		raw, err := t.render(context.WithoutCancel(ctx), l, maptile.New(x, y, maptile.Zoom(z)))
		if err != nil {
			return nil, err
		}
		tile, err := newTile(raw)
		if err != nil {
			return nil, err
		}
		if t.gen.Load() == gen {
			t.cache.Add(key, tile)
		}
		return tile, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*Tile), nil
}

func (t *Server) render(ctx context.Context, l *layers.Layer, tile maptile.Tile) ([]byte, error) {
	if t.opts.GoEncoder {
		return Encode(ctx, t.store, l, tile)
	}
	return Render(ctx, t.store, l, tile)
}

func newTile(raw []byte) (*Tile, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(raw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(raw)
	return &Tile{Raw: raw, Gzip: buf.Bytes(), ETag: `"` + hex.EncodeToString(sum[:12]) + `"`}, nil
}

func (t *Server) serveTile(w http.ResponseWriter, r *http.Request) {
	ys, ok := strings.CutSuffix(r.PathValue("y"), ".mvt")
	if !ok {
		layers.WriteError(w, r, t.opts.Logger, domain.Errorf(domain.ENOTFOUND, "tiles are addressed as {z}/{x}/{y}.mvt"))
		return
	}
	var zxy [3]uint32
	for i, s := range []struct{ name, v string }{{"z", r.PathValue("z")}, {"x", r.PathValue("x")}, {"y", ys}} {
		n, err := strconv.ParseUint(s.v, 10, 32)
		if err != nil {
			layers.WriteError(w, r, t.opts.Logger, domain.Invalid(s.name, "%q is not a tile coordinate", s.v))
			return
		}
		zxy[i] = uint32(n)
	}
	tile, err := t.Tile(r.Context(), r.PathValue("layer"), zxy[0], zxy[1], zxy[2])
	if err != nil {
		layers.WriteError(w, r, t.opts.Logger, err)
		return
	}
	body, etag := tile.Raw, tile.ETag
	h := w.Header()
	h.Set("Vary", "Accept-Encoding")
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		body, etag = tile.Gzip, strings.TrimSuffix(tile.ETag, `"`)+`-gz"`
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", etag)
	h.Set("Cache-Control", t.cacheControl())
	if etagMatches(r.Header.Get("If-None-Match"), etag) {
		h.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", ContentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

func (t *Server) cacheControl() string {
	return fmt.Sprintf("public, max-age=%d", int(t.opts.MaxAge.Seconds()))
}

// acceptsGzip reports whether an Accept-Encoding header admits gzip (and
// does not refuse it with q=0).
func acceptsGzip(header string) bool {
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != "gzip" && name != "*" {
			continue
		}
		q := strings.TrimSpace(params)
		if v, ok := strings.CutPrefix(q, "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil && f == 0 {
				return false
			}
		}
		return true
	}
	return false
}

// etagMatches applies If-None-Match's weak comparison (RFC 9110 13.1.2).
func etagMatches(header, etag string) bool {
	for part := range strings.SplitSeq(header, ",") {
		part = strings.TrimSpace(part)
		if part == "*" || strings.TrimPrefix(part, "W/") == etag {
			return true
		}
	}
	return false
}
