package scalar

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/99designs/gqlgen/graphql"
	"github.com/paulmach/orb/geojson"

	"github.com/serasi/serasi/internal/domain"
)

// MarshalFeatureCollection writes fc as RFC 7946 JSON, byte for byte what
// the /geojson endpoint writes for the same features (both use
// encoding/json over orb's types). Resolvers have already rendered the
// geometries (layers.Collection).
func MarshalFeatureCollection(fc *geojson.FeatureCollection) graphql.ContextMarshaler {
	return graphql.ContextWriterFunc(func(ctx context.Context, w io.Writer) error {
		if fc == nil {
			_, err := io.WriteString(w, "null")
			return err
		}
		b, err := json.Marshal(fc)
		if err != nil {
			return fmt.Errorf("scalar: marshal FeatureCollection: %w", err)
		}
		_, err = w.Write(b)
		return err
	})
}

// UnmarshalFeatureCollection refuses every input: the scalar is output
// only, and no argument of the schema has this type.
func UnmarshalFeatureCollection(ctx context.Context, v any) (*geojson.FeatureCollection, error) {
	return nil, domain.Invalid(argumentPath(ctx, "FeatureCollection"), "FeatureCollection is an output type")
}
