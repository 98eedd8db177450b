package domain

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"syscall"
)

// Error codes. Only the transport layer (GraphQL presenter, HTTP handlers)
// turns them into extensions.code values or status codes.
const (
	EINVALID         = "invalid"         // the caller's input is wrong (BAD_USER_INPUT)
	ENOTFOUND        = "not_found"       // the record does not exist (NOT_FOUND)
	ECONFLICT        = "conflict"        // stale version or duplicate (CONFLICT)
	EUNAUTHENTICATED = "unauthenticated" // no or unknown credentials (UNAUTHENTICATED)
	EFORBIDDEN       = "forbidden"       // credentials lack the role (FORBIDDEN)
	EUNAVAILABLE     = "unavailable"     // the store cannot answer now; retry later (UNAVAILABLE)
	EINTERNAL        = "internal"        // anything else (INTERNAL); details are logged, never shown
)

// Error is an application error whose message is safe to show to a client.
type Error struct {
	Code    string
	Message string
	// Field names the input field at fault, when there is one (e.g. "filter.near.radiusMeters").
	Field string
	// Details lists every field error when an input had several (see
	// Invalids); Code, Message and Field are then the first one's.
	Details []*Error
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("serasi: %s: %s (%s)", e.Code, e.Message, e.Field)
	}
	return fmt.Sprintf("serasi: %s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error about one input field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Invalids joins field errors into one EINVALID *Error that carries them
// all in Details and shows the first in Code, Message and Field. It returns
// nil for none and the error itself for one.
func Invalids(errs []*Error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	first := *errs[0]
	first.Details = append([]*Error(nil), errs...)
	return &first
}

// NotFound returns an ENOTFOUND error for a record of the given kind.
func NotFound(kind, id string) *Error {
	return &Error{Code: ENOTFOUND, Message: fmt.Sprintf("%s %q not found", kind, id)}
}

// ErrorCode returns the code of the first *Error in err's chain, "" for nil,
// EUNAVAILABLE for an error that says the store cannot be reached (see
// Unavailable), and EINTERNAL for anything else.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if Unavailable(err) {
		return EUNAVAILABLE
	}
	return EINTERNAL
}

// Unavailable reports whether err says that the store could not be reached
// or is going away, so that the same request may well succeed later: a
// connection the driver gave up on (driver.ErrBadConn), a refused, reset or
// failed network connection, a PostgreSQL SQLSTATE of class 08 (connection
// exception), 57P01..57P03 (shutdown, crash, cannot connect now) or 53300
// (too many connections), or a deadline that passed while waiting for the
// store. The SQLSTATE is read through the SQLState method lib/pq's and
// pgx's errors have, so that nothing here imports a driver.
//
// A deadline counts because the request's own deadline is the only way a
// query on an unreachable host (no RST, packets dropped) ends; a slow query
// on a healthy database ends by its statement timeout instead (57014,
// which is not here), so a deadline does not hide a query bug. A cancelled
// context (the client went away) is not unavailability.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) {
		return true
	}
	var st interface{ SQLState() string }
	if errors.As(err, &st) {
		s := st.SQLState()
		return len(s) == 5 && (s[:2] == "08" || s == "57P01" || s == "57P02" || s == "57P03" || s == "53300")
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var oe *net.OpError
	return errors.As(err, &oe)
}

// ErrorMessage returns the client-safe message of err: the message of an
// *Error, or a generic text for internal errors.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
