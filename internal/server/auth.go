package server

import (
	"net/http"

	"github.com/serasi/serasi/internal/httpx"
)

// authenticate wraps the data endpoints (GraphQL, GeoJSON, tiles, OGC API)
// in the edge's bearer-token middleware (httpx.Authenticate); the probes
// and the static pages hold no data and are never wrapped.
func (s *Server) authenticate(requireToken bool, next http.Handler) http.Handler {
	opts := httpx.AuthOptions{RequireToken: requireToken, Logger: s.logger}
	if s.writer != nil {
		opts.Tokens = s.writer
	}
	return httpx.Authenticate(opts)(next)
}
