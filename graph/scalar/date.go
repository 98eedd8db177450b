package scalar

import (
	"context"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/serasi/serasi/internal/domain"
)

const dateLayout = time.DateOnly // YYYY-MM-DD

// MarshalDate writes t's calendar date as "YYYY-MM-DD". Domain dates are
// at 00:00 UTC, so the UTC date is the one meant.
func MarshalDate(t time.Time) graphql.ContextMarshaler {
	return graphql.ContextWriterFunc(func(ctx context.Context, w io.Writer) error {
		_, err := io.WriteString(w, strconv.Quote(t.UTC().Format(dateLayout)))
		return err
	})
}

// UnmarshalDate reads "YYYY-MM-DD" into 00:00 UTC of that day.
func UnmarshalDate(ctx context.Context, v any) (time.Time, error) {
	field := argumentPath(ctx, "Date")
	s, ok := v.(string)
	if !ok {
		return time.Time{}, domain.Invalid(field, "a Date must be a string YYYY-MM-DD, not %s", jsonKind(v))
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return time.Time{}, domain.Invalid(field, "%q is not a date YYYY-MM-DD", s)
	}
	return t, nil
}
