package servertest

import (
	"encoding/json"
	"testing"
)

// testBadInput sends every kind of wrong argument: each must be a
// BAD_USER_INPUT error (naming the field when the store does), never a
// 5xx or INTERNAL.
func testBadInput(t *testing.T, h *harness) {
	const (
		projects  = `query($f: ProjectFilter, $o: ProjectOrder) { projects(filter: $f, orderBy: $o) { totalCount } }`
		kelurahan = `query($f: KelurahanFilter) { kelurahans(filter: $f) { code } }`
		acts      = `query($f: ActivityFilter) { activities(filter: $f) { totalCount } }`
		nearest   = `query($lon: Float!, $lat: Float!, $limit: Int) { nearestProjects(lon: $lon, lat: $lat, limit: $limit) { distanceMeters } }`
		stats     = `query($by: [StatsDimension!]) { projectStats(groupBy: $by) { count } }`
	)
	near := func(lon, lat, r float64) map[string]any {
		return map[string]any{"f": map[string]any{"near": map[string]any{"lon": lon, "lat": lat, "radiusMeters": r}}}
	}
	within := func(g any) map[string]any { return map[string]any{"f": map[string]any{"within": g}} }
	square := [][][]float64{{{122.6, -5.47}, {122.62, -5.47}, {122.62, -5.45}, {122.6, -5.45}, {122.6, -5.47}}}
	bowtie := [][][]float64{{{122.6, -5.47}, {122.62, -5.45}, {122.62, -5.47}, {122.6, -5.45}, {122.6, -5.47}}}
	unclosed := [][][]float64{{{122.6, -5.47}, {122.62, -5.47}, {122.62, -5.45}, {122.6, -5.45}}}

	tests := []struct {
		name  string
		query string
		vars  map[string]any
		field string // "" does not check the field
	}{
		{"malformed GeoJSON string", projects, within(`{"type": "Polygon", "coordinates": [[`), "filter.within"},
		{"GeoJSON not JSON", projects, within(`not json`), "filter.within"},
		{"GeoJSON number", projects, within(42), "filter.within"},
		{"GeoJSON array", projects, within([]any{1, 2}), "filter.within"},
		{"GeoJSON unknown type", projects, within(map[string]any{"type": "Circle", "coordinates": []float64{1, 2}}), "filter.within"},
		{"GeoJSON GeometryCollection", projects, within(map[string]any{"type": "GeometryCollection", "geometries": []any{map[string]any{"type": "Polygon", "coordinates": square}}}), "filter.within"},
		{"GeoJSON self-intersecting", projects, within(map[string]any{"type": "Polygon", "coordinates": bowtie}), "filter.within"},
		{"GeoJSON unclosed ring", projects, within(map[string]any{"type": "Polygon", "coordinates": unclosed}), "filter.within"},
		{"GeoJSON unclosed ring in a string", kelurahan, map[string]any{"f": map[string]any{"intersects": `{"type":"Polygon","coordinates":[[[122.6,-5.47],[122.62,-5.47],[122.62,-5.45],[122.6,-5.45]]]}`}}, "filter.intersects"},
		{"GeoJSON out of range", kelurahan, map[string]any{"f": map[string]any{"intersects": map[string]any{"type": "Point", "coordinates": []float64{200, 0}}}}, "filter.intersects"},
		{"within a Point", projects, within(map[string]any{"type": "Point", "coordinates": []float64{122.6, -5.46}}), "filter.within"},
		{"radius 0", projects, near(122.6, -5.46, 0), "filter.near.radiusMeters"},
		{"radius -5", projects, near(122.6, -5.46, -5), "filter.near.radiusMeters"},
		{"radius 50001", projects, near(122.6, -5.46, 50001), "filter.near.radiusMeters"},
		{"near lat 91", projects, near(122.6, 91, 100), ""},
		{"near lon 181", projects, near(181, -5.46, 100), ""},
		{"near huge numbers", projects, near(1e300, -1e300, 1e300), ""},
		{"DISTANCE without near", projects, map[string]any{"o": map[string]any{"field": "DISTANCE"}}, "orderBy"},
		{"bbox of 3", projects, map[string]any{"f": map[string]any{"bbox": []float64{1, 2, 3}}}, "filter.bbox"},
		{"bbox of 0", kelurahan, map[string]any{"f": map[string]any{"bbox": []float64{}}}, "filter.bbox"},
		{"bbox min over max", kelurahan, map[string]any{"f": map[string]any{"bbox": []float64{123, -5, 122, -6}}}, "filter.bbox"},
		{"bbox lat 100", acts, map[string]any{"f": map[string]any{"bbox": []float64{122, -5, 123, 100}}}, "filter.bbox"},
		{"yearFrom after yearTo", projects, map[string]any{"f": map[string]any{"yearFrom": 2020, "yearTo": 2018}}, "filter.yearFrom"},
		{"impossible date", acts, map[string]any{"f": map[string]any{"dateFrom": "2021-13-45"}}, "filter.dateFrom"},
		{"date with time", acts, map[string]any{"f": map[string]any{"dateTo": "2021-01-01T00:00:00Z"}}, "filter.dateTo"},
		{"date as number", acts, map[string]any{"f": map[string]any{"dateTo": 20210101}}, "filter.dateTo"},
		{"dateFrom after dateTo", acts, map[string]any{"f": map[string]any{"dateFrom": "2022-01-01", "dateTo": "2021-01-01"}}, "filter.dateFrom"},
		{"nearest limit 0", nearest, map[string]any{"lon": 122.6, "lat": -5.46, "limit": 0}, "limit"},
		{"nearest limit 101", nearest, map[string]any{"lon": 122.6, "lat": -5.46, "limit": 101}, "limit"},
		{"nearest lat -91", nearest, map[string]any{"lon": 122.6, "lat": -91, "limit": 5}, ""},
		{"groupBy twice", stats, map[string]any{"by": []string{"YEAR", "YEAR"}}, "groupBy"},
		{"simplify -1", `{ kelurahan(code: "74.72.02.1001") { geometry(simplify: -1) } }`, nil, "simplify"},
		{"simplify 1e6", `{ kelurahan(code: "74.72.02.1001") { geometry(simplify: 1e6) } }`, nil, "simplify"},
		{"precision -1", `{ kecamatans { geometry(precision: -1) } }`, nil, "precision"},
		{"precision 16", `{ projects { edges { node { geometry(precision: 16) } } } }`, nil, "precision"},
		{"first beyond 32 bits", `{ projects(first: 99999999999) { totalCount } }`, nil, "first"},
		{"kelurahans first 0", `{ kelurahans(first: 0) { code } }`, nil, "first"},
		{"kelurahans first 1001", `{ kelurahans(first: 1001) { code } }`, nil, "first"},
		{"kecamatans first -1", `{ kecamatans(first: -1) { code } }`, nil, "first"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := h.queryError(t, tc.query, tc.vars, "BAD_USER_INPUT")
			if tc.field != "" && e.Extensions.Field != tc.field {
				t.Errorf("extensions.field %q, want %q (%s)", e.Extensions.Field, tc.field, e.Message)
			}
		})
	}

	// Mistakes the GraphQL validator catches before any resolver runs.
	h.queryError(t, `query($lat: Float!) { kelurahanAt(lon: 122.6, lat: $lat) { code } }`, map[string]any{"lat": json.Number("1e400")}, "GRAPHQL_VALIDATION_FAILED")
	h.queryError(t, `query($n: Int) { nearestProjects(lon: 122.6, lat: -5.46, limit: $n) { distanceMeters } }`,
		map[string]any{"n": json.Number("99999999999999999999")}, "GRAPHQL_VALIDATION_FAILED")
	for _, q := range []string{
		`{ kelurahanAt(lon: 122.6, lat: 1e400) { code } }`,
		`{ projects(filter: {kinds: [SPACESHIP]}) { totalCount } }`,
		`{ kelurahanAt(lon: "east", lat: 0) { code } }`,
		`{ kelurahan { code } }`,
	} {
		h.queryError(t, q, nil, "GRAPHQL_VALIDATION_FAILED")
	}
}
