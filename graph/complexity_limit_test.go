package graph

import (
	"context"
	"testing"

	gqlcomplexity "github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/validator"
)

func TestArgCostFields(t *testing.T) {
	got := argCostFields(complexity())
	for _, name := range []string{"projects", "activities", "nearestprojects", "geometry", "kelurahans", "auditlog", "projectslayer"} {
		if !got[name] {
			t.Errorf("%s reads its arguments for its cost but is not listed", name)
		}
	}
	for _, name := range []string{"kelurahanat", "kelurahan", "code", "centroid", "provinsis", "secretariat"} {
		if got[name] {
			t.Errorf("%s has no cost function reading arguments but is listed", name)
		}
	}
}

// The cached cost is always what gqlgen's complexity.Calculate gives for
// the variables of the request at hand, whatever was asked before; and it
// is only remembered when no variable can change it.
func TestComplexityLimitCache(t *testing.T) {
	costs := complexity()
	es := NewExecutableSchema(Config{Resolvers: &Resolver{}, Complexity: costs})
	limit := NewComplexityLimit(DefaultMaxComplexity, costs)
	if err := limit.Validate(es); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		query  string
		vars   []map[string]any // asked in this order
		cached bool
		varies bool // the variables change the cost
	}{
		{"point lookup", `query($lon:Float!,$lat:Float!){kelurahanAt(lon:$lon,lat:$lat){code name geometry}}`,
			[]map[string]any{{"lon": 122.6, "lat": -5.45}, {"lon": 122.5, "lat": -5.5}}, true, false},
		{"page size from a variable", `query($n:Int){projects(first:$n){edges{node{id title}}}}`,
			[]map[string]any{{"n": 5}, {"n": 500}, {}, {"n": 2}}, false, true},
		{"page size in a fragment", `query($n:Int){kelurahans{...K}} fragment K on Kelurahan{projects(first:$n){totalCount edges{node{id}}}}`,
			[]map[string]any{{"n": 1}, {"n": 400}}, false, true},
		{"limit from a variable", `query($n:Int,$lon:Float!,$lat:Float!){nearestProjects(lon:$lon,lat:$lat,limit:$n){distanceMeters}}`,
			[]map[string]any{{"n": 3, "lon": 122.6, "lat": -5.45}, {"n": 100, "lon": 122.6, "lat": -5.45}}, false, true},
		{"literal page size, variable code", `query($c:String!){kelurahan(code:$c){name projects(first:30){edges{node{id geometry}}}}}`,
			[]map[string]any{{"c": "74.72.02.1001"}, {"c": "74.72.01.1001"}}, true, false},
		// Not remembered, though these costs ignore the variables: the
		// functions take the arguments, and that is all that is known.
		{"geometry simplify from a variable", `query($s:Float){kecamatans{geometry(simplify:$s)}}`,
			[]map[string]any{{"s": 10.0}, {"s": 1.0}}, false, false},
		{"variable in an input object", `query($y:Int){projects(filter:{yearFrom:$y},first:10){totalCount}}`,
			[]map[string]any{{"y": 2015}, {"y": 2020}}, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, errs := gqlparser.LoadQueryWithRules(es.Schema(), tc.query, nil)
			if errs != nil {
				t.Fatal(errs)
			}
			op := doc.Operations[0]
			costsSeen := map[int]bool{}
			for _, raw := range tc.vars {
				vars, err := validator.VariableValues(es.Schema(), op, raw)
				if err != nil {
					t.Fatal(err)
				}
				oc := &graphql.OperationContext{RawQuery: tc.query, Doc: doc, Operation: op, Variables: vars}
				want := gqlcomplexity.Calculate(context.Background(), es, op, vars)
				if got := limit.cost(context.Background(), oc); got != want {
					t.Errorf("vars %v: cost %d, want %d", raw, got, want)
				}
				costsSeen[want] = true
			}
			if tc.varies && len(costsSeen) < 2 {
				t.Errorf("the variables do not change the cost; the case tests nothing")
			}
			stored, ok := limit.cache.Get(op)
			if !ok || (stored >= 0) != tc.cached {
				t.Errorf("cache entry %d (present %v); want remembered=%v", stored, ok, tc.cached)
			}
		})
	}
}
