package memory

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/paulmach/orb"
	bolt "go.etcd.io/bbolt"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// lookup answers the write checks from the snapshot a writer holds.
type lookup struct{ d *data }

func (l lookup) KelurahanAt(ctx context.Context, p orb.Point) (domain.Kelurahan, error) {
	if err := store.ValidatePoint("point", p); err != nil {
		return domain.Kelurahan{}, err
	}
	i := l.d.kelurahanAt(p)
	if i < 0 {
		return domain.Kelurahan{}, domain.NotFound("kelurahan at", fmt.Sprint(p))
	}
	return l.d.kelurahans[i], nil
}

func (l lookup) Kelurahan(ctx context.Context, code string) (domain.Kelurahan, error) {
	i, ok := l.d.kelByCode[code]
	if !ok {
		return domain.Kelurahan{}, domain.NotFound("kelurahan", code)
	}
	return l.d.kelurahans[i], nil
}

func (l lookup) Forum(ctx context.Context, id string) (domain.Forum, error) {
	i, ok := l.d.forumByID[id]
	if !ok {
		return domain.Forum{}, domain.NotFound("forum", id)
	}
	return l.d.forums[i], nil
}

func (l lookup) CityBound(ctx context.Context) (orb.Bound, error) { return l.d.cityBound, nil }

// put is one key the data file must hold after a change; a nil value
// deletes the key.
type put struct {
	bucket []byte
	key    string
	value  []byte
}

// begin authorises actor, takes the writer lock and returns the snapshot to
// change. The caller must call s.wmu.Unlock.
func (s *Store) begin(actor domain.Actor, need domain.Role) (*data, error) {
	if err := store.Authorize(actor, need); err != nil {
		return nil, err
	}
	s.wmu.Lock()
	return s.d, nil
}

// commit makes a checked change durable and visible: the records in puts
// and the audit entry go to the data file in one fsynced bbolt transaction
// (or, without a file, the entry joins next's in-memory trail), then next
// replaces the current snapshot. When the file refuses the change, nothing
// is swapped in. The caller holds s.wmu and cur is the current snapshot.
func (s *Store) commit(ctx context.Context, cur, next *data, entry domain.AuditEntry, puts ...put) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	entry.At = s.now().UTC().Truncate(time.Microsecond)
	if s.db != nil {
		err := s.db.Update(func(tx *bolt.Tx) error {
			for _, p := range puts {
				b := tx.Bucket(p.bucket)
				var err error
				if p.value == nil {
					err = b.Delete([]byte(p.key))
				} else {
					err = b.Put([]byte(p.key), p.value)
				}
				if err != nil {
					return err
				}
			}
			return putAudit(tx, &entry)
		})
		if err != nil {
			return fmt.Errorf("memory: commit: %w", err)
		}
	} else {
		entry.ID = cur.auditSeq + 1
		next.auditSeq = entry.ID
		// cur.audit may have spare capacity that a refused change wrote
		// into; no snapshot that anyone reads reaches that far.
		next.audit = append(cur.audit, entry)
	}
	s.mu.Lock()
	s.d = next
	s.mu.Unlock()
	return nil
}

// auditJSON is an audit entry in the data file.
type auditJSON struct {
	ID         int64           `json:"id"`
	At         time.Time       `json:"at"`
	TokenID    string          `json:"tokenId,omitempty"`
	ActorName  string          `json:"actorName"`
	Operation  string          `json:"operation"`
	RecordType string          `json:"recordType"`
	RecordID   string          `json:"recordId"`
	Before     json.RawMessage `json:"before,omitempty"`
	After      json.RawMessage `json:"after,omitempty"`
}
