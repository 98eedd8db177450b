package postgis

import (
	"context"
	"fmt"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

const activityColumns = `a.id, a.title, a.forum_id, a.kind, a.date, a.participants,
	ST_AsBinary(a.location) AS location, a.kelurahan_code, a.description, a.version`

type activityRow struct {
	ID            string              `db:"id"`
	Title         string              `db:"title"`
	ForumID       string              `db:"forum_id"`
	Kind          string              `db:"kind"`
	Date          time.Time           `db:"date"`
	Participants  int                 `db:"participants"`
	Location      wkb.GeometryScanner `db:"location"`
	KelurahanCode string              `db:"kelurahan_code"`
	Description   string              `db:"description"`
	Version       int                 `db:"version"`
	Total         int                 `db:"total"` // only in lists
}

func (r activityRow) domain() domain.Activity {
	a := domain.Activity{
		ID: r.ID, Title: r.Title, ForumID: r.ForumID, Kind: domain.ActivityKind(r.Kind),
		Date: asDate(r.Date), Participants: r.Participants, KelurahanCode: r.KelurahanCode,
		Description: r.Description, Version: r.Version,
	}
	if p, ok := r.Location.Geometry.(orb.Point); ok && r.Location.Valid {
		a.Location = &p
	}
	return a
}

// Activities returns one page of the activities matching f, ordered by date
// then id. Dates are inclusive bounds; BBox keeps only activities with a
// location inside the box (boundary included).
func (s *Store) Activities(ctx context.Context, f domain.ActivityFilter, p domain.Page) (domain.ActivityPage, error) {
	if err := store.ValidateActivityFilter(f); err != nil {
		return domain.ActivityPage{}, err
	}
	if err := store.ValidatePage(p); err != nil {
		return domain.ActivityPage{}, err
	}
	var w where
	if len(f.Kinds) > 0 {
		w.and("a.kind = ANY(%s)", w.bind(textArray(f.Kinds)))
	}
	if f.ForumID != "" {
		w.eq("a.forum_id", f.ForumID)
	}
	if len(f.KelurahanCodes) > 0 {
		w.and("a.kelurahan_code = ANY(%s)", w.bind(textArray(f.KelurahanCodes)))
	}
	// The bounds are instants and the column holds dates at 00:00 UTC; they
	// are turned into the dates they admit so that the date index applies.
	if f.DateFrom != nil {
		w.and("a.date >= %s::date", w.bind(dateText(firstDateFrom(*f.DateFrom))))
	}
	if f.DateTo != nil {
		w.and("a.date <= %s::date", w.bind(dateText(lastDateTo(*f.DateTo))))
	}
	if f.BBox != nil {
		// Compared coordinate by coordinate, as orb.Bound.Contains does, so a
		// degenerate (point-sized) box behaves the same; && uses the index.
		b := *f.BBox
		minX, minY, maxX, maxY := w.bind(b.Min[0]), w.bind(b.Min[1]), w.bind(b.Max[0]), w.bind(b.Max[1])
		w.and("a.location && ST_MakeEnvelope(%s, %s, %s, %s, 4326)", minX, minY, maxX, maxY)
		w.and("ST_X(a.location) BETWEEN %s AND %s AND ST_Y(a.location) BETWEEN %s AND %s", minX, maxX, minY, maxY)
	}
	filter := w.sql()
	total := `count(*) OVER ()`
	if p.NoCount {
		total = `-1`
	}
	query := `SELECT ` + activityColumns + `, ` + total + ` AS total FROM activity a` + filter +
		` ORDER BY a.date, a.id LIMIT ` + w.bind(p.Limit) + ` OFFSET ` + w.bind(p.Offset)
	var rows []activityRow
	if err := s.reads().SelectContext(ctx, &rows, query, w.args...); err != nil {
		return domain.ActivityPage{}, fmt.Errorf("postgis: activities: %w", err)
	}
	page := domain.ActivityPage{Items: make([]domain.Activity, len(rows))}
	for i, r := range rows {
		page.Items[i] = r.domain()
	}
	switch {
	case p.NoCount:
		page.TotalCount = -1
	case len(rows) > 0:
		page.TotalCount = rows[0].Total
	case p.Offset > 0 || p.Limit == 0:
		args := w.args[:len(w.args)-2]
		if err := s.reads().GetContext(ctx, &page.TotalCount, `SELECT count(*) FROM activity a`+filter, args...); err != nil {
			return domain.ActivityPage{}, fmt.Errorf("postgis: count activities: %w", err)
		}
	}
	return page, nil
}

// Activity returns one activity, or ENOTFOUND.
func (s *Store) Activity(ctx context.Context, id string) (domain.Activity, error) {
	if !storable(id) {
		return domain.Activity{}, domain.NotFound("activity", id)
	}
	var rows []activityRow
	err := s.reads().SelectContext(ctx, &rows, `SELECT `+activityColumns+`, 1 AS total FROM activity a WHERE a.id = $1`, id)
	if err != nil {
		return domain.Activity{}, fmt.Errorf("postgis: activity %q: %w", id, err)
	}
	if len(rows) == 0 {
		return domain.Activity{}, domain.NotFound("activity", id)
	}
	return rows[0].domain(), nil
}
