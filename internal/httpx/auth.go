package httpx

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// TokenAuthenticator resolves a bearer token to its actor; store.Writer is
// one. EUNAUTHENTICATED for an unknown or revoked token.
type TokenAuthenticator interface {
	AuthenticateToken(ctx context.Context, token string) (domain.Actor, error)
}

// AuthOptions configure Authenticate.
type AuthOptions struct {
	// Tokens resolves tokens; nil means the server has none (every token
	// is refused, anonymous reads still pass).
	Tokens TokenAuthenticator
	// RequireToken makes a request without a token 401 too.
	RequireToken bool
	Logger       *slog.Logger
}

// Authenticate returns the bearer-token middleware of the data endpoints:
// it reads "Authorization: Bearer <token>" and puts the token's actor in
// the request context (domain.ActorFromContext reads it).
//
//   - No header: the request is anonymous, which may read unless
//     RequireToken is set (then it is 401).
//   - A malformed, unknown or revoked token is 401 UNAUTHENTICATED, also
//     for a request that would have been allowed anonymously: a client
//     with a broken credential should hear about it, not silently get the
//     anonymous view.
//   - A lookup that fails because the store is down is 503 UNAVAILABLE
//     (logged as an outage, not as an authentication failure): the token
//     may well be valid.
//
// Which role an operation needs is decided further in (the GraphQL layer,
// or the handler); with RequireToken every token role may read.
func Authenticate(opts AuthOptions) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			header := r.Header.Get("Authorization")
			if header == "" {
				if opts.RequireToken {
					Unauthenticated(w, "", "this server requires a token: send Authorization: Bearer <token>")
					return
				}
				next.ServeHTTP(w, r)
				return
			}
			scheme, token, ok := strings.Cut(header, " ")
			token = strings.TrimSpace(token)
			if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
				Unauthenticated(w, "invalid_request", "the Authorization header must be: Bearer <token>")
				return
			}
			if opts.Tokens == nil {
				Unauthenticated(w, "invalid_token", "this server has no tokens")
				return
			}
			actor, err := opts.Tokens.AuthenticateToken(r.Context(), token)
			if err != nil {
				if domain.ErrorCode(err) == domain.EUNAUTHENTICATED {
					Unauthenticated(w, "invalid_token", domain.ErrorMessage(err))
					return
				}
				WriteError(w, r, opts.Logger, err)
				return
			}
			// A valid token of any role may read; store.Authorize checks
			// the role again where more is needed.
			if err := store.Authorize(actor, domain.RoleViewer); err != nil {
				Unauthenticated(w, "invalid_token", domain.ErrorMessage(err))
				return
			}
			next.ServeHTTP(w, r.WithContext(domain.NewContextWithActor(r.Context(), actor)))
		})
	}
}

// Unauthenticated answers 401 UNAUTHENTICATED with the RFC 6750 challenge;
// errCode is its error attribute ("invalid_token", "invalid_request" or "").
func Unauthenticated(w http.ResponseWriter, errCode, msg string) {
	SetChallenge(w, errCode)
	Errorf(w, http.StatusUnauthorized, CodeUnauthenticated, msg)
}

// SetChallenge sets the WWW-Authenticate header of a 401.
func SetChallenge(w http.ResponseWriter, errCode string) {
	challenge := `Bearer realm="serasi"`
	if errCode != "" {
		challenge += `, error="` + errCode + `"`
	}
	w.Header().Set("WWW-Authenticate", challenge)
}
