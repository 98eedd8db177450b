package tiles

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

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
	// CacheSize is the number of tiles kept in memory, counting a tile's
	// plain and gzipped forms apart; default 4096. Below 0 nothing is
	// cached and concurrent requests for one tile are not joined either:
	// every request renders, which is how the uncached path is measured.
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
	gen     atomic.Uint64
	flights flights
}

// tileKey names one form of one tile: the plain MVT or its gzip encoding,
// cached apart so that a client that does not take gzip never costs a
// compression, and one that does pays it once.
type tileKey struct {
	layer   string
	z, x, y uint32
	gzip    bool
}

// Tile is one rendered tile in one encoding.
type Tile struct {
	// Raw is the MVT, gzipped when Gzip is set.
	Raw  []byte
	Gzip bool
	// ETag is a strong ETag of the uncompressed MVT, quoted; the gzipped
	// form's has "-gz" inside the quotes.
	ETag string
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
	if opts.CacheSize == 0 {
		opts.CacheSize = 4096
	}
	if opts.MaxAge <= 0 {
		opts.MaxAge = 5 * time.Minute
	}
	var cache *lru.Cache[tileKey, *Tile]
	if opts.CacheSize > 0 {
		cache, _ = lru.New[tileKey, *Tile](opts.CacheSize) // errors only for size <= 0
	}
	t := &Server{store: s, opts: opts, cache: cache, mux: http.NewServeMux(), flights: flights{m: map[tileKey]*flight{}}}
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

// Invalidate empties the tile cache; call it after every write to the
// store that changes what a layer shows (a kelurahan, forum, project or
// activity created, updated or deleted), once the write has committed. A
// render racing the write is not cached (see gen).
func (t *Server) Invalidate() {
	t.gen.Add(1)
	if t.cache != nil {
		t.cache.Purge()
	}
}

// CacheStats returns how many tile requests were answered from the cache
// and how many had to render (a gzipped form compressed from a cached plain
// one counts as a miss).
func (t *Server) CacheStats() (hits, misses uint64) { return t.hits.Load(), t.misses.Load() }

// maxSweepBounds is how many bounds InvalidateBounds checks each cached
// tile against; beyond that (an import of thousands of records) emptying
// the cache is cheaper than the sweep.
const maxSweepBounds = 256

// InvalidateBounds forgets exactly the cached tiles (both forms) whose
// area, grown by the buffer the renderer fetches (bufferedBound), meets
// one of bs: the old and new bounding boxes of changed records
// (changefeed). A render racing the change is not cached (see gen).
func (t *Server) InvalidateBounds(bs ...orb.Bound) {
	if len(bs) == 0 {
		return
	}
	t.gen.Add(1)
	if t.cache == nil {
		return
	}
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

// Tile returns the uncompressed tile of the named layer, from the cache
// when it is there. ENOTFOUND for an unknown layer or a zoom outside the
// layer's range, EINVALID for an address outside the tile grid; ctx's error
// when ctx ends first (the render stops once no caller waits for it).
func (t *Server) Tile(ctx context.Context, layerName string, z, x, y uint32) (*Tile, error) {
	return t.tile(ctx, layerName, z, x, y, false, true)
}

// GzipTile is Tile gzip-encoded, compressed once and cached apart.
func (t *Server) GzipTile(ctx context.Context, layerName string, z, x, y uint32) (*Tile, error) {
	return t.tile(ctx, layerName, z, x, y, true, true)
}

// tile returns one form of a tile; count says whether the lookup counts in
// CacheStats (not for the plain form a gzipped one is compressed from).
func (t *Server) tile(ctx context.Context, layerName string, z, x, y uint32, gz, count bool) (*Tile, error) {
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
	key := tileKey{l.Name, z, x, y, gz}
	if t.cache != nil {
		if tile, ok := t.cache.Get(key); ok {
			if count {
				t.hits.Add(1)
			}
			return tile, nil
		}
	}
	if count {
		t.misses.Add(1)
	}
	gen := t.gen.Load()
	render := func(ctx context.Context) (*Tile, error) {
		var tile *Tile
		if gz {
			plain, err := t.tile(ctx, layerName, z, x, y, false, false)
			if err != nil {
				return nil, err
			}
			body, err := compress(plain.Raw)
			if err != nil {
				return nil, err
			}
			tile = &Tile{Raw: body, Gzip: true, ETag: strings.TrimSuffix(plain.ETag, `"`) + `-gz"`}
		} else {
			raw, err := t.render(ctx, l, maptile.New(x, y, maptile.Zoom(z)))
			if err != nil {
				return nil, err
			}
			sum := sha256.Sum256(raw)
			tile = &Tile{Raw: raw, ETag: `"` + hex.EncodeToString(sum[:12]) + `"`}
		}
		if t.cache != nil && t.gen.Load() == gen {
			t.cache.Add(key, tile)
		}
		return tile, nil
	}
	if t.cache == nil {
		return render(ctx)
	}
	// Concurrent requests for one uncached tile (a map opening) render it
	// once; the render stops when the last of them has gone.
	return t.flights.do(ctx, gen, key, render)
}

func (t *Server) render(ctx context.Context, l *layers.Layer, tile maptile.Tile) ([]byte, error) {
	if t.opts.GoEncoder {
		return Encode(ctx, t.store, l, tile)
	}
	return Render(ctx, t.store, l, tile)
}

// flights runs one render per tile form at a time, for every caller that
// asks for it meanwhile. Unlike singleflight, the render's context ends when
// the last caller's does, so a database query stops when the clients that
// wanted its tile have all gone.
type flights struct {
	mu sync.Mutex
	m  map[tileKey]*flight
}

type flight struct {
	gen     uint64
	done    chan struct{}
	cancel  context.CancelFunc
	waiters int // under flights.mu
	tile    *Tile
	err     error
}

func (fs *flights) do(ctx context.Context, gen uint64, key tileKey, fn func(context.Context) (*Tile, error)) (*Tile, error) {
	fs.mu.Lock()
	f, ok := fs.m[key]
	if !ok || f.gen != gen {
		// A flight from before an invalidation may render stale data; it
		// finishes for its own callers, new ones start afresh.
		// WithoutCancel keeps the first caller's values (request id for logs).
		rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		f = &flight{gen: gen, done: make(chan struct{}), cancel: cancel}
		fs.m[key] = f
		go func() {
			f.tile, f.err = fn(rctx)
			fs.mu.Lock()
			if fs.m[key] == f {
				delete(fs.m, key)
			}
			fs.mu.Unlock()
			cancel()
			close(f.done)
		}()
	}
	f.waiters++
	fs.mu.Unlock()
	select {
	case <-f.done:
		return f.tile, f.err
	case <-ctx.Done():
		fs.mu.Lock()
		if f.waiters--; f.waiters == 0 {
			f.cancel()
			if fs.m[key] == f {
				delete(fs.m, key)
			}
		}
		fs.mu.Unlock()
		return nil, ctx.Err()
	}
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
	gz := acceptsGzip(r.Header.Get("Accept-Encoding"))
	tile, err := t.tile(r.Context(), r.PathValue("layer"), zxy[0], zxy[1], zxy[2], gz, true)
	if err != nil {
		if r.Context().Err() != nil {
			return // the client has gone: nobody to answer, nothing to log
		}
		layers.WriteError(w, r, t.opts.Logger, err)
		return
	}
	h := w.Header()
	h.Set("Vary", "Accept-Encoding")
	if tile.Gzip {
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", tile.ETag)
	h.Set("Cache-Control", t.cacheControl())
	if etagMatches(r.Header.Get("If-None-Match"), tile.ETag) {
		h.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", ContentType)
	h.Set("Content-Length", strconv.Itoa(len(tile.Raw)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(tile.Raw)
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
