package postgis

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/lib/pq"
	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

var _ store.ChangeFeed = (*Store)(nil)

func (s *Store) changeRetention() time.Duration {
	if s.cfg.ChangeRetention <= 0 {
		return store.DefaultChangeRetention
	}
	return s.cfg.ChangeRetention
}

type changeRow struct {
	Seq        int64           `db:"seq"`
	At         time.Time       `db:"at"`
	RecordType string          `db:"record_type"`
	RecordID   string          `db:"record_id"`
	Operation  string          `db:"operation"`
	Version    int             `db:"version"`
	OldBBox    pq.Float64Array `db:"old_bbox"`
	NewBBox    pq.Float64Array `db:"new_bbox"`
	// LSN is the primary's WAL insert position during the read: past the
	// commits of the rows read (see replica.go).
	LSN string `db:"lsn"`
}

func arrayBound(a pq.Float64Array) *orb.Bound {
	if len(a) != 4 {
		return nil
	}
	return &orb.Bound{Min: orb.Point{a[0], a[1]}, Max: orb.Point{a[2], a[3]}}
}

// Changes reads change_log; see store.ChangeFeed.
func (s *Store) Changes(ctx context.Context, since int64, limit int) (domain.ChangePage, error) {
	if err := store.ValidateChangesRead(since, limit); err != nil {
		return domain.ChangePage{}, err
	}
	var page domain.ChangePage
	// Bounds first: a change committed between the two reads then shows
	// in Changes without being past Latest.
	var oldest, latest sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT min(seq), max(seq) FROM change_log`).Scan(&oldest, &latest); err != nil {
		return page, fmt.Errorf("postgis: changes: %w", err)
	}
	page.Oldest, page.Latest = oldest.Int64, latest.Int64
	var rows []changeRow
	if limit > 0 {
		err := s.db.SelectContext(ctx, &rows, `SELECT seq, at, record_type, record_id, operation, version, old_bbox, new_bbox,
			pg_current_wal_insert_lsn()::text AS lsn FROM change_log WHERE seq > $1 ORDER BY seq LIMIT $2`, since, limit)
		if err != nil {
			return page, fmt.Errorf("postgis: changes: %w", err)
		}
	}
	if len(rows) > 0 && s.replica != nil {
		// A change learnt of here, made by any instance, keeps this
		// instance's reads on the primary until the replica has it too.
		if lsn, err := parseLSN(rows[0].LSN); err == nil {
			s.replica.wrote(lsn)
		}
	}
	page.Changes = make([]domain.Change, len(rows))
	for i, r := range rows {
		page.Changes[i] = domain.Change{Seq: r.Seq, At: r.At.UTC(), RecordType: domain.RecordType(r.RecordType),
			RecordID: r.RecordID, Operation: domain.AuditOperation(r.Operation), Version: r.Version,
			OldBound: arrayBound(r.OldBBox), NewBound: arrayBound(r.NewBBox)}
		page.Latest = max(page.Latest, r.Seq)
	}
	return page, nil
}

// Listen LISTENs on ChangesChannel over a connection of its own and sends
// a wake-up for every notification and after every reconnection (lib/pq's
// Listener loses the notifications sent while it was away, so a follower
// must read the feed then, and poll besides). The channel is closed when
// ctx ends.
func (s *Store) Listen(ctx context.Context) <-chan struct{} {
	out := make(chan struct{}, 1)
	wake := func() {
		select {
		case out <- struct{}{}:
		default:
		}
	}
	l := pq.NewListener(s.cfg.URL, 10*time.Millisecond, time.Second, func(ev pq.ListenerEventType, err error) {
		if ev == pq.ListenerEventReconnected {
			wake()
		}
	})
	go func() {
		defer close(out)
		defer l.Close()
		if err := l.Listen(ChangesChannel); err != nil {
			// Without LISTEN the follower's poll still finds every change.
			<-ctx.Done()
			return
		}
		for {
			select {
			case <-ctx.Done():
				return
			case n := <-l.Notify:
				_ = n // nil after a reconnection: wake up all the same
				wake()
			}
		}
	}()
	return out
}
