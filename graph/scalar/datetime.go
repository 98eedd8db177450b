package scalar

import (
	"context"
	"encoding/json"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/serasi/serasi/internal/domain"
)

// MarshalDateTime writes t as RFC 3339 in UTC, with as many fractional
// digits as it has (audit times have microseconds).
func MarshalDateTime(t time.Time) graphql.ContextMarshaler {
	return graphql.ContextWriterFunc(func(ctx context.Context, w io.Writer) error {
		_, err := io.WriteString(w, strconv.Quote(t.UTC().Format(time.RFC3339Nano)))
		return err
	})
}

// UnmarshalDateTime reads an RFC 3339 string with a zone. Unlike gqlgen's
// Time scalar it refuses "" (which that one reads as the zero time) and
// zoneless times, whose meaning depends on where the server runs.
func UnmarshalDateTime(ctx context.Context, v any) (time.Time, error) {
	field := argumentPath(ctx, "DateTime")
	s, ok := v.(string)
	if !ok {
		return time.Time{}, domain.Invalid(field, "a DateTime must be an RFC 3339 string, not %s", jsonKind(v))
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, domain.Invalid(field, "%q is not an RFC 3339 date and time with a zone (e.g. 2024-05-17T08:30:00Z)", s)
	}
	return t.UTC(), nil
}

// MarshalJSON writes a JSON value as it is; nil is null.
func MarshalJSON(v json.RawMessage) graphql.ContextMarshaler {
	return graphql.ContextWriterFunc(func(ctx context.Context, w io.Writer) error {
		if len(v) == 0 {
			_, err := io.WriteString(w, "null")
			return err
		}
		_, err := w.Write(v)
		return err
	})
}

// UnmarshalJSON refuses every input: the scalar is output only.
func UnmarshalJSON(ctx context.Context, v any) (json.RawMessage, error) {
	return nil, domain.Invalid(argumentPath(ctx, "JSON"), "JSON is an output type")
}
