package memory

import (
	"context"
	"slices"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// Forums returns the forums matching f ordered by id.
func (s *Store) Forums(ctx context.Context, f domain.ForumFilter) ([]domain.Forum, error) {
	if err := store.ValidateForumFilter(f); err != nil {
		return nil, err
	}
	d := s.snapshot()
	statuses := stringSet(f.Statuses)
	out := []domain.Forum{}
	for _, fo := range d.forums {
		switch {
		case statuses != nil && !statuses[fo.Status],
			f.YearFormed != nil && fo.YearFormed != *f.YearFormed,
			f.KelurahanCode != "" && !slices.Contains(fo.KelurahanCodes, f.KelurahanCode),
			f.KecamatanCode != "" && !slices.ContainsFunc(fo.KelurahanCodes, func(c string) bool {
				return domain.KecamatanCodeOf(c) == f.KecamatanCode
			}):
			continue
		}
		out = append(out, cloneForum(fo))
	}
	return out, nil
}

// Forum returns one forum, or ENOTFOUND.
func (s *Store) Forum(ctx context.Context, id string) (domain.Forum, error) {
	d := s.snapshot()
	i, ok := d.forumByID[id]
	if !ok {
		return domain.Forum{}, domain.NotFound("forum", id)
	}
	return cloneForum(d.forums[i]), nil
}

// ForumsByIDs returns the forums with the given ids in the order asked,
// skipping unknown ids.
func (s *Store) ForumsByIDs(ctx context.Context, ids []string) ([]domain.Forum, error) {
	d := s.snapshot()
	out := make([]domain.Forum, 0, len(ids))
	for _, id := range ids {
		if i, ok := d.forumByID[id]; ok {
			out = append(out, cloneForum(d.forums[i]))
		}
	}
	return out, nil
}
