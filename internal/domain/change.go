package domain

import (
	"time"

	"github.com/paulmach/orb"
)

// Change is one entry of the change feed: a forum, project or activity
// that a committed write created, changed or deleted. It is written in the
// same transaction as the change itself, so the feed has an entry exactly
// when the change happened, in commit order of Seq.
type Change struct {
	// Seq increases with every change of a store; readers resume from the
	// last Seq they saw (Store.Changes).
	Seq        int64
	At         time.Time // UTC, microsecond precision
	RecordType RecordType
	RecordID   string
	Operation  AuditOperation // CREATE, UPDATE, ARCHIVE or DELETE (an import's items are CREATE or UPDATE)
	Version    int            // the record's version after the change; the deleted version for a delete
	// OldBound and NewBound are the bounding boxes of what the record
	// showed on a map before and after the change (a forum: its
	// secretariat and the kelurahan it serves, whose hasForum it sets);
	// nil for none (OldBound of a create, NewBound of a delete).
	OldBound *orb.Bound
	NewBound *orb.Bound
}

// ChangePage is what a read of the change feed returns.
type ChangePage struct {
	Changes []Change // Seq > the since asked for, ascending
	// Oldest is the lowest Seq the feed still holds (older ones are past
	// retention; 0 when it holds none): a reader whose since is below
	// Oldest-1 has missed changes and must start over.
	Oldest int64
	// Latest is the highest Seq written so far (0 for none), whether or not
	// this page reached it.
	Latest int64
}

// Missed reports whether a reader that had seen every change up to since
// has lost some to retention.
func (p ChangePage) Missed(since int64) bool { return p.Oldest > 0 && since < p.Oldest-1 }
