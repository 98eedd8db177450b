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
	"time"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
	bolt "go.etcd.io/bbolt"

	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

var (
	_ store.FlowStore = (*Store)(nil)
	_ store.InProcess = (*Store)(nil)
)

// InProcess marks the store as one that answers from this process's
// memory (store.InProcess).
func (s *Store) InProcess() {}

// Store is the in-memory store. It is safe for concurrent use.
type Store struct {
	// Flow gives the store.Writer record methods and ApplyBatch: the one
	// write flow over this store's transactions (Update).
	*store.Flow

	// mu guards d. Readers only take the lock to load the pointer and then
	// answer from that snapshot; a write builds a new *data (copy on write,
	// sharing what it does not change) and swaps it in under mu.Lock, so a
	// reader never sees half a change.
	mu sync.RWMutex
	d  *data

	// wmu serialises writers from their checks to the swap, so that what a
	// write checked (the version, the forum, the id) is what it changes. It
	// is held across the data file's fsync; readers never wait for it.
	wmu sync.Mutex
	// db is the data file that writes go to before they are swapped in;
	// nil keeps everything in memory (New, NewFromDataset).
	db  *bolt.DB
	now func() time.Time

	// feed wakes the followers of the change feed; see Listen.
	feed feedState

	// bands are the generalised geometries of imported boundaries.
	bands bands
}

// data is one immutable snapshot of everything the store knows, with its
// indexes. Records are ordered by code or id; the maps point into the
// slices. Projects live in copy-on-write trees (projects.go).
type data struct {
	// provinsis, kabupatens and their maps are set by setUpperLevels.
	provinsis  []domain.Provinsi
	provByCode map[string]int
	kabupatens []domain.KabupatenKota
	kabByCode  map[string]int

	kecamatans []domain.Kecamatan
	kecByCode  map[string]int

	kelurahans []domain.Kelurahan
	kelByCode  map[string]int
	// minZoom holds the generalise.MinZoom of every area by layer and
	// code, computed at load (areas never change after it).
	minZoom map[string]map[string]int
	// kelIndex holds the bounds of kelurahan polygons, value = index into
	// kelurahans. An R-tree rather than orb/quadtree because quadtree only
	// indexes points, and both kelurahan and projects are extents.
	kelIndex rtree.RTreeG[int32]
	// cityBound is the union of the kelurahan bounds.
	cityBound orb.Bound
	// neighbours answers, per index into kelurahans, the indexes of its
	// neighbours in ascending order; computed when first asked (kelurahan
	// never change) and shared by every later snapshot.
	neighbours *neighbourIndex
	// servedByActive holds the codes of kelurahan served by an ACTIVE forum.
	servedByActive map[string]bool

	forums    []domain.Forum
	forumByID map[string]int

	projects  *projectTree                  // by id
	projIndex rtree.RTreeG[*domain.Project] // bounds of project geometries (points, lines, polygons)

	activities []domain.Activity
	actByID    map[string]int

	tokens map[string]tokenRecord // by id
	// audit and auditSeq hold the audit trail of a store without a data
	// file (with one, the trail lives in the file only). Snapshots share
	// the backing array: a new one only appends past the old one's length.
	audit    []domain.AuditEntry
	auditSeq int64
	// changes and changeSeq are the change feed of a store without a data
	// file, shared between snapshots as audit is.
	changes   []domain.Change
	changeSeq int64
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
// afterwards without affecting the store. Its writes stay in memory.
func NewFromDataset(ds *dataset.Dataset) *Store {
	withVersion := func(v *int) {
		if *v == 0 {
			*v = 1 // loaded records are at their first version, as seeded ones in PostGIS
		}
	}
	forums := cloneSlice(ds.Forums, cloneForum)
	for i := range forums {
		withVersion(&forums[i].Version)
	}
	projects := cloneSlice(ds.Projects, cloneProject)
	for i := range projects {
		withVersion(&projects[i].Version)
	}
	activities := cloneSlice(ds.Activities, cloneActivity)
	for i := range activities {
		withVersion(&activities[i].Version)
	}
	d := newData(cloneSlice(ds.Kecamatans, cloneKecamatan), cloneSlice(ds.Kelurahans, cloneKelurahan),
		forums, projects, activities, nil)
	d.setUpperLevels(cloneSlice(ds.Provinsis, cloneProvinsi), cloneSlice(ds.KabupatenKotas, cloneKabupatenKota))
	return withFlow(&Store{d: d, now: time.Now})
}

// newData builds a snapshot and its indexes over the given slices, which it
// keeps.
func newData(kecamatans []domain.Kecamatan, kelurahans []domain.Kelurahan, forums []domain.Forum,
	projects []domain.Project, activities []domain.Activity, tokens map[string]tokenRecord) *data {
	if tokens == nil {
		tokens = map[string]tokenRecord{}
	}
	d := &data{
		kecamatans: kecamatans,
		kelurahans: kelurahans,
		projects:   newProjectTree(),
		tokens:     tokens,
	}
	// The dataset comes ordered, but the answers' order is a contract of this
	// store, so it does not rely on that.
	slices.SortFunc(d.kecamatans, func(a, b domain.Kecamatan) int { return strings.Compare(a.Code, b.Code) })
	slices.SortFunc(d.kelurahans, func(a, b domain.Kelurahan) int { return strings.Compare(a.Code, b.Code) })

	d.kecByCode = indexBy(d.kecamatans, func(k domain.Kecamatan) string { return k.Code })
	d.kelByCode = indexBy(d.kelurahans, func(k domain.Kelurahan) string { return k.Code })
	d.minZoom = map[string]map[string]int{
		"kecamatan": minZooms(d.kecamatans, func(k domain.Kecamatan) (string, orb.Bound, orb.Geometry) { return k.Code, k.Bound, k.Geometry }),
		"kelurahan": minZooms(d.kelurahans, func(k domain.Kelurahan) (string, orb.Bound, orb.Geometry) { return k.Code, k.Bound, k.Geometry }),
	}
	d.setForums(forums)
	d.setActivities(activities)

	for i, k := range d.kelurahans {
		b := k.Bound
		if b.IsZero() && k.Geometry != nil {
			b = k.Geometry.Bound()
		}
		d.kelIndex.Insert(b.Min, b.Max, int32(i))
		if i == 0 {
			d.cityBound = b
		} else {
			d.cityBound = d.cityBound.Union(b)
		}
	}
	d.neighbours = newNeighbourIndex(d.kelurahans, &d.kelIndex)
	for i := range projects {
		d.putStored(&projects[i])
	}
	return d
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

// Close closes the data file, if there is one; the store keeps answering
// reads, and writes fail. Without a data file it does nothing.
func (s *Store) Close() error {
	if s.db == nil {
		return nil
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("memory: close: %w", err)
	}
	return nil
}

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

// withFlow sets s's write flow, which runs over s itself.
func withFlow(s *Store) *Store {
	s.Flow = store.NewFlow(s)
	return s
}
