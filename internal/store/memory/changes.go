package memory

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
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
	// oldest is the time of the data file's oldest change when known (set
	// by pruneChanges, under the writer lock): a write prunes only once
	// that is past retention, instead of reading the first entry each time.
	oldest time.Time
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
			ch, err := unmarshalChange(k, v)
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

// A change in the data file is changeFormat followed by the microseconds
// of its time since 1970 (8 bytes, big-endian, so pruneChanges reads them
// without decoding the rest), the record type, id and operation (each a
// uvarint length and the bytes), the version (uvarint), a byte whose bits
// 1 and 2 say the old and the new bound follow, and those bounds as four
// float64s each (minX, minY, maxX, maxY). Its sequence number is its key.
// Files written before held JSON (changeJSON), which still reads.
//
// Why not JSON: a change is written by every write, and encoding it and
// reading back the oldest one's time was a third of what the feed cost a
// write; the entries are also a third as long, so the bucket's pages,
// which every write rewrites, fill up more slowly.
const changeFormat = 1

func marshalChange(c domain.Change) []byte {
	v := make([]byte, 0, 1+8+3+len(c.RecordType)+len(c.RecordID)+len(c.Operation)+2+1+64)
	v = append(v, changeFormat)
	v = binary.BigEndian.AppendUint64(v, uint64(c.At.UnixMicro()))
	for _, s := range []string{string(c.RecordType), c.RecordID, string(c.Operation)} {
		v = binary.AppendUvarint(v, uint64(len(s)))
		v = append(v, s...)
	}
	v = binary.AppendUvarint(v, uint64(c.Version))
	var has byte
	if c.OldBound != nil {
		has |= 1
	}
	if c.NewBound != nil {
		has |= 2
	}
	v = append(v, has)
	for _, b := range []*orb.Bound{c.OldBound, c.NewBound} {
		if b != nil {
			for _, f := range [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
				v = binary.BigEndian.AppendUint64(v, math.Float64bits(f))
			}
		}
	}
	return v
}

// errChange is a change entry that does not decode.
var errChange = errors.New("memory: malformed change entry")

func unmarshalChange(k, v []byte) (domain.Change, error) {
	if len(v) > 0 && v[0] == '{' {
		return unmarshalChangeJSON(v)
	}
	if len(k) != 8 || len(v) < 9 || v[0] != changeFormat {
		return domain.Change{}, errChange
	}
	c := domain.Change{Seq: int64(binary.BigEndian.Uint64(k)), At: time.UnixMicro(int64(binary.BigEndian.Uint64(v[1:]))).UTC()}
	r := v[9:]
	next := func() (string, bool) {
		n, w := binary.Uvarint(r)
		if w <= 0 || uint64(len(r)-w) < n {
			return "", false
		}
		s := string(r[w : w+int(n)])
		r = r[w+int(n):]
		return s, true
	}
	rt, ok1 := next()
	id, ok2 := next()
	op, ok3 := next()
	version, w := binary.Uvarint(r)
	if !ok1 || !ok2 || !ok3 || w <= 0 || len(r) < w+1 {
		return domain.Change{}, errChange
	}
	has := r[w]
	r = r[w+1:]
	c.RecordType, c.RecordID, c.Operation, c.Version = domain.RecordType(rt), id, domain.AuditOperation(op), int(version)
	for bit, dst := range []**orb.Bound{&c.OldBound, &c.NewBound} {
		if has&(1<<bit) == 0 {
			continue
		}
		if len(r) < 32 {
			return domain.Change{}, errChange
		}
		var f [4]float64
		for i := range f {
			f[i] = math.Float64frombits(binary.BigEndian.Uint64(r[8*i:]))
		}
		r = r[32:]
		*dst = &orb.Bound{Min: orb.Point{f[0], f[1]}, Max: orb.Point{f[2], f[3]}}
	}
	if len(r) != 0 {
		return domain.Change{}, errChange
	}
	return c, nil
}

// changeAt is the time of a change entry, in either format.
func changeAt(v []byte) (time.Time, error) {
	if len(v) > 0 && v[0] == '{' {
		var j struct {
			At time.Time `json:"at"`
		}
		err := json.Unmarshal(v, &j)
		return j.At, err
	}
	if len(v) < 9 || v[0] != changeFormat {
		return time.Time{}, errChange
	}
	return time.UnixMicro(int64(binary.BigEndian.Uint64(v[1:]))), nil
}

// changeJSON is a change in a data file written before changeFormat.
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

func jsonBound(a *[4]float64) *orb.Bound {
	if a == nil {
		return nil
	}
	return &orb.Bound{Min: orb.Point{a[0], a[1]}, Max: orb.Point{a[2], a[3]}}
}

func unmarshalChangeJSON(v []byte) (domain.Change, error) {
	var j changeJSON
	if err := json.Unmarshal(v, &j); err != nil {
		return domain.Change{}, err
	}
	return domain.Change{Seq: j.Seq, At: j.At.UTC(), RecordType: domain.RecordType(j.RecordType), RecordID: j.RecordID,
		Operation: domain.AuditOperation(j.Operation), Version: j.Version, OldBound: jsonBound(j.OldBound),
		NewBound: jsonBound(j.NewBound)}, nil
}

// pruneChanges deletes the changes written before cutoff and returns the
// time of the oldest one left. The newest change is never older than the
// write that prunes, so the bucket keeps at least that one and Oldest stays
// meaningful.
func pruneChanges(b *bolt.Bucket, cutoff time.Time) (time.Time, error) {
	c := b.Cursor()
	var old [][]byte
	var oldest time.Time
	for k, v := c.First(); k != nil; k, v = c.Next() {
		at, err := changeAt(v)
		if err != nil {
			return time.Time{}, err
		}
		if !at.Before(cutoff) {
			oldest = at
			break
		}
		old = append(old, bytes.Clone(k))
	}
	for _, k := range old {
		if err := b.Delete(k); err != nil {
			return time.Time{}, err
		}
	}
	return oldest, nil
}
