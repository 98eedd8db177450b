// Package memory is the embedded default store: it answers store.Store from
// data loaded once from an fs.FS (the embedded geodata in production), with
// R-tree indexes for the spatial questions.
package memory

import (
	"context"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"

	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

var _ store.Store = (*Store)(nil)

// Store is the in-memory store. It is safe for concurrent use.
type Store struct {
	// mu guards d. Today the data never changes after New, so readers only
	// take the lock to load the pointer; when writes arrive they can build a
	// new *data and swap it under mu.Lock (copy on write), and readers keep
	// answering from the snapshot they loaded.
	mu sync.RWMutex
	d  *data
}

// data is one immutable snapshot of everything the store knows, with its
// indexes. Records are ordered by code or id; the maps point into them.
type data struct {
	kecamatans []domain.Kecamatan
	kecByCode  map[string]int

	kelurahans []domain.Kelurahan
	kelByCode  map[string]int
	// kelIndex holds the bounds of kelurahan polygons, value = index into
	// kelurahans. An R-tree rather than orb/quadtree because quadtree only
	// indexes points, and both kelurahan and projects are extents.
	kelIndex rtree.RTreeG[int32]
	// servedByActive holds the codes of kelurahan served by an ACTIVE forum.
	servedByActive map[string]bool

	forums    []domain.Forum
	forumByID map[string]int

	projects  []domain.Project
	projByID  map[string]int
	projIndex rtree.RTreeG[int32] // bounds of project geometries (points, lines, polygons)

	activities []domain.Activity
	actByID    map[string]int
}

// New loads the data from fsys (see dataset.Load for the files it needs).
func New(fsys fs.FS) (*Store, error) {
	ds, err := dataset.Load(fsys)
	if err != nil {
		return nil, fmt.Errorf("memory: %w", err)
	}
	return NewFromDataset(ds), nil
}

// NewFromDataset builds a store over a copy of ds; ds may be changed
// afterwards without affecting the store.
func NewFromDataset(ds *dataset.Dataset) *Store {
	d := &data{
		kecamatans:     cloneSlice(ds.Kecamatans, cloneKecamatan),
		kelurahans:     cloneSlice(ds.Kelurahans, cloneKelurahan),
		forums:         cloneSlice(ds.Forums, cloneForum),
		projects:       cloneSlice(ds.Projects, cloneProject),
		activities:     cloneSlice(ds.Activities, cloneActivity),
		servedByActive: map[string]bool{},
	}
	// The dataset comes ordered, but the answers' order is a contract of this
	// store, so it does not rely on that.
	slices.SortFunc(d.kecamatans, func(a, b domain.Kecamatan) int { return strings.Compare(a.Code, b.Code) })
	slices.SortFunc(d.kelurahans, func(a, b domain.Kelurahan) int { return strings.Compare(a.Code, b.Code) })
	slices.SortFunc(d.forums, func(a, b domain.Forum) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(d.projects, func(a, b domain.Project) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(d.activities, compareActivities)

	d.kecByCode = indexBy(d.kecamatans, func(k domain.Kecamatan) string { return k.Code })
	d.kelByCode = indexBy(d.kelurahans, func(k domain.Kelurahan) string { return k.Code })
	d.forumByID = indexBy(d.forums, func(f domain.Forum) string { return f.ID })
	d.projByID = indexBy(d.projects, func(p domain.Project) string { return p.ID })
	d.actByID = indexBy(d.activities, func(a domain.Activity) string { return a.ID })

	for i, k := range d.kelurahans {
		b := k.Bound
		if b.IsZero() && k.Geometry != nil {
			b = k.Geometry.Bound()
		}
		d.kelIndex.Insert(b.Min, b.Max, int32(i))
	}
	for i, p := range d.projects {
		if p.Geometry == nil {
			continue
		}
		b := p.Geometry.Bound()
		d.projIndex.Insert(b.Min, b.Max, int32(i))
	}
	for _, f := range d.forums {
		if f.Status != domain.ForumActive {
			continue
		}
		for _, c := range f.KelurahanCodes {
			d.servedByActive[c] = true
		}
	}
	return &Store{d: d}
}

// snapshot returns the data to answer one call from.
func (s *Store) snapshot() *data {
	s.mu.RLock()
	d := s.d
	s.mu.RUnlock()
	return d
}

// Ping always succeeds: there is nothing to reach.
func (s *Store) Ping(ctx context.Context) error { return ctx.Err() }

// Close releases nothing; the store keeps answering.
func (s *Store) Close() error { return nil }

func indexBy[T any](items []T, key func(T) string) map[string]int {
	m := make(map[string]int, len(items))
	for i, it := range items {
		m[key(it)] = i
	}
	return m
}

// page returns the window p of items (already validated).
func page[T any](items []T, p domain.Page) []T {
	start := min(p.Offset, len(items))
	end := min(start+p.Limit, len(items))
	return items[start:end]
}

func stringSet[T ~string](xs []T) map[T]bool {
	if len(xs) == 0 {
		return nil
	}
	m := make(map[T]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// boundPolygon turns a validated bbox into a polygon for the planar
// predicates, which take geometries.
func boundPolygon(b orb.Bound) orb.Polygon { return b.ToPolygon() }
