package scalar

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
)

// argCtx is the context gqlgen gives an unmarshaler for filter.<name>.
func argCtx(names ...string) context.Context {
	ctx := context.Background()
	for _, n := range names {
		ctx = graphql.WithPathContext(ctx, graphql.NewPathWithField(n))
	}
	return ctx
}

func write(t *testing.T, m graphql.ContextMarshaler) string {
	t.Helper()
	var b bytes.Buffer
	if err := m.MarshalGQLContext(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestGeoJSON(t *testing.T) {
	ctx := argCtx("filter", "within")
	square := `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}`
	for _, in := range []any{square, map[string]any{"type": "Point", "coordinates": []any{122.6, -5.4}}} {
		if g, err := UnmarshalGeoJSON(ctx, in); err != nil || g == nil {
			t.Errorf("UnmarshalGeoJSON(%v) = %v, %v", in, g, err)
		}
	}
	for _, in := range []any{nil, 42, true, []any{1}, "{", `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}`} {
		_, err := UnmarshalGeoJSON(ctx, in)
		var de *domain.Error
		if !asDomain(err, &de) || de.Code != domain.EINVALID || de.Field != "filter.within" {
			t.Errorf("UnmarshalGeoJSON(%v) error %v, want EINVALID on filter.within", in, err)
		}
	}
	if got := write(t, MarshalGeoJSON(orb.Point{122.5, -5.25})); got != `{"type":"Point","coordinates":[122.5,-5.25]}` {
		t.Errorf("MarshalGeoJSON = %s", got)
	}
	if got := write(t, MarshalGeoJSON(nil)); got != "null" {
		t.Errorf("MarshalGeoJSON(nil) = %s", got)
	}
}

func TestDate(t *testing.T) {
	d, err := UnmarshalDate(argCtx("dateFrom"), "2021-08-17")
	if err != nil || !d.Equal(time.Date(2021, 8, 17, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("UnmarshalDate = %v, %v", d, err)
	}
	for _, in := range []any{"2021-02-30", "17/08/2021", "2021-08-17T00:00:00Z", 20210817, nil} {
		if _, err := UnmarshalDate(argCtx("dateFrom"), in); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("UnmarshalDate(%v) error %v, want EINVALID", in, err)
		}
	}
	if got := write(t, MarshalDate(time.Date(2021, 8, 17, 0, 0, 0, 0, time.UTC))); got != `"2021-08-17"` {
		t.Errorf("MarshalDate = %s", got)
	}
}

func TestFloatAndInt(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{{142000000, "142000000"}, {122.607747984, "122.607747984"}, {-0.5, "-0.5"}, {1e21, "1000000000000000000000"}}
	for _, tc := range tests {
		if got := write(t, MarshalFloat(tc.in)); got != tc.want {
			t.Errorf("MarshalFloat(%g) = %s, want %s", tc.in, got, tc.want)
		}
	}
	if _, err := UnmarshalFloat(argCtx("lat"), "1e400"); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("UnmarshalFloat(1e400) error %v, want EINVALID", err)
	}
	if i, err := UnmarshalInt(argCtx("first"), int64(2147483647)); err != nil || i != 2147483647 {
		t.Errorf("UnmarshalInt(max int32) = %d, %v", i, err)
	}
	if _, err := UnmarshalInt(argCtx("first"), int64(2147483648)); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("UnmarshalInt(2^31) error %v, want EINVALID", err)
	}
}

func asDomain(err error, de **domain.Error) bool {
	e, ok := err.(*domain.Error)
	*de = e
	return ok
}
