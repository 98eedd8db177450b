package layers

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/httpx"
)

// ErrorBody is the JSON body of every error answered by the map
// endpoints: the one error shape of the HTTP edge.
type ErrorBody = httpx.ErrorResponse

// WriteError answers err in the edge's one error shape (httpx.WriteError):
// EINVALID is 400 BAD_USER_INPUT with extensions.field naming the query
// parameter, ENOTFOUND 404 NOT_FOUND, an outage 503 UNAVAILABLE; anything
// else is logged and answered 500 INTERNAL without detail.
func WriteError(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	httpx.WriteError(w, r, logger, paramError(err))
}

// paramError renames the fields of a store validation error to the query
// parameters they came from: the filter's members are parameters of their
// own ("filter.kinds" is ?kinds=).
func paramError(err error) error {
	var de *domain.Error
	if !errors.As(err, &de) || de.Field == "" {
		return err
	}
	out := *de
	out.Field = strings.TrimPrefix(de.Field, "filter.")
	if len(de.Details) > 0 {
		out.Details = make([]*domain.Error, len(de.Details))
		for i, d := range de.Details {
			c := *d
			c.Field = strings.TrimPrefix(d.Field, "filter.")
			out.Details[i] = &c
		}
	}
	return &out
}

// WriteJSON writes v as JSON with the given status and content type.
func WriteJSON(w http.ResponseWriter, status int, contentType string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		httpx.Errorf(w, http.StatusInternalServerError, httpx.CodeInternal, "internal error")
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// BaseURL returns scheme://host of the request as the client addressed it.
// X-Forwarded-Proto and X-Forwarded-Host are honoured because serasi runs
// behind a reverse proxy in production; they only shape links in answers.
func BaseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := firstHeaderValue(r, "X-Forwarded-Proto"); p == "http" || p == "https" {
		scheme = p
	}
	host := r.Host
	if h := firstHeaderValue(r, "X-Forwarded-Host"); h != "" {
		host = h
	}
	return scheme + "://" + host
}

func firstHeaderValue(r *http.Request, name string) string {
	v, _, _ := strings.Cut(r.Header.Get(name), ",")
	return strings.TrimSpace(v)
}
