package memory

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/paulmach/orb"
	bolt "go.etcd.io/bbolt"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

var _ store.ChangeFeed = (*Store)(nil)

// feedState holds the retention of the feed and the channels of Listen.
type feedState struct {
	mu        sync.Mutex
	retention time.Duration
	listeners map[chan struct{}]struct{}
	// off skips the feed's writes: only tests set it, to measure what the
	// feed costs (BenchmarkWriteFeed).
	off bool
}

// SetChangeRetention sets how long the change feed keeps a change; zero
// restores the default, store.DefaultChangeRetention. Older changes are
// dropped by the next write.
func (s *Store) SetChangeRetention(d time.Duration) {
	s.feed.mu.Lock()
	s.feed.retention = d
	s.feed.mu.Unlock()
}

func (s *Store) changeRetention() time.Duration {
	s.feed.mu.Lock()
	defer s.feed.mu.Unlock()
	if s.feed.retention <= 0 {
		return store.DefaultChangeRetention
	}
	return s.feed.retention
}

// Listen returns a channel that receives a value after each commit that
// added changes (several commits may share one); it is closed when ctx
// ends. Only this process writes a data directory, so the in-process
// signal misses nothing.
func (s *Store) Listen(ctx context.Context) <-chan struct{} {
	ch := make(chan struct{}, 1)
	s.feed.mu.Lock()
	if s.feed.listeners == nil {
		s.feed.listeners = map[chan struct{}]struct{}{}
	}
	s.feed.listeners[ch] = struct{}{}
	s.feed.mu.Unlock()
	go func() {
		<-ctx.Done()
		s.feed.mu.Lock()
		delete(s.feed.listeners, ch)
		s.feed.mu.Unlock()
		close(ch)
	}()
	return ch
}

func (s *Store) wake() {
	s.feed.mu.Lock()
	defer s.feed.mu.Unlock()
	for ch := range s.feed.listeners {
		select {
		case ch <- struct{}{}:
		default: // a wake-up is pending already
		}
	}
}

// Changes reads the feed; see store.ChangeFeed.
func (s *Store) Changes(ctx context.Context, since int64, limit int) (domain.ChangePage, error) {
	if err := store.ValidateChangesRead(since, limit); err != nil {
		return domain.ChangePage{}, err
	}
	if s.db == nil {
		s.mu.RLock()
		d := s.d
		s.mu.RUnlock()
		page := domain.ChangePage{Latest: d.changeSeq}
		if len(d.changes) > 0 {
			page.Oldest = d.changes[0].Seq
		}
		i := sort.Search(len(d.changes), func(i int) bool { return d.changes[i].Seq > since })
		page.Changes = append([]domain.Change{}, d.changes[i:min(len(d.changes), i+limit)]...)
		return page, nil
	}
	page := domain.ChangePage{Changes: []domain.Change{}}
	err := s.db.View(func(btx *bolt.Tx) error {
		b := btx.Bucket(changesBucket)
		page.Latest = int64(b.Sequence())
		c := b.Cursor()
		if k, _ := c.First(); k != nil {
			page.Oldest = int64(binary.BigEndian.Uint64(k))
		}
		from := binary.BigEndian.AppendUint64(nil, uint64(max(since, 0)+1))
		for k, v := c.Seek(from); k != nil && len(page.Changes) < limit; k, v = c.Next() {
			ch, err := unmarshalChange(v)
			if err != nil {
				return fmt.Errorf("change %x: %w", k, err)
			}
			page.Changes = append(page.Changes, ch)
		}
		return nil
	})
	if err != nil {
		return domain.ChangePage{}, fmt.Errorf("memory: changes: %w", err)
	}
	return page, nil
}

// changeJSON is a change in the data file.
type changeJSON struct {
	Seq        int64       `json:"seq"`
	At         time.Time   `json:"at"`
	RecordType string      `json:"recordType"`
	RecordID   string      `json:"recordId"`
	Operation  string      `json:"operation"`
	Version    int         `json:"version"`
	OldBound   *[4]float64 `json:"oldBound,omitempty"`
	NewBound   *[4]float64 `json:"newBound,omitempty"`
}

func boundJSON(b *orb.Bound) *[4]float64 {
	if b == nil {
		return nil
	}
	return &[4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
}

func jsonBound(a *[4]float64) *orb.Bound {
	if a == nil {
		return nil
	}
	return &orb.Bound{Min: orb.Point{a[0], a[1]}, Max: orb.Point{a[2], a[3]}}
}

func marshalChange(c domain.Change) ([]byte, error) {
	return json.Marshal(changeJSON{Seq: c.Seq, At: c.At, RecordType: string(c.RecordType), RecordID: c.RecordID,
		Operation: string(c.Operation), Version: c.Version, OldBound: boundJSON(c.OldBound), NewBound: boundJSON(c.NewBound)})
}

func unmarshalChange(v []byte) (domain.Change, error) {
	var j changeJSON
	if err := json.Unmarshal(v, &j); err != nil {
		return domain.Change{}, err
	}
	return domain.Change{Seq: j.Seq, At: j.At.UTC(), RecordType: domain.RecordType(j.RecordType), RecordID: j.RecordID,
		Operation: domain.AuditOperation(j.Operation), Version: j.Version, OldBound: jsonBound(j.OldBound),
		NewBound: jsonBound(j.NewBound)}, nil
}

// pruneChanges deletes the changes written before cutoff. The newest change
// is never older than the write that prunes, so the bucket keeps at least
// that one and Oldest stays meaningful.
func pruneChanges(b *bolt.Bucket, cutoff time.Time) error {
	c := b.Cursor()
	var old [][]byte
	for k, v := c.First(); k != nil; k, v = c.Next() {
		var j struct {
			At time.Time `json:"at"`
		}
		if err := json.Unmarshal(v, &j); err != nil {
			return err
		}
		if !j.At.Before(cutoff) {
			break
		}
		old = append(old, bytes.Clone(k))
	}
	for _, k := range old {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
