package graph

import (
	"context"
	"log/slog"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
)

// queryCacheSize is how many parsed and validated query documents are kept.
// Clients send a handful of distinct queries, over and over.
const queryCacheSize = 1000

// Defaults of Options.
const (
	DefaultMaxDepth = 12
	// persistedQueryCacheSize is how many automatic persisted queries
	// (hash → query text) are remembered.
	persistedQueryCacheSize = 1000
)

// Options are the query-safety settings; zero values take the defaults.
type Options struct {
	// MaxDepth bounds how deeply selections nest (DefaultMaxDepth).
	MaxDepth int
	// MaxComplexity bounds the cost of an operation (DefaultMaxComplexity;
	// see complexity.go for the per-field costs).
	MaxComplexity int
	// DisableIntrospection turns off __schema and __type, e.g. for a
	// public deployment that does not want its schema browsed.
	DisableIntrospection bool
	// MaxTokens and MaxFields bound a document's size before it is
	// validated (DefaultMaxTokens, DefaultMaxFields; see SizeLimit).
	MaxTokens, MaxFields int
}

// NewServer returns the gqlgen server over r (its Store, Writer and
// OnWrite) with the error presenter,
// panic recovery, a query cache, depth and complexity limits, automatic
// persisted queries, role checks before execution (Authorization) and
// (unless disabled) introspection. It has no
// transports: the HTTP layer (internal/server) adds the one it speaks, and
// wraps the server in the per-request dataloader middleware
// (loaders.Middleware).
func NewServer(r *Resolver, logger *slog.Logger, opts Options) *handler.Server {
	if opts.MaxDepth <= 0 {
		opts.MaxDepth = DefaultMaxDepth
	}
	if opts.MaxComplexity <= 0 {
		opts.MaxComplexity = DefaultMaxComplexity
	}
	if opts.MaxTokens <= 0 {
		opts.MaxTokens = DefaultMaxTokens
	}
	if opts.MaxFields <= 0 {
		opts.MaxFields = DefaultMaxFields
	}
	// The store is read once here, so its sizes bound the costs.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	costs := complexityFor(StoreBounds(ctx, r.Store))
	cancel()
	srv := handler.New(NewExecutableSchema(Config{Resolvers: r, Complexity: costs}))
	srv.SetErrorPresenter(ErrorPresenter(logger))
	srv.SetRecoverFunc(RecoverFunc)
	cache := lru.New[*ast.QueryDocument](queryCacheSize)
	srv.SetQueryCache(cache)
	// The executor's own bound, should a document reach the parser some
	// other way than past SizeLimit.
	srv.SetParserTokenLimit(opts.MaxTokens)
	if !opts.DisableIntrospection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](persistedQueryCacheSize)})
	// After APQ, which may have just filled in the query text.
	srv.Use(SizeLimit{MaxTokens: opts.MaxTokens, MaxFields: opts.MaxFields, Cache: cache})
	srv.Use(DepthLimit{Max: opts.MaxDepth})
	srv.Use(Authorization{})
	srv.Use(NewComplexityLimit(opts.MaxComplexity, costs))
	srv.Use(subscriptionEnd{present: ErrorPresenter(logger), store: r.Store})
	return srv
}
