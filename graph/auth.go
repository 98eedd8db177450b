package graph

import (
	"context"
	"errors"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/httpx"
	"github.com/serasi/serasi/internal/store"
)

// fieldRoles names the root fields that need more than an anonymous
// caller, with the role each needs. It is the one list of who may do what
// in the API; the rule for roles themselves is domain.Role.Allows (through
// store.Authorize), which the stores apply again.
var fieldRoles = map[string]domain.Role{
	"createForum":    domain.RoleEditor,
	"updateForum":    domain.RoleEditor,
	"archiveForum":   domain.RoleEditor,
	"createProject":  domain.RoleEditor,
	"updateProject":  domain.RoleEditor,
	"deleteProject":  domain.RoleEditor,
	"recordActivity": domain.RoleEditor,
	"updateActivity": domain.RoleEditor,
	"deleteActivity": domain.RoleEditor,
	"createToken":    domain.RoleAdmin,
	"revokeToken":    domain.RoleAdmin,
	"tokens":         domain.RoleAdmin,
	"auditLog":       domain.RoleAdmin,
}

// WithActor returns ctx carrying the actor a request was authenticated as;
// see domain.NewContextWithActor, which the HTTP edge uses.
func WithActor(ctx context.Context, a domain.Actor) context.Context {
	return domain.NewContextWithActor(ctx, a)
}

// ActorFrom returns the actor of ctx; the zero Actor (anonymous) when none.
func ActorFrom(ctx context.Context) domain.Actor { return domain.ActorFromContext(ctx) }

// Authorization refuses an operation whose root fields need a role the
// caller lacks before anything executes, so that an anonymous caller gets
// UNAUTHENTICATED (and a viewer FORBIDDEN) without the server parsing its
// geometry or touching the store. Resolvers check again (authorize).
type Authorization struct{}

var (
	_ graphql.HandlerExtension        = Authorization{}
	_ graphql.OperationContextMutator = Authorization{}
)

// ExtensionName implements graphql.HandlerExtension.
func (Authorization) ExtensionName() string { return "Authorization" }

// Validate implements graphql.HandlerExtension.
func (Authorization) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext implements graphql.OperationContextMutator.
func (Authorization) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	root := "Query"
	switch oc.Operation.Operation {
	case ast.Mutation:
		root = "Mutation"
	case ast.Subscription:
		root = "Subscription"
	}
	// Most operations name no field of fieldRoles at all; telling so from
	// the document is far cheaper than CollectFields (which also weighs
	// @skip/@include), and this runs on every request.
	if !namesRoleField(oc.Doc, oc.Operation.SelectionSet, 0) {
		return nil
	}
	actor := ActorFrom(ctx)
	for _, f := range graphql.CollectFields(oc, oc.Operation.SelectionSet, []string{root}) {
		need, ok := fieldRoles[f.Name]
		if !ok {
			continue
		}
		if err := store.Authorize(actor, need); err != nil {
			return authError(err, f.Name, f.Position)
		}
	}
	return nil
}

// namesRoleField reports whether the root selection set sel, through its
// fragments, names any field of fieldRoles, whatever directives say. Fragment
// cycles are refused by validation before this runs; depth bounds the walk
// all the same.
func namesRoleField(doc *ast.QueryDocument, sel ast.SelectionSet, depth int) bool {
	if depth > 32 {
		return true // let CollectFields decide
	}
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			if _, ok := fieldRoles[s.Name]; ok {
				return true
			}
		case *ast.InlineFragment:
			if namesRoleField(doc, s.SelectionSet, depth+1) {
				return true
			}
		case *ast.FragmentSpread:
			def := s.Definition
			if def == nil && doc != nil {
				def = doc.Fragments.ForName(s.Name)
			}
			if def == nil || namesRoleField(doc, def.SelectionSet, depth+1) {
				return true
			}
		}
	}
	return false
}

func authError(err error, field string, pos *ast.Position) *gqlerror.Error {
	var de *domain.Error
	errors.As(err, &de)
	e := &gqlerror.Error{
		Message:    fmt.Sprintf("%s: %s", field, de.Message),
		Extensions: map[string]any{"code": httpx.Code(de.Code)},
	}
	if pos != nil {
		e.Locations = []gqlerror.Location{{Line: pos.Line, Column: pos.Column}}
	}
	return e
}

// authorize checks, inside a root field's resolver, that the request's
// actor has the role fieldRoles gives the field, and returns the actor.
func authorize(ctx context.Context) (domain.Actor, error) {
	actor := ActorFrom(ctx)
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil {
		return actor, fmt.Errorf("graph: authorize called outside a field resolver")
	}
	need, ok := fieldRoles[fc.Field.Name]
	if !ok {
		return actor, fmt.Errorf("graph: field %s has no role in fieldRoles", fc.Field.Name)
	}
	return actor, store.Authorize(actor, need)
}
