// Package graph is the GraphQL layer of serasi: gqlgen's generated exec
// code (*.generated.go, never edited) and thin hand-written resolvers
// (*.resolvers.go) that translate arguments, call the store and return.
//
// Regenerate after changing schema/*.graphqls or gqlgen.yml, from the
// module root, with:
//
//	go run github.com/99designs/gqlgen generate
package graph

import "github.com/serasi/serasi/internal/store"

// Resolver is the root resolver. This file will not be regenerated; it
// serves as dependency injection: the store is all resolvers read.
type Resolver struct {
	Store store.Store
}
