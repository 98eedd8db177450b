package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/serasi/serasi/internal/domain"
)

// Values of extensions.code, as every serasi transport spells them.
const (
	CodeBadUserInput    = "BAD_USER_INPUT"
	CodeNotFound        = "NOT_FOUND"
	CodeConflict        = "CONFLICT"
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeForbidden       = "FORBIDDEN"
	CodeInternal        = "INTERNAL"
)

var codes = map[string]string{
	domain.EINVALID:         CodeBadUserInput,
	domain.ENOTFOUND:        CodeNotFound,
	domain.ECONFLICT:        CodeConflict,
	domain.EUNAUTHENTICATED: CodeUnauthenticated,
	domain.EFORBIDDEN:       CodeForbidden,
}

// ErrorPresenter turns resolver errors into GraphQL errors:
//
//   - a *domain.Error keeps its client-safe message and gets
//     extensions.code (and extensions.field when it names one); an input
//     with several wrong fields (Details) also gets extensions.fields, a
//     list of {field, message} naming every one, the first as above;
//   - errors gqlgen raised itself with a code (GRAPHQL_VALIDATION_FAILED,
//     GRAPHQL_PARSE_FAILED, ...) pass unchanged;
//   - anything else is INTERNAL with the message "internal error"; the real
//     error is logged, with the request id that logger adds from ctx.
func ErrorPresenter(logger *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)

		var de *domain.Error
		if errors.As(err, &de) && de.Code != domain.EINTERNAL {
			code, ok := codes[de.Code]
			if ok {
				gqlErr.Message = de.Message
				setExtension(gqlErr, "code", code)
				if de.Field != "" {
					setExtension(gqlErr, "field", de.Field)
				}
				if len(de.Details) > 1 {
					setExtension(gqlErr, "fields", fieldErrors(de.Details))
				}
				return gqlErr
			}
		}
		if _, ok := gqlErr.Extensions["code"]; ok && de == nil {
			return gqlErr
		}

		logger.ErrorContext(ctx, "graphql: internal error", "err", err, "path", gqlErr.Path.String())
		return &gqlerror.Error{
			Message:    "internal error",
			Path:       gqlErr.Path,
			Locations:  gqlErr.Locations,
			Extensions: map[string]any{"code": CodeInternal},
		}
	}
}

// FieldError is one entry of extensions.fields.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func fieldErrors(details []*domain.Error) []FieldError {
	out := make([]FieldError, len(details))
	for i, d := range details {
		out[i] = FieldError{Field: d.Field, Message: d.Message}
	}
	return out
}

func setExtension(e *gqlerror.Error, key string, v any) {
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	e.Extensions[key] = v
}

// RecoverFunc turns a panic in a resolver into an internal error carrying
// the panic value and stack, which ErrorPresenter logs and hides. A panic
// must never take the process down, whatever the input.
func RecoverFunc(ctx context.Context, p any) error {
	return fmt.Errorf("graph: panic: %v\n%s", p, debug.Stack())
}
