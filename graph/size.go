package graph

import (
	"context"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// Defaults of the size limits checked before validation.
const (
	// DefaultMaxTokens bounds the lexical tokens of a document. GraphiQL's
	// introspection query has about 300, the largest query of the map page
	// under 200.
	DefaultMaxTokens = 10_000
	// DefaultMaxFields bounds the fields of a document with every fragment
	// spread counted as the fields it brings. GraphiQL's introspection
	// query brings about 150.
	DefaultMaxFields = 500
)

// CodeTooComplex is extensions.code of a document refused by SizeLimit.
const CodeTooComplex = "QUERY_TOO_COMPLEX"

// SizeLimit refuses a document with more than MaxTokens tokens or MaxFields
// fields (fragments expanded) before gqlparser validates it: validation
// compares fields that may be merged in pairs, so its cost grows with the
// square of the fields a selection brings, and 20,000 repeated __typename
// (220 KB) took a core for 15 s. Counting is linear, and runs only for a
// document that is not in the query cache (a cached one passed before).
type SizeLimit struct {
	MaxTokens, MaxFields int
	// Cache is the server's query cache, or nil.
	Cache graphql.Cache[*ast.QueryDocument]
}

var (
	_ graphql.HandlerExtension          = SizeLimit{}
	_ graphql.OperationParameterMutator = SizeLimit{}
)

// ExtensionName implements graphql.HandlerExtension.
func (SizeLimit) ExtensionName() string { return "SizeLimit" }

// Validate implements graphql.HandlerExtension.
func (l SizeLimit) Validate(graphql.ExecutableSchema) error {
	if l.MaxTokens < 1 || l.MaxFields < 1 {
		return fmt.Errorf("size limits must be at least 1, not %d tokens and %d fields", l.MaxTokens, l.MaxFields)
	}
	return nil
}

// MutateOperationParameters implements graphql.OperationParameterMutator.
func (l SizeLimit) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if p.Query == "" {
		return nil
	}
	if l.Cache != nil {
		if _, ok := l.Cache.Get(ctx, p.Query); ok {
			return nil
		}
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, l.MaxTokens)
	if err != nil {
		if strings.Contains(err.Error(), "exceeded token limit") {
			return tooComplex("the query has more than %d tokens", l.MaxTokens)
		}
		return nil // the executor reports the syntax error
	}
	if n := documentFields(doc, l.MaxFields); n > l.MaxFields {
		return tooComplex("the query selects more than %d fields (fragments counted each time they are spread)", l.MaxFields)
	}
	return nil
}

func tooComplex(format string, args ...any) *gqlerror.Error {
	err := gqlerror.Errorf(format, args...)
	err.Extensions = map[string]any{"code": CodeTooComplex}
	return err
}

// documentFields counts the fields of every operation and fragment of doc,
// each spread counted as its fragment's fields, up to just over limit.
func documentFields(doc *ast.QueryDocument, limit int) int {
	c := fieldCounter{doc: doc, limit: limit, sizes: map[string]int{}, visiting: map[string]bool{}}
	total := 0
	for _, op := range doc.Operations {
		total = c.add(total, c.selection(op.SelectionSet))
	}
	for _, f := range doc.Fragments {
		total = c.add(total, c.fragment(f.Name))
	}
	return total
}

type fieldCounter struct {
	doc      *ast.QueryDocument
	limit    int
	sizes    map[string]int
	visiting map[string]bool
}

// add saturates just above the limit: fragments spread inside fragments
// double at each level and would overflow an int in 64 levels.
func (c *fieldCounter) add(a, b int) int {
	if s := a + b; s <= c.limit {
		return s
	}
	return c.limit + 1
}

func (c *fieldCounter) selection(set ast.SelectionSet) int {
	n := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			n = c.add(n, c.add(1, c.selection(s.SelectionSet)))
		case *ast.InlineFragment:
			n = c.add(n, c.selection(s.SelectionSet))
		case *ast.FragmentSpread:
			n = c.add(n, c.fragment(s.Name))
		}
		if n > c.limit {
			return n
		}
	}
	return n
}

func (c *fieldCounter) fragment(name string) int {
	if n, ok := c.sizes[name]; ok {
		return n
	}
	if c.visiting[name] {
		return 0 // a cycle, which validation refuses
	}
	f := c.doc.Fragments.ForName(name)
	if f == nil {
		return 0
	}
	c.visiting[name] = true
	n := c.selection(f.SelectionSet)
	delete(c.visiting, name)
	c.sizes[name] = n
	return n
}
