package domain

import "context"

type actorKey struct{}

// NewContextWithActor returns ctx carrying the actor a request was
// authenticated as; the HTTP edge (internal/httpx) sets it from the bearer
// token, resolvers and handlers read it with ActorFromContext.
func NewContextWithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFromContext returns the actor of ctx; the zero Actor (anonymous)
// when none was set.
func ActorFromContext(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}
