package scalar

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"github.com/serasi/serasi/internal/domain"
)

// MarshalFloat writes a Float in plain decimal notation, shortest exact
// form: rupiah amounts read 142000000, not gqlgen's default 1.42e+08, and
// the value round-trips exactly. NaN and ±Inf are not JSON and fail the field.
func MarshalFloat(f float64) graphql.ContextMarshaler {
	return graphql.ContextWriterFunc(func(ctx context.Context, w io.Writer) error {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("scalar: cannot marshal infinite or NaN Float %v", f)
		}
		_, err := io.WriteString(w, strconv.FormatFloat(f, 'f', -1, 64))
		return err
	})
}

// UnmarshalFloat reads a Float the way gqlgen does; a number beyond the
// float64 range is EINVALID, not ±Inf.
func UnmarshalFloat(ctx context.Context, v any) (float64, error) {
	f, err := graphql.UnmarshalFloatContext(ctx, v)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, domain.Invalid(argumentPath(ctx, "Float"), "must be a finite Float")
	}
	return f, nil
}
