package graph

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	gqlcomplexity "github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// complexityCacheSize bounds the remembered costs; like gqlgen's query
// cache (queryCacheSize), since an entry exists per cached document.
const complexityCacheSize = queryCacheSize

// ComplexityLimit refuses operations that cost more than Max, with the
// per-field costs of complexity.go, before anything executes. It computes
// the cost as gqlgen's extension.ComplexityLimit does (gqlgen's complexity.Calculate)
// and answers with the same error, but it keeps the cost of an operation
// that no variable can change: gqlgen walks the operation on every request,
// about 2% of a kelurahanAt request's CPU, while clients repeat a few
// documents whose variables are points and codes, not page sizes.
//
// A variable can change the cost only through the arguments of a field
// whose cost function reads arguments (complexity.Calculate ignores
// directives): such fields are found in the ComplexityRoot itself, by name,
// so a cost function added later is accounted for without a list to keep.
type ComplexityLimit struct {
	Max int

	es       graphql.ExecutableSchema
	argCosts map[string]bool // lower-cased names of fields whose cost reads arguments
	// cache maps an operation of a cached document to its cost, or to -1
	// when variables can change it. Holding the pointer keeps the
	// operation alive, so its address cannot be reused by another.
	cache *lru.Cache[*ast.OperationDefinition, int]
}

var (
	_ graphql.HandlerExtension        = (*ComplexityLimit)(nil)
	_ graphql.OperationContextMutator = (*ComplexityLimit)(nil)
)

// NewComplexityLimit returns the limit for operations of a schema whose
// costs are costs (the Config.Complexity given to NewExecutableSchema).
func NewComplexityLimit(max int, costs ComplexityRoot) *ComplexityLimit {
	cache, err := lru.New[*ast.OperationDefinition, int](complexityCacheSize)
	if err != nil {
		panic(err) // only for a size ≤ 0
	}
	return &ComplexityLimit{Max: max, argCosts: argCostFields(costs), cache: cache}
}

// argCostFields lists the fields of costs with a cost function that takes
// arguments beyond the child complexity. Names are lower-cased: the
// struct's field names are the schema's with an upper-case first letter
// and initialisms upper-cased (id → ID), and a false match only costs a
// cache miss.
func argCostFields(costs ComplexityRoot) map[string]bool {
	out := map[string]bool{}
	root := reflect.ValueOf(costs)
	for i := range root.NumField() {
		obj := root.Field(i)
		if obj.Kind() != reflect.Struct {
			continue
		}
		for j := range obj.NumField() {
			f := obj.Field(j)
			if f.Kind() == reflect.Func && !f.IsNil() && f.Type().NumIn() > 1 {
				out[strings.ToLower(obj.Type().Field(j).Name)] = true
			}
		}
	}
	return out
}

// ExtensionName implements graphql.HandlerExtension.
func (*ComplexityLimit) ExtensionName() string { return "ComplexityLimit" }

// Validate implements graphql.HandlerExtension.
func (c *ComplexityLimit) Validate(es graphql.ExecutableSchema) error {
	if c.Max < 1 {
		return fmt.Errorf("complexity limit must be at least 1, not %d", c.Max)
	}
	if c.cache == nil {
		return fmt.Errorf("complexity limit: use NewComplexityLimit")
	}
	c.es = es
	return nil
}

// MutateOperationContext implements graphql.OperationContextMutator.
func (c *ComplexityLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	cost := c.cost(ctx, oc)
	if cost > c.Max {
		err := gqlerror.Errorf("operation has complexity %d, which exceeds the limit of %d", cost, c.Max)
		errcode.Set(err, "COMPLEXITY_LIMIT_EXCEEDED")
		return err
	}
	return nil
}

func (c *ComplexityLimit) cost(ctx context.Context, oc *graphql.OperationContext) int {
	op := oc.Operation
	if op == nil {
		op = oc.Doc.Operations.ForName(oc.OperationName)
	}
	if op == nil {
		return 0
	}
	remembered, known := c.cache.Get(op)
	if known && remembered >= 0 {
		return remembered
	}
	cost := gqlcomplexity.Calculate(ctx, c.es, op, oc.Variables)
	if !known {
		remembered = cost
		if c.variesWithVariables(op.SelectionSet, map[*ast.FragmentDefinition]bool{}) {
			remembered = -1
		}
		c.cache.Add(op, remembered)
	}
	return cost
}

// variesWithVariables reports whether a variable appears in the arguments
// of a field of set (fragments followed) whose cost reads arguments.
func (c *ComplexityLimit) variesWithVariables(set ast.SelectionSet, seen map[*ast.FragmentDefinition]bool) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if c.argCosts[strings.ToLower(s.Name)] {
				for _, arg := range s.Arguments {
					if hasVariable(arg.Value) {
						return true
					}
				}
			}
			if c.variesWithVariables(s.SelectionSet, seen) {
				return true
			}
		case *ast.InlineFragment:
			if c.variesWithVariables(s.SelectionSet, seen) {
				return true
			}
		case *ast.FragmentSpread:
			if s.Definition == nil || seen[s.Definition] {
				continue
			}
			seen[s.Definition] = true
			if c.variesWithVariables(s.Definition.SelectionSet, seen) {
				return true
			}
		}
	}
	return false
}

func hasVariable(v *ast.Value) bool {
	if v == nil {
		return false
	}
	if v.Kind == ast.Variable {
		return true
	}
	for _, child := range v.Children {
		if hasVariable(child.Value) {
			return true
		}
	}
	return false
}
