package layers

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	"github.com/serasi/serasi/internal/domain"
)

// ErrorBody is the JSON body of every error answered by the map endpoints.
// Code uses the same names as GraphQL extensions.code.
type ErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Field names the query parameter at fault, when there is one.
	Field string `json:"field,omitempty"`
}

// WriteError answers err as JSON: EINVALID is 400 BAD_USER_INPUT, ENOTFOUND
// 404 NOT_FOUND; anything else is logged and answered 500 INTERNAL without
// detail.
func WriteError(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	status, code := http.StatusInternalServerError, "INTERNAL"
	switch domain.ErrorCode(err) {
	case domain.EINVALID:
		status, code = http.StatusBadRequest, "BAD_USER_INPUT"
	case domain.ENOTFOUND:
		status, code = http.StatusNotFound, "NOT_FOUND"
	default:
		if logger != nil {
			logger.ErrorContext(r.Context(), "map endpoint failed", "path", r.URL.Path, "err", err)
		}
	}
	body := ErrorBody{Code: code, Message: domain.ErrorMessage(err)}
	if e, ok := err.(*domain.Error); ok && e.Field != "" {
		// Store validation names GraphQL input paths ("filter.kinds"); a URL
		// has only the parameter.
		body.Field = strings.TrimPrefix(e.Field, "filter.")
		body.Message = body.Field + ": " + body.Message
	}
	WriteJSON(w, status, "application/json", body)
}

// WriteJSON writes v as JSON with the given status and content type.
func WriteJSON(w http.ResponseWriter, status int, contentType string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"code":"INTERNAL","message":"internal error"}`, http.StatusInternalServerError)
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
