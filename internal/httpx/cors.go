package httpx

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultCORSMaxAge is how long a browser may keep a preflight answer
// (Chromium keeps at most 2 hours, Firefox 24).
const DefaultCORSMaxAge = 10 * time.Minute

// CORSOptions configure CORS.
type CORSOptions struct {
	// Origins may send credentials (an Authorization header) and use every
	// method: "scheme://host[:port]" each, or "*" for any origin. Any other
	// origin may still read: GET, HEAD and POST without an Authorization
	// header (a map page reading tiles, GeoJSON and GraphQL queries).
	Origins []string
	// MaxAge of a preflight answer; DefaultCORSMaxAge when zero.
	MaxAge time.Duration
}

// ParseOrigins reads a comma-separated --cors-origins value, checking each
// entry is "*" or an origin (scheme, host and port, no path).
func ParseOrigins(s string) ([]string, error) {
	var out []string
	for part := range strings.SplitSeq(s, ",") {
		o := strings.TrimSpace(part)
		if o == "" {
			continue
		}
		if o == "*" {
			out = append(out, o)
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return nil, fmt.Errorf("CORS origin %q must be * or scheme://host[:port], e.g. https://peta.baubaukota.go.id", o)
		}
		out = append(out, strings.ToLower(u.Scheme+"://"+u.Host))
	}
	return out, nil
}

// Methods and headers of the CORS answers.
const (
	corsReadMethods  = "GET, HEAD, POST"
	corsWriteMethods = "GET, HEAD, POST, PUT, PATCH, DELETE"
	// What a browser script may read of a response besides the safelisted
	// headers.
	corsExposeHeaders = "X-Request-Id, ETag, Retry-After, WWW-Authenticate, Link, Location, Content-Crs, Content-Disposition, Ratelimit-Limit, Ratelimit-Remaining"
)

// CORS returns the cross-origin middleware, which wraps every route so that
// preflights are answered before routing (the mux would answer OPTIONS
// with 405) and before authentication (a preflight carries no token).
//
// Tokens travel in the Authorization header, never in cookies, so no
// response allows credentials: what a listed origin gets in addition is the
// Authorization header and the write methods. A request from an origin that
// is not listed but carries an Authorization header anyway (a browser
// would not send it after the preflight; anything else can forge Origin,
// so this is no security boundary, only a clear answer) is 403 FORBIDDEN.
func CORS(opts CORSOptions) func(http.Handler) http.Handler {
	anyOrigin := false
	listed := map[string]bool{}
	for _, o := range opts.Origins {
		if o == "*" {
			anyOrigin = true
		}
		listed[strings.ToLower(o)] = true
	}
	if opts.MaxAge <= 0 {
		opts.MaxAge = DefaultCORSMaxAge
	}
	maxAge := strconv.Itoa(int(opts.MaxAge / time.Second))
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			origin := r.Header.Get("Origin")
			if origin == "" {
				next.ServeHTTP(w, r)
				return
			}
			h := w.Header()
			h.Add("Vary", "Origin")
			trusted := anyOrigin || listed[strings.ToLower(origin)]
			preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
			if preflight {
				h.Add("Vary", "Access-Control-Request-Method")
				h.Add("Vary", "Access-Control-Request-Headers")
				allowOrigin(h, origin, trusted, anyOrigin)
				methods := corsReadMethods
				if trusted {
					methods = corsWriteMethods
				}
				h.Set("Access-Control-Allow-Methods", methods)
				if hs := allowedHeaders(r.Header.Values("Access-Control-Request-Headers"), trusted); hs != "" {
					h.Set("Access-Control-Allow-Headers", hs)
				}
				h.Set("Access-Control-Max-Age", maxAge)
				h.Set("Cache-Control", "no-store")
				w.WriteHeader(http.StatusNoContent)
				return
			}
			allowOrigin(h, origin, trusted, anyOrigin)
			h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
			if !trusted && r.Header.Get("Authorization") != "" && !sameOrigin(r, origin) {
				Errorf(w, http.StatusForbidden, CodeForbidden,
					"origin "+origin+" may read without a token; to send one it must be listed in serve --cors-origins")
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// allowOrigin says which origin may read: the origin itself when it is
// listed (and "*" is not), else any origin.
func allowOrigin(h http.Header, origin string, trusted, anyOrigin bool) {
	if trusted && !anyOrigin {
		h.Set("Access-Control-Allow-Origin", origin)
		return
	}
	h.Set("Access-Control-Allow-Origin", "*")
}

// allowedHeaders answers a preflight's Access-Control-Request-Headers:
// every header asked for, except Authorization for an origin that is not
// listed (the browser then refuses to send the request).
func allowedHeaders(requested []string, trusted bool) string {
	var out []string
	for _, v := range requested {
		for name := range strings.SplitSeq(v, ",") {
			name = strings.ToLower(strings.TrimSpace(name))
			if name == "" || !validHeaderName(name) || (name == "authorization" && !trusted) {
				continue
			}
			out = append(out, name)
		}
	}
	return strings.Join(out, ", ")
}

func validHeaderName(s string) bool {
	if len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// sameOrigin reports whether origin is the server's own (some browsers
// send Origin on same-origin POSTs too).
func sameOrigin(r *http.Request, origin string) bool {
	u, err := url.Parse(origin)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}

// Trusts reports whether r comes from an origin that may send a token: a
// listed one (or any, with "*"), the server's own, or none at all (not a
// browser). For the WebSocket transport, whose token comes after the
// upgrade, in connection_init.
func (o CORSOptions) Trusts(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || sameOrigin(r, origin) {
		return true
	}
	for _, l := range o.Origins {
		if l == "*" || strings.EqualFold(l, origin) {
			return true
		}
	}
	return false
}
