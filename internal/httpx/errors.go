// Package httpx is serasi's HTTP edge, shared by every endpoint (GraphQL,
// GeoJSON, tiles, OGC API and what comes after them): the one table from
// domain error code to extensions.code and HTTP status, the one JSON error
// writer, content negotiation, the bearer-token middleware, CORS and rate
// limits. It knows nothing of GraphQL execution; graph and internal/server
// build on it.
package httpx

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/serasi/serasi/internal/domain"
)

// Values of extensions.code, as every serasi endpoint spells them.
const (
	CodeBadUserInput    = "BAD_USER_INPUT"
	CodeNotFound        = "NOT_FOUND"
	CodeConflict        = "CONFLICT"
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeForbidden       = "FORBIDDEN"
	CodeUnavailable     = "UNAVAILABLE"
	CodeInternal        = "INTERNAL"
	// CodeBadRequest is a request that is not one the endpoint can read at
	// all (bad JSON, wrong content type, a body too large); errors about
	// argument values are BAD_USER_INPUT.
	CodeBadRequest = "BAD_REQUEST"
	// CodeTooManyRequests is a request refused by a rate limit.
	CodeTooManyRequests = "TOO_MANY_REQUESTS"
	// CodeTooComplex is an operation refused by a size limit before it
	// ran (too many tokens or fields).
	CodeTooComplex = "QUERY_TOO_COMPLEX"
)

// RetryAfterSeconds is the Retry-After sent with UNAVAILABLE: long enough
// for a restarting database or a failover, short enough for a map client.
const RetryAfterSeconds = 5

// kind is one row of the table.
type kind struct {
	code   string
	status int
}

// table is THE mapping from domain code to extensions.code and HTTP
// status; nothing else in serasi spells it.
var table = map[string]kind{
	domain.EINVALID:         {CodeBadUserInput, http.StatusBadRequest},
	domain.ENOTFOUND:        {CodeNotFound, http.StatusNotFound},
	domain.ECONFLICT:        {CodeConflict, http.StatusConflict},
	domain.EUNAUTHENTICATED: {CodeUnauthenticated, http.StatusUnauthorized},
	domain.EFORBIDDEN:       {CodeForbidden, http.StatusForbidden},
	domain.EUNAVAILABLE:     {CodeUnavailable, http.StatusServiceUnavailable},
	domain.EINTERNAL:        {CodeInternal, http.StatusInternalServerError},
}

// statusOfCode maps extensions.code back to a status, also for the codes
// that have no domain code (GraphQL's own, the edge's).
var statusOfCode = map[string]int{
	CodeBadRequest:      http.StatusBadRequest,
	CodeTooManyRequests: http.StatusTooManyRequests,
	CodeTooComplex:      http.StatusBadRequest,
}

func init() {
	for _, k := range table {
		statusOfCode[k.code] = k.status
	}
}

// Classify returns err's extensions.code and HTTP status (see
// domain.ErrorCode; anything unknown is INTERNAL, 500).
func Classify(err error) (code string, status int) {
	k, ok := table[domain.ErrorCode(err)]
	if !ok {
		k = table[domain.EINTERNAL]
	}
	return k.code, k.status
}

// Code returns extensions.code of a domain error code ("invalid" →
// BAD_USER_INPUT); INTERNAL for an unknown one.
func Code(domainCode string) string {
	if k, ok := table[domainCode]; ok {
		return k.code
	}
	return CodeInternal
}

// StatusOf returns the HTTP status of an extensions.code; ok is false for a
// code the edge does not know (e.g. GRAPHQL_VALIDATION_FAILED, whose status
// the GraphQL transport decides).
func StatusOf(code string) (status int, ok bool) {
	status, ok = statusOfCode[code]
	return status, ok
}

// ErrorResponse is the one error body of every serasi endpoint, the shape
// of a GraphQL response that did not execute:
//
//	{"errors":[{"message":"...","extensions":{"code":"BAD_USER_INPUT","field":"bbox"}}]}
type ErrorResponse struct {
	Errors []ErrorEntry `json:"errors"`
}

// ErrorEntry is one error of an ErrorResponse.
type ErrorEntry struct {
	Message    string     `json:"message"`
	Extensions Extensions `json:"extensions"`
}

