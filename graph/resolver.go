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
// serves as dependency injection: the store resolvers read, the writer
// mutations go through, and what to do after a write.
type Resolver struct {
	Store store.Store
	// Writer takes the mutations; nil makes the API read-only (every
	// mutation is FORBIDDEN).
	Writer store.Writer
	// OnWrite, when set, is called after every successful change of a
	// forum, project or activity, once it is durable, before the mutation
	// answers: the HTTP layer catches up on the change feed there, so that
	// the writer's next tile request sees its write.
	OnWrite func()
	// Changes serves the changes subscription; nil refuses it
	// (UNAVAILABLE).
	Changes *Changes
}
