// Package scalar implements the custom GraphQL scalars of the schema
// (schema/common.graphqls): GeoJSON and Date. gqlgen.yml binds each scalar
// to the Marshal*/Unmarshal* pair of the same name here.
package scalar

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/spatial"
)

// MarshalGeoJSON writes g as an RFC 7946 geometry object. Resolvers have
// already simplified, rounded and oriented it (spatial.Render).
func MarshalGeoJSON(g orb.Geometry) graphql.ContextMarshaler {
	return graphql.ContextWriterFunc(func(ctx context.Context, w io.Writer) error {
		if g == nil {
			_, err := io.WriteString(w, "null")
			return err
		}
		b, err := geojson.NewGeometry(g).MarshalJSON()
		if err != nil {
			return fmt.Errorf("scalar: marshal GeoJSON %s: %w", g.GeoJSONType(), err)
		}
		_, err = w.Write(b)
		return err
	})
}

// UnmarshalGeoJSON reads a geometry given as a JSON object (a variable or
// an object literal in the query) or as a string holding that JSON, and
// checks it with spatial.ParseGeoJSON. Every failure is EINVALID, named
// after the argument path (e.g. "filter.within").
func UnmarshalGeoJSON(ctx context.Context, v any) (orb.Geometry, error) {
	field := argumentPath(ctx, "GeoJSON")
	var data []byte
	switch v := v.(type) {
	case string:
		data = []byte(v)
	case map[string]any:
		b, err := json.Marshal(v)
		if err != nil {
			return nil, domain.Invalid(field, "GeoJSON is not valid JSON")
		}
		data = b
	default:
		return nil, domain.Invalid(field, "GeoJSON must be a geometry object or a string holding one, not %s", jsonKind(v))
	}
	return spatial.ParseGeoJSON(field, data)
}

// argumentPath names the argument being read, e.g. "filter.within", from
// the path gqlgen keeps in the context while it unmarshals arguments (the
// field the arguments belong to is left out, so that the name matches the
// Field of the store's own EINVALID errors).
func argumentPath(ctx context.Context, fallback string) string {
	var parts []string
	for pc := graphql.GetPathContext(ctx); pc != nil; pc = pc.Parent {
		switch {
		case pc.Field != nil:
			parts = append(parts, *pc.Field)
		case pc.Index != nil:
			parts = append(parts, strconv.Itoa(*pc.Index))
		}
	}
	if len(parts) == 0 {
		return fallback
	}
	slices.Reverse(parts)
	return strings.Join(parts, ".")
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "an array"
	case bool:
		return "a boolean"
	case json.Number, int, int64, float64:
		return "a number"
	}
	return fmt.Sprintf("%T", v)
}
