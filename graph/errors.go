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
	"github.com/serasi/serasi/internal/httpx"
)

// Values of extensions.code; the table from domain code to these lives
// in internal/httpx, for every transport.
const (
	CodeBadUserInput    = httpx.CodeBadUserInput
	CodeNotFound        = httpx.CodeNotFound
	CodeConflict        = httpx.CodeConflict
	CodeUnauthenticated = httpx.CodeUnauthenticated
	CodeForbidden       = httpx.CodeForbidden
	CodeUnavailable     = httpx.CodeUnavailable
	CodeInternal        = httpx.CodeInternal
)

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
		isDomain := errors.As(err, &de)
		if !isDomain {
			if _, ok := gqlErr.Extensions["code"]; ok {
				return gqlErr
			}
		}
		code := httpx.Logged(ctx, logger, "graphql: "+gqlErr.Path.String(), err)
		entry := httpx.Entry(err, "")
		if code == CodeInternal || code == CodeUnavailable {
			return &gqlerror.Error{
				Message:    entry.Message,
				Path:       gqlErr.Path,
				Locations:  gqlErr.Locations,
				Extensions: map[string]any{"code": code},
			}
		}
		gqlErr.Message = entry.Message
		setExtension(gqlErr, "code", code)
		if entry.Extensions.Field != "" {
			setExtension(gqlErr, "field", entry.Extensions.Field)
		}
		if len(entry.Extensions.Fields) > 0 {
			setExtension(gqlErr, "fields", entry.Extensions.Fields)
		}
		return gqlErr
	}
}

// FieldError is one entry of extensions.fields.
type FieldError = httpx.FieldError

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
