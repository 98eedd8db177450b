package store

import (
	"context"
	"time"

	"github.com/serasi/serasi/internal/domain"
)

// DefaultChangeRetention is how long a store's change feed keeps a change
// unless configured otherwise: long enough for an instance or a client that
// was away for a weekend to resume rather than start over.
const DefaultChangeRetention = 7 * 24 * time.Hour

// MaxChangesPage bounds one read of the change feed.
const MaxChangesPage = 10_000

// ChangeFeed is the durable change feed of a store: every committed change
// of a forum, project or activity, in order (storetest.RunFeedConformanceTests).
type ChangeFeed interface {
	// Changes returns up to limit changes with Seq > since, ascending, and
	// the feed's Oldest and Latest sequence numbers (limit 0 returns only
	// those). EINVALID for since < 0 or limit outside 0..MaxChangesPage.
	Changes(ctx context.Context, since int64, limit int) (domain.ChangePage, error)
	// Listen returns a channel that receives a value soon after commits
	// that added changes — a wake-up, not a delivery: a reader must read
	// Changes, and must poll as well, since a wake-up can be lost (a
	// dropped database connection). It is closed when ctx ends.
	Listen(ctx context.Context) <-chan struct{}
}

// ValidateChangesRead checks the arguments of ChangeFeed.Changes.
func ValidateChangesRead(since int64, limit int) error {
	if since < 0 {
		return domain.Invalid("since", "must not be negative")
	}
	if limit < 0 || limit > MaxChangesPage {
		return domain.Invalid("limit", "must be between 0 and %d", MaxChangesPage)
	}
	return nil
}
