package domain

import (
	"errors"
	"fmt"
)

// Error codes. Only the transport layer (GraphQL presenter, HTTP handlers)
// turns them into extensions.code values or status codes.
const (
	EINVALID         = "invalid"         // the caller's input is wrong (BAD_USER_INPUT)
	ENOTFOUND        = "not_found"       // the record does not exist (NOT_FOUND)
	ECONFLICT        = "conflict"        // stale version or duplicate (CONFLICT)
	EUNAUTHENTICATED = "unauthenticated" // no or unknown credentials (UNAUTHENTICATED)
	EFORBIDDEN       = "forbidden"       // credentials lack the role (FORBIDDEN)
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
// and EINTERNAL for anything else.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
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
