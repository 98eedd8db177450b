package graph

import (
	"log/slog"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/serasi/serasi/internal/store"
)

// queryCacheSize is how many parsed and validated query documents are kept.
// Clients send a handful of distinct queries, over and over.
const queryCacheSize = 1000

// NewServer returns the gqlgen server over st with the error presenter,
// panic recovery, introspection and a query cache. It has no transports:
// the HTTP layer (internal/server) adds the one it speaks, and wraps the
// server in the per-request dataloader middleware (loaders.Middleware).
func NewServer(st store.Store, logger *slog.Logger) *handler.Server {
	srv := handler.New(NewExecutableSchema(Config{Resolvers: &Resolver{Store: st}}))
	srv.SetErrorPresenter(ErrorPresenter(logger))
	srv.SetRecoverFunc(RecoverFunc)
	srv.SetQueryCache(lru.New[*ast.QueryDocument](queryCacheSize))
	srv.Use(extension.Introspection{})
	return srv
}
