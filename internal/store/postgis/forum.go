package postgis

import (
	"context"
	"fmt"

	"github.com/lib/pq"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

const forumColumns = `fo.id, fo.name, fo.year_formed, fo.status, fo.member_count,
	ST_AsBinary(fo.secretariat) AS secretariat, fo.description, fo.version,
	ARRAY(SELECT fk.kelurahan_code FROM forum_kelurahan fk
	      WHERE fk.forum_id = fo.id ORDER BY fk.position) AS kelurahan_codes`

type forumRow struct {
	ID             string              `db:"id"`
	Name           string              `db:"name"`
	YearFormed     int                 `db:"year_formed"`
	Status         string              `db:"status"`
	MemberCount    int                 `db:"member_count"`
	Secretariat    wkb.GeometryScanner `db:"secretariat"`
	Description    string              `db:"description"`
	KelurahanCodes pq.StringArray      `db:"kelurahan_codes"`
	Version        int                 `db:"version"`
}

func (r forumRow) domain() domain.Forum {
	f := domain.Forum{
		ID: r.ID, Name: r.Name, YearFormed: r.YearFormed, Status: domain.ForumStatus(r.Status),
		MemberCount: r.MemberCount, Description: r.Description, Version: r.Version,
	}
	if len(r.KelurahanCodes) > 0 {
		f.KelurahanCodes = []string(r.KelurahanCodes)
	}
	if p, ok := r.Secretariat.Geometry.(orb.Point); ok {
		f.Secretariat = p
	}
	return f
}

func (s *Store) selectForums(ctx context.Context, query string, args ...any) ([]domain.Forum, error) {
	var rows []forumRow
	if err := s.reads().SelectContext(ctx, &rows, query, args...); err != nil {
		return nil, err
	}
	out := make([]domain.Forum, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// Forums returns the forums matching f ordered by id.
func (s *Store) Forums(ctx context.Context, f domain.ForumFilter) ([]domain.Forum, error) {
	if err := store.ValidateForumFilter(f); err != nil {
		return nil, err
	}
	var w where
	if len(f.Statuses) > 0 {
		w.and("fo.status = ANY(%s)", w.bind(textArray(f.Statuses)))
	}
	if f.YearFormed != nil {
		w.and("fo.year_formed = %s", w.bind(*f.YearFormed))
	}
	if f.KelurahanCode != "" {
		if storable(f.KelurahanCode) {
			w.and("EXISTS (SELECT 1 FROM forum_kelurahan fk WHERE fk.forum_id = fo.id AND fk.kelurahan_code = %s)",
				w.bind(f.KelurahanCode))
		} else {
			w.and("false")
		}
	}
	if f.KecamatanCode != "" {
		if storable(f.KecamatanCode) {
			w.and("EXISTS (SELECT 1 FROM forum_kelurahan fk WHERE fk.forum_id = fo.id AND left(fk.kelurahan_code, 8) = %s)",
				w.bind(f.KecamatanCode))
		} else {
			w.and("false")
		}
	}
	out, err := s.selectForums(ctx, `SELECT `+forumColumns+` FROM forum fo`+w.sql()+` ORDER BY fo.id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("postgis: forums: %w", err)
	}
	return out, nil
}

// Forum returns one forum, or ENOTFOUND.
func (s *Store) Forum(ctx context.Context, id string) (domain.Forum, error) {
	if !storable(id) {
		return domain.Forum{}, domain.NotFound("forum", id)
	}
	out, err := s.selectForums(ctx, `SELECT `+forumColumns+` FROM forum fo WHERE fo.id = $1`, id)
	if err != nil {
		return domain.Forum{}, fmt.Errorf("postgis: forum %q: %w", id, err)
	}
	if len(out) == 0 {
		return domain.Forum{}, domain.NotFound("forum", id)
	}
	return out[0], nil
}

// ForumsByIDs returns the forums with the given ids in the order asked,
// skipping unknown ids.
func (s *Store) ForumsByIDs(ctx context.Context, ids []string) ([]domain.Forum, error) {
	if len(ids) == 0 {
		return []domain.Forum{}, nil
	}
	out, err := s.selectForums(ctx, `SELECT `+forumColumns+`
		FROM unnest($1::text[]) WITH ORDINALITY AS q(id, ord)
		JOIN forum fo ON fo.id = q.id
		ORDER BY q.ord`, textArray(ids))
	if err != nil {
		return nil, fmt.Errorf("postgis: forums by ids: %w", err)
	}
	return out, nil
}
