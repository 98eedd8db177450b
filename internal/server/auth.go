package server

import (
	"net/http"
	"strings"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/serasi/serasi/graph"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// authenticate reads "Authorization: Bearer <token>" and puts the token's
// actor in the request context (graph.ActorFrom reads it), for the data
// endpoints (GraphQL, GeoJSON, tiles, OGC API); the probes and the static
// pages hold no data and are never wrapped.
//
//   - No header: the request is anonymous, which may read unless
//     requireToken is set (then it is 401).
//   - A malformed, unknown or revoked token is 401 UNAUTHENTICATED, also
//     for a request that would have been allowed anonymously: a client
//     with a broken credential should hear about it, not silently get the
//     anonymous view.
//
// Which role an operation needs is decided by the GraphQL layer
// (graph.Authorization); with requireToken every token role (VIEWER and
// up) may read.
func (s *Server) authenticate(requireToken bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header := r.Header.Get("Authorization")
		if header == "" {
			if requireToken {
				unauthenticated(w, "", "this server requires a token: send Authorization: Bearer <token>")
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		scheme, token, ok := strings.Cut(header, " ")
		token = strings.TrimSpace(token)
		if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
			unauthenticated(w, "invalid_request", "the Authorization header must be: Bearer <token>")
			return
		}
		if s.writer == nil {
			unauthenticated(w, "invalid_token", "this server has no tokens")
			return
		}
		actor, err := s.writer.AuthenticateToken(r.Context(), token)
		if err != nil {
			if domain.ErrorCode(err) == domain.EUNAUTHENTICATED {
				unauthenticated(w, "invalid_token", domain.ErrorMessage(err))
				return
			}
			s.logger.ErrorContext(r.Context(), "authenticate: token lookup failed", "err", err)
			writeJSON(w, mediaJSON, http.StatusInternalServerError, errorsOnly{Errors: gqlerror.List{{
				Message: "internal error", Extensions: map[string]any{"code": graph.CodeInternal}}}})
			return
		}
		// The token's role is checked by store.Authorize where it matters; a
		// valid token of any role may read.
		if err := store.Authorize(actor, domain.RoleViewer); err != nil {
			unauthenticated(w, "invalid_token", domain.ErrorMessage(err))
			return
		}
		next.ServeHTTP(w, r.WithContext(graph.WithActor(r.Context(), actor)))
	})
}

// unauthenticated answers 401 with a GraphQL-shaped error body and the
// RFC 6750 challenge.
func unauthenticated(w http.ResponseWriter, code, msg string) {
	challenge := `Bearer realm="serasi"`
	if code != "" {
		challenge += `, error="` + code + `"`
	}
	w.Header().Set("WWW-Authenticate", challenge)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, mediaJSON, http.StatusUnauthorized, errorsOnly{Errors: gqlerror.List{{
		Message: msg, Extensions: map[string]any{"code": graph.CodeUnauthenticated}}}})
}
