package memory

import (
	"context"
	"strings"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

func compareActivities(a, b domain.Activity) int {
	if c := a.Date.Compare(b.Date); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
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
	d := s.snapshot()
	kinds := stringSet(f.Kinds)
	kelurahans := stringSet(f.KelurahanCodes)
	var matched []int
	for i, a := range d.activities {
		switch {
		case kinds != nil && !kinds[a.Kind],
			f.ForumID != "" && a.ForumID != f.ForumID,
			kelurahans != nil && !kelurahans[a.KelurahanCode],
			f.DateFrom != nil && a.Date.Before(*f.DateFrom),
			f.DateTo != nil && a.Date.After(*f.DateTo),
			f.BBox != nil && (a.Location == nil || !f.BBox.Contains(*a.Location)):
			continue
		}
		matched = append(matched, i)
	}
	win := page(matched, p)
	items := make([]domain.Activity, len(win))
	for j, i := range win {
		items[j] = cloneActivity(d.activities[i])
	}
	total := len(matched)
	if p.NoCount {
		total = -1
	}
	return domain.ActivityPage{Items: items, TotalCount: total}, nil
}

// Activity returns one activity, or ENOTFOUND.
func (s *Store) Activity(ctx context.Context, id string) (domain.Activity, error) {
	d := s.snapshot()
	i, ok := d.actByID[id]
	if !ok {
		return domain.Activity{}, domain.NotFound("activity", id)
	}
	return cloneActivity(d.activities[i]), nil
}
