package scalar

import (
	"context"
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"github.com/serasi/serasi/internal/domain"
)

// MarshalInt writes an Int. (It has the context form only because gqlgen
// pairs it with the context form of UnmarshalInt.)
func MarshalInt(i int) graphql.ContextMarshaler {
	return graphql.ContextWriterFunc(func(ctx context.Context, w io.Writer) error {
		_, err := io.WriteString(w, strconv.Itoa(i))
		return err
	})
}

// UnmarshalInt reads an Int within the 32-bit range the GraphQL
// specification gives Int (gqlgen would take any int64). A value out of
// range is EINVALID, named after the argument.
func UnmarshalInt(ctx context.Context, v any) (int, error) {
	i, err := graphql.UnmarshalInt32(v)
	if err != nil {
		return 0, domain.Invalid(argumentPath(ctx, "Int"), "must be an Int between -2147483648 and 2147483647")
	}
	return int(i), nil
}
