package graph

import (
	"context"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/serasi/serasi/internal/domain"
)

// TestAuthorize checks the resolvers' own role check, the second line
// behind the Authorization extension.
func TestAuthorize(t *testing.T) {
	inField := func(ctx context.Context, name string) context.Context {
		return graphql.WithFieldContext(ctx, &graphql.FieldContext{
			Field: graphql.CollectedField{Field: &ast.Field{Name: name}}})
	}
	viewer := domain.Actor{TokenID: "tokv", Name: "v", Role: domain.RoleViewer}
	editor := domain.Actor{TokenID: "toke", Name: "e", Role: domain.RoleEditor}
	admin := domain.Actor{TokenID: "toka", Name: "a", Role: domain.RoleAdmin}
	tests := []struct {
		field string
		actor *domain.Actor
		want  string
	}{
		{"createProject", nil, domain.EUNAUTHENTICATED},
		{"createProject", &viewer, domain.EFORBIDDEN},
		{"createProject", &editor, ""},
		{"deleteActivity", &admin, ""},
		{"createToken", &editor, domain.EFORBIDDEN},
		{"auditLog", &admin, ""},
		{"tokens", nil, domain.EUNAUTHENTICATED},
		{"kecamatans", &admin, domain.EINTERNAL}, // a field with no role is a bug
	}
	for _, tc := range tests {
		name := tc.field + "/anonymous"
		if tc.actor != nil {
			name = tc.field + "/" + string(tc.actor.Role)
		}
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			if tc.actor != nil {
				ctx = WithActor(ctx, *tc.actor)
			}
			_, err := authorize(inField(ctx, tc.field))
			if got := domain.ErrorCode(err); got != tc.want {
				t.Errorf("%v, want code %q", err, tc.want)
			}
		})
	}
	if _, err := authorize(WithActor(context.Background(), admin)); err == nil {
		t.Error("authorize outside a field resolver passed")
	}
}

// TestFieldRolesAreMutationsAndAdminQueries keeps fieldRoles complete:
// every mutation needs a role.
func TestFieldRolesAreMutationsAndAdminQueries(t *testing.T) {
	schema := NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema()
	for _, f := range schema.Mutation.Fields {
		if _, ok := fieldRoles[f.Name]; !ok && f.Name[0] != '_' {
			t.Errorf("mutation %s has no role in fieldRoles", f.Name)
		}
	}
	for name := range fieldRoles {
		if schema.Mutation.Fields.ForName(name) == nil && schema.Query.Fields.ForName(name) == nil {
			t.Errorf("fieldRoles names %s, which is no root field", name)
		}
	}
}
