package servertest

import (
	"context"
	"sync"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// CountingStore wraps a store and counts calls per method, to prove that
// field resolvers batch their reads (no N+1). Fail, when set, replaces
// every call's error: it lets tests inject internal errors and panics.
type CountingStore struct {
	store.Store

	mu    sync.Mutex
	calls map[string]int
	// Fail, when set, is called before each method with its name; a
	// non-nil error is returned instead of calling the store.
	Fail func(method string) error
}

var _ store.Store = (*CountingStore)(nil)

// NewCountingStore wraps st.
func NewCountingStore(st store.Store) *CountingStore {
	return &CountingStore{Store: st, calls: map[string]int{}}
}

func (c *CountingStore) count(method string) error {
	c.mu.Lock()
	c.calls[method]++
	fail := c.Fail
	c.mu.Unlock()
	if fail != nil {
		return fail(method)
	}
	return nil
}

// Calls returns how often each method was called since the last Reset.
func (c *CountingStore) Calls() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.calls))
	for k, v := range c.calls {
		out[k] = v
	}
	return out
}

// Reset clears the counts.
func (c *CountingStore) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = map[string]int{}
}

func (c *CountingStore) Provinsis(ctx context.Context) ([]domain.Provinsi, error) {
	if err := c.count("Provinsis"); err != nil {
		return nil, err
	}
	return c.Store.Provinsis(ctx)
}

func (c *CountingStore) Provinsi(ctx context.Context, code string) (domain.Provinsi, error) {
	if err := c.count("Provinsi"); err != nil {
		return domain.Provinsi{}, err
	}
	return c.Store.Provinsi(ctx, code)
}

func (c *CountingStore) KabupatenKotas(ctx context.Context, f domain.KabupatenKotaFilter) ([]domain.KabupatenKota, error) {
	if err := c.count("KabupatenKotas"); err != nil {
		return nil, err
	}
	return c.Store.KabupatenKotas(ctx, f)
}

func (c *CountingStore) KabupatenKota(ctx context.Context, code string) (domain.KabupatenKota, error) {
	if err := c.count("KabupatenKota"); err != nil {
		return domain.KabupatenKota{}, err
	}
	return c.Store.KabupatenKota(ctx, code)
}

func (c *CountingStore) Kecamatans(ctx context.Context, f domain.KecamatanFilter) ([]domain.Kecamatan, error) {
	if err := c.count("Kecamatans"); err != nil {
		return nil, err
	}
	return c.Store.Kecamatans(ctx, f)
}

func (c *CountingStore) Kecamatan(ctx context.Context, code string) (domain.Kecamatan, error) {
	if err := c.count("Kecamatan"); err != nil {
		return domain.Kecamatan{}, err
	}
	return c.Store.Kecamatan(ctx, code)
}

func (c *CountingStore) Kelurahans(ctx context.Context, f domain.KelurahanFilter) ([]domain.Kelurahan, error) {
	if err := c.count("Kelurahans"); err != nil {
		return nil, err
	}
	return c.Store.Kelurahans(ctx, f)
}

func (c *CountingStore) Kelurahan(ctx context.Context, code string) (domain.Kelurahan, error) {
	if err := c.count("Kelurahan"); err != nil {
		return domain.Kelurahan{}, err
	}
	return c.Store.Kelurahan(ctx, code)
}

func (c *CountingStore) KelurahansByCodes(ctx context.Context, codes []string) ([]domain.Kelurahan, error) {
	if err := c.count("KelurahansByCodes"); err != nil {
		return nil, err
	}
	return c.Store.KelurahansByCodes(ctx, codes)
}

func (c *CountingStore) KelurahanAt(ctx context.Context, p orb.Point) (domain.Kelurahan, error) {
	if err := c.count("KelurahanAt"); err != nil {
		return domain.Kelurahan{}, err
	}
	return c.Store.KelurahanAt(ctx, p)
}

func (c *CountingStore) Forums(ctx context.Context, f domain.ForumFilter) ([]domain.Forum, error) {
	if err := c.count("Forums"); err != nil {
		return nil, err
	}
	return c.Store.Forums(ctx, f)
}

func (c *CountingStore) Forum(ctx context.Context, id string) (domain.Forum, error) {
	if err := c.count("Forum"); err != nil {
		return domain.Forum{}, err
	}
	return c.Store.Forum(ctx, id)
}

func (c *CountingStore) ForumsByIDs(ctx context.Context, ids []string) ([]domain.Forum, error) {
	if err := c.count("ForumsByIDs"); err != nil {
		return nil, err
	}
	return c.Store.ForumsByIDs(ctx, ids)
}

func (c *CountingStore) Projects(ctx context.Context, f domain.ProjectFilter, o domain.ProjectOrder, p domain.Page) (domain.ProjectPage, error) {
	if err := c.count("Projects"); err != nil {
		return domain.ProjectPage{}, err
	}
	return c.Store.Projects(ctx, f, o, p)
}

func (c *CountingStore) Project(ctx context.Context, id string) (domain.Project, error) {
	if err := c.count("Project"); err != nil {
		return domain.Project{}, err
	}
	return c.Store.Project(ctx, id)
}

func (c *CountingStore) NearestProjects(ctx context.Context, p orb.Point, limit int, kinds []domain.ProjectKind) ([]domain.ProjectHit, error) {
	if err := c.count("NearestProjects"); err != nil {
		return nil, err
	}
	return c.Store.NearestProjects(ctx, p, limit, kinds)
}

func (c *CountingStore) ProjectStats(ctx context.Context, f domain.ProjectFilter, by []domain.StatsDimension) ([]domain.StatsRow, error) {
	if err := c.count("ProjectStats"); err != nil {
		return nil, err
	}
	return c.Store.ProjectStats(ctx, f, by)
}

func (c *CountingStore) Activities(ctx context.Context, f domain.ActivityFilter, p domain.Page) (domain.ActivityPage, error) {
	if err := c.count("Activities"); err != nil {
		return domain.ActivityPage{}, err
	}
	return c.Store.Activities(ctx, f, p)
}

func (c *CountingStore) Activity(ctx context.Context, id string) (domain.Activity, error) {
	if err := c.count("Activity"); err != nil {
		return domain.Activity{}, err
	}
	return c.Store.Activity(ctx, id)
}

func (c *CountingStore) Ping(ctx context.Context) error {
	if err := c.count("Ping"); err != nil {
		return err
	}
	return c.Store.Ping(ctx)
}

func (c *CountingStore) KelurahanNeighbours(ctx context.Context, codes []string) ([][]string, error) {
	if err := c.count("KelurahanNeighbours"); err != nil {
		return nil, err
	}
	return c.Store.KelurahanNeighbours(ctx, codes)
}

func (c *CountingStore) CoverageGaps(ctx context.Context) ([]domain.CoverageGap, error) {
	if err := c.count("CoverageGaps"); err != nil {
		return nil, err
	}
	return c.Store.CoverageGaps(ctx)
}

func (c *CountingStore) KelurahanSummaries(ctx context.Context, f domain.ProjectFilter) ([]domain.KelurahanSummary, error) {
	if err := c.count("KelurahanSummaries"); err != nil {
		return nil, err
	}
	return c.Store.KelurahanSummaries(ctx, f)
}
