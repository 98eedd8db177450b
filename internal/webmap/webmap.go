// Package webmap serves serasi's browser pages from files built by web/
// (npm run build) and embedded in the binary, so `go run` needs no Node and
// the pages work on an offline intranet:
//
//	GET /                      GraphiQL, pointed at the GraphQL endpoint
//	GET /map                   the program map (MapLibre GL JS over /tiles)
//	GET /map/assets/{file}     the map's scripts, styles and worker
//	GET /impor                 the import page (token, upload, dry-run report, confirm)
//	GET /impor/assets/{file}   its script and styles
//	GET /graphiql/assets/{file} GraphiQL's script and styles
//
// Asset names carry a content hash, so they are cached for a year; the two
// pages are revalidated with their ETag on every load.
package webmap

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// dist holds the output of `cd web && npm ci && npm run build`.
//
//go:embed all:dist
var dist embed.FS

// Options configure the pages.
type Options struct {
	// GraphQLPath is the GraphQL endpoint the pages post to; default "/graphql".
	GraphQLPath string
	// TilesPath is where the vector tiles (and their TileJSON) are mounted;
	// default "/tiles".
	TilesPath string
	// Files replaces the embedded build, laid out as dist/ is (tests).
	Files fs.FS
}

// Patterns are the http.ServeMux patterns the handler answers; mount it
// under each of them.
func Patterns() []string {
	return []string{"GET /{$}", "GET /map", "GET /map/", "GET /impor", "GET /impor/", "GET /graphiql/assets/"}
}

// assetMaxAge is how long browsers keep a hashed asset: its name changes
// whenever its content does.
const assetMaxAge = 365 * 24 * time.Hour

// contentTypes are set explicitly rather than from the system MIME table,
// which differs between machines (.js especially).
var contentTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".txt":   "text/plain; charset=utf-8",
	".json":  "application/json",
	".map":   "application/json",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".woff2": "font/woff2",
}

// pageCSP allows nothing from another origin. Styles may be inline because
// MapLibre and GraphiQL style elements they create; workers may be blobs
// because MapLibre falls back to one when its worker URL fails.
const pageCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"

// file is one response body, ready to send.
type file struct {
	body        []byte
	contentType string
	etag        string // strong, quoted
	immutable   bool
	page        bool

	gzOnce sync.Once
	gz     []byte // nil when gzip does not pay
}

type handler struct {
	files map[string]*file // by URL path
}

// Handler returns the handler of the pages and their assets; anything else
// under its patterns is 404. The embedded build is checked by this
// package's tests, so New can fail only for an Options.Files without the
// pages; Handler then answers 500 with the reason.
func Handler(opts Options) http.Handler {
	h, err := New(opts)
	if err != nil {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		})
	}
	return h
}

// New is Handler that reports a missing or incomplete build.
func New(opts Options) (http.Handler, error) {
	if opts.GraphQLPath == "" {
		opts.GraphQLPath = "/graphql"
	}
	if opts.TilesPath == "" {
		opts.TilesPath = "/tiles"
	}
	opts.TilesPath = strings.TrimSuffix(opts.TilesPath, "/")
	files := opts.Files
	if files == nil {
		sub, err := fs.Sub(dist, "dist")
		if err != nil {
			return nil, err
		}
		files = sub
	}
	// The built pages carry placeholders for the endpoints, so one build
	// serves whatever paths the server mounts them at.
	fill := strings.NewReplacer(
		"__SERASI_GRAPHQL__", html.EscapeString(opts.GraphQLPath),
		"__SERASI_TILES__", html.EscapeString(opts.TilesPath),
	)
	h := &handler{files: map[string]*file{}}
	for urlPath, name := range map[string]string{"/": "index.html", "/map": "map/index.html", "/impor": "impor/index.html"} {
		b, err := fs.ReadFile(files, name)
		if err != nil {
			return nil, fmt.Errorf("webmap: page %s: %w (run: cd web && npm ci && npm run build)", name, err)
		}
		f := newFile(name, []byte(fill.Replace(string(b))), false)
		f.page = true
		h.files[urlPath] = f
	}
	for _, dir := range []string{"map/assets", "impor/assets", "graphiql/assets"} {
		entries, err := fs.ReadDir(files, dir)
		if err != nil {
			return nil, fmt.Errorf("webmap: assets %s: %w", dir, err)
		}
		for _, e := range entries {
			if e.IsDir() {
				continue
			}
			name := dir + "/" + e.Name()
			b, err := fs.ReadFile(files, name)
			if err != nil {
				return nil, err
			}
			// LEGAL.txt files keep their names across builds; only
			// hashed names may be cached for good.
			h.files["/"+name] = newFile(name, b, !strings.HasSuffix(name, ".txt"))
		}
	}
	return h, nil
}

func newFile(name string, body []byte, immutable bool) *file {
	ct, ok := contentTypes[path.Ext(name)]
	if !ok {
		ct = "application/octet-stream"
	}
	sum := sha256.Sum256(body)
	return &file{body: body, contentType: ct, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, immutable: immutable}
}

// gzipped compresses the body once, on first request, and keeps it only
// when it saves at least a tenth.
func (f *file) gzipped() []byte {
	f.gzOnce.Do(func() {
		if !strings.HasPrefix(f.contentType, "text/") && f.contentType != "application/json" && f.contentType != "image/svg+xml" {
			return
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // errors only for a bad level
		_, _ = zw.Write(f.body)                                  // bytes.Buffer does not fail
		_ = zw.Close()
		if buf.Len() < len(f.body)*9/10 {
			f.gz = buf.Bytes()
		}
	})
	return f.gz
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := r.URL.Path
	if p == "/map/" || p == "/impor/" {
		http.Redirect(w, r, strings.TrimSuffix(p, "/"), http.StatusMovedPermanently)
		return
	}
	f, ok := h.files[p]
	if !ok {
		http.NotFound(w, r)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", f.contentType)
	hd.Set("X-Content-Type-Options", "nosniff")
	if f.immutable {
		hd.Set("Cache-Control", fmt.Sprintf("public, max-age=%d, immutable", int(assetMaxAge.Seconds())))
	} else {
		hd.Set("Cache-Control", "no-cache")
	}
	if f.page {
		hd.Set("Content-Security-Policy", pageCSP)
		hd.Set("Referrer-Policy", "same-origin")
	}
	body, etag := f.body, f.etag
	if gz := f.gzipped(); gz != nil {
		hd.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			body, etag = gz, strings.TrimSuffix(f.etag, `"`)+`-gz"`
			hd.Set("Content-Encoding", "gzip")
		}
	}
	hd.Set("ETag", etag)
	// ServeContent answers If-None-Match with 304, HEAD without a body and
	// Range requests.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// acceptsGzip reports whether an Accept-Encoding header admits gzip and
// does not refuse it with q=0.
func acceptsGzip(header string) bool {
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != "gzip" && name != "*" {
			continue
		}
		q := strings.ReplaceAll(params, " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}