// Extensions are the machine-readable parts of an error.
type Extensions struct {
	Code string `json:"code"`
	// Field names the input at fault, in the endpoint's own words (a
	// query parameter, a GraphQL argument path).
	Field string `json:"field,omitempty"`
	// Fields lists every wrong field when there were several; the first is
	// also in Field.
	Fields []FieldError `json:"fields,omitempty"`
}

// FieldError is one entry of extensions.fields.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Entry returns the client-safe ErrorEntry of err, its field names under
// prefix (e.g. "filter" turns "kinds" into "filter.kinds"; "" keeps them).
// An internal error says only "internal error".
func Entry(err error, prefix string) ErrorEntry {
	code, _ := Classify(err)
	e := ErrorEntry{Message: "internal error", Extensions: Extensions{Code: code}}
	if code == CodeInternal {
		return e
	}
	var de *domain.Error
	if !errors.As(err, &de) {
		e.Message = "the data store is unavailable; retry later"
		return e
	}
	e.Message = de.Message
	e.Extensions.Field = JoinField(prefix, de.Field)
	if len(de.Details) > 1 {
		for _, d := range de.Details {
			e.Extensions.Fields = append(e.Extensions.Fields, FieldError{Field: JoinField(prefix, d.Field), Message: d.Message})
		}
	}
	return e
}

// JoinField joins a transport's prefix and a field name relative to it.
func JoinField(prefix, field string) string {
	switch {
	case field == "":
		return ""
	case prefix == "":
		return field
	}
	return prefix + "." + field
}

// Logged logs err when the client cannot be blamed for it, with the
// request id the logger adds from ctx: INTERNAL as an error, UNAVAILABLE
// as a warning (an outage is not a bug). It returns err's code.
func Logged(ctx context.Context, logger *slog.Logger, msg string, err error) string {
	code, _ := Classify(err)
	if logger == nil {
		return code
	}
	switch code {
	case CodeInternal:
		logger.ErrorContext(ctx, msg, "err", err)
	case CodeUnavailable:
		logger.WarnContext(ctx, msg+": store unavailable", "err", err)
	}
	return code
}

// WriteError answers err in the one error shape, with the status of its
// code (and Retry-After for UNAVAILABLE), logging what Logged logs. Field
// names are the error's own: a handler whose input names differ from the
// store's wraps the error first (or uses WriteErrorPrefix).
func WriteError(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	WriteErrorPrefix(w, r, logger, err, "")
}

// WriteErrorPrefix is WriteError with field names under prefix.
func WriteErrorPrefix(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error, prefix string) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		// The client went away: nobody reads the answer, nothing to log.
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	Logged(r.Context(), logger, "http: "+r.Method+" "+r.URL.Path+" failed", err)
	_, status := Classify(err)
	WriteEntries(w, status, Entry(err, prefix))
}

// Errorf writes one error with the given code and message (for the edge's
// own refusals: a bad header, a method, a rate limit).
func Errorf(w http.ResponseWriter, status int, code, msg string) {
	WriteEntries(w, status, ErrorEntry{Message: msg, Extensions: Extensions{Code: code}})
}

// WriteEntries writes an ErrorResponse as application/json.
func WriteEntries(w http.ResponseWriter, status int, entries ...ErrorEntry) {
	WriteJSON(w, status, MediaJSON, ErrorResponse{Errors: entries})
}

// WriteJSON writes v as JSON with the given status and Content-Type; 503
// gets Retry-After and no error response is cached.
func WriteJSON(w http.ResponseWriter, status int, media string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Only a marshaller bug gets here; the response is already decided.
		status = http.StatusInternalServerError
		b = []byte(`{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL"}}]}`)
	}
	WriteBody(w, status, media, b)
}

// WriteBody writes b with the given status and Content-Type; an error status (4xx/5xx) gets Cache-Control: no-store, 503 also
// Retry-After (unless the handler set one).
func WriteBody(w http.ResponseWriter, status int, media string, b []byte) {
	h := w.Header()
	h.Set("Content-Type", media)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	if status >= 400 {
		h.Set("Cache-Control", "no-store")
		// A body written for a GET with an ETag must not keep it.
		h.Del("ETag")
		if status == http.StatusServiceUnavailable && h.Get("Retry-After") == "" {
			h.Set("Retry-After", strconv.Itoa(RetryAfterSeconds))
		}
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
