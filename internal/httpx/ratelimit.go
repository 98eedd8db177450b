package httpx

import (
	"crypto/sha256"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"
)

// RateLimitOptions configure RateLimit; a zero rate turns that limit off,
// and both are off by default.
type RateLimitOptions struct {
	// PerToken is the sustained requests per second of each bearer token,
	// TokenBurst how many it may send at once (default: 2 s worth, at
	// least 1).
	PerToken   float64
	TokenBurst int
	// PerIP is the same for requests without a token, by the client's IP
	// address as the connection shows it (behind a reverse proxy that is
	// the proxy's: limit there instead).
	PerIP   float64
	IPBurst int
	// MaxClients bounds the buckets kept (least recently seen forgotten
	// first); DefaultRateLimitClients when zero.
	MaxClients int
}

// DefaultRateLimitClients is how many clients' buckets RateLimit keeps.
const DefaultRateLimitClients = 100_000

// Enabled reports whether any limit is on.
func (o RateLimitOptions) Enabled() bool { return o.PerToken > 0 || o.PerIP > 0 }

// RateLimit returns the middleware that gives every bearer token, and every
// client IP without one, a token bucket; a request finding its bucket empty
// is 429 TOO_MANY_REQUESTS with Retry-After (whole seconds, rounded up).
// It runs before authentication (a flood of bad tokens is limited too, each
// by the token it sends) and leaves /healthz and /readyz alone.
func RateLimit(opts RateLimitOptions) func(http.Handler) http.Handler {
	if !opts.Enabled() {
		return func(next http.Handler) http.Handler { return next }
	}
	if opts.MaxClients <= 0 {
		opts.MaxClients = DefaultRateLimitClients
	}
	burst := func(b int, r float64) int {
		if b > 0 {
			return b
		}
		return max(1, int(math.Ceil(2*r)))
	}
	tokenBurst, ipBurst := burst(opts.TokenBurst, opts.PerToken), burst(opts.IPBurst, opts.PerIP)
	buckets, _ := lru.New[string, *rate.Limiter](opts.MaxClients) // errors only for size <= 0
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
				next.ServeHTTP(w, r)
				return
			}
			var key string
			var limit float64
			var b int
			if token, ok := bearerToken(r); ok {
				// A digest, so that no secret stays in memory.
				sum := sha256.Sum256([]byte(token))
				key, limit, b = "t"+string(sum[:16]), opts.PerToken, tokenBurst
			} else {
				host, _, err := net.SplitHostPort(r.RemoteAddr)
				if err != nil {
					host = r.RemoteAddr
				}
				key, limit, b = "i"+host, opts.PerIP, ipBurst
			}
			if limit <= 0 {
				next.ServeHTTP(w, r)
				return
			}
			lim, ok := buckets.Get(key)
			if !ok {
				lim = rate.NewLimiter(rate.Limit(limit), b)
				if prev, found, _ := buckets.PeekOrAdd(key, lim); found {
					lim = prev
				}
			}
			now := time.Now()
			res := lim.ReserveN(now, 1)
			if delay := res.DelayFrom(now); delay > 0 {
				res.CancelAt(now)
				secs := int(math.Ceil(delay.Seconds()))
				w.Header().Set("Retry-After", strconv.Itoa(secs))
				Errorf(w, http.StatusTooManyRequests, CodeTooManyRequests,
					"too many requests: at most "+strconv.FormatFloat(limit, 'g', -1, 64)+" per second; retry after "+strconv.Itoa(secs)+" s")
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// bearerToken returns the token of an "Authorization: Bearer" header.
func bearerToken(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	return token, ok && strings.EqualFold(scheme, "Bearer") && token != ""
}
