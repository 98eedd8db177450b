// Package mirror keeps an in-process copy of what the map layers show
// (kecamatan, kelurahan, forums, projects, activities), loaded once from the
// store and kept fresh from its change feed, so that vector tiles, OGC API
// pages and single features on PostGIS are answered from memory rather
// than by a query each. It implements layers.Copy; Wrap hands the map
// outputs a store that is also the copy.
//
// A change read from the feed re-reads its record by id through the layer
// (so the copy holds exactly the features the store would give); the
// boundaries, which change only by an import into the database, are read
// at start and again on Reload.
package mirror

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/tidwall/rtree"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/generalise"
	"github.com/serasi/serasi/internal/layers"
	"github.com/serasi/serasi/internal/spatial"
	"github.com/serasi/serasi/internal/store"
)

var _ layers.Copy = (*Mirror)(nil)

// Options configure a Mirror.
type Options struct {
	// Registry defaults to layers.New().
	Registry *layers.Registry
	// Logger receives the failures of re-reading changed records; default
	// slog.Default().
	Logger *slog.Logger
	// ReadTimeout bounds the re-read of one page of changes; default 10 s.
	ReadTimeout time.Duration
	// Layers names the layers to hold (the others are the store's to
	// answer); default every layer of Registry. Kecamatan needs kelurahan.
	Layers []string
}

// Mirror is the in-process copy. It is safe for concurrent use: readers
// share a read lock while they pick features, and a page of changes is
// read from the store first and then applied under the write lock.
type Mirror struct {
	src  store.Store
	opts Options

	mu   sync.RWMutex
	sets map[string]*set // by layer name
	// values interns the tile property values, so that equal values
	// share one id and one encoding (layers.TileTag).
	values values
	// kecOf maps a kelurahan code to its kecamatan's (the kecamatan layer
	// meets a box where one of its kelurahan does, as layers decides).
	kecOf map[string]string
}

// item is one feature of the copy; it is never changed once made (a change
// replaces it), so readers may keep one after the lock.
type item struct {
	id    string
	order string // the layer's natural order: id, or date and id for activities
	bound orb.Bound
	geom  orb.Geometry
	point bool // a point layer: in a box when the box covers it
	// minZoom is the lowest zoom whose tiles draw an area
	// (generalise.MinZoom of its bound, as its store decides).
	minZoom int
	// props holds the feature's properties (a tile carries those of
	// tags: no nulls, no Detail fields).
	props geojson.Properties
	tags  []layers.TileTag // tile, prepared for the encoder
	// enc is the feature's GeoJSON as an items page writes it
	// (layers.Result.Encoded), made when first asked for.
	enc atomic.Pointer[json.RawMessage]
}

// set is one layer's items in natural order, by id and in an R-tree.
type set struct {
	layer *layers.Layer
	items []*item
	byID  map[string]*item
	index rtree.RTreeG[*item]
}

// layersOf says which layers a change of a record type touches.
var layersOf = map[domain.RecordType]string{
	domain.RecordForum:    "forums",
	domain.RecordProject:  "projects",
	domain.RecordActivity: "activities",
}

// New loads the copy of every layer of opts.Registry from s.
func New(ctx context.Context, s store.Store, opts Options) (*Mirror, error) {
	if opts.Registry == nil {
		opts.Registry = layers.New()
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.ReadTimeout <= 0 {
		opts.ReadTimeout = 10 * time.Second
	}
	m := &Mirror{src: s, opts: opts}
	if err := m.Reload(ctx); err != nil {
		return nil, err
	}
	return m, nil
}

// Reload reads every layer again, whole; the copy answers from the old
// one meanwhile.
func (m *Mirror) Reload(ctx context.Context) error {
	sets := map[string]*set{}
	for _, l := range m.opts.Registry.All() {
		if !m.holds(l.Name) {
			continue
		}
		res, err := l.Fetch(ctx, m.src, layers.Query{})
		if err != nil {
			return fmt.Errorf("mirror: load %s: %w", l.Name, err)
		}
		st := &set{layer: l, byID: make(map[string]*item, len(res.Features))}
		for _, f := range res.Features {
			st.items = append(st.items, m.newItem(l, f))
		}
		slices.SortFunc(st.items, func(a, b *item) int { return strings.Compare(a.order, b.order) })
		for _, it := range st.items {
			st.byID[it.id] = it
			st.index.Insert(it.bound.Min, it.bound.Max, it)
		}
		sets[l.Name] = st
	}
	kecOf := map[string]string{}
	if kel := sets["kelurahan"]; kel != nil {
		for _, it := range kel.items {
			if c, ok := it.props["kecamatanCode"].(string); ok {
				kecOf[it.id] = c
			}
		}
	}
	m.mu.Lock()
	m.sets, m.kecOf = sets, kecOf
	m.mu.Unlock()
	return nil
}

func (m *Mirror) newItem(l *layers.Layer, f *geojson.Feature) *item {
	it := &item{id: fmt.Sprint(f.ID), geom: f.Geometry, props: f.Properties}
	it.tags = m.values.tags(l.TileProperties(f.Properties))
	it.order = it.id
	if !l.Keyset {
		// Activities, by date then id (layers' natural order).
		d, _ := f.Properties["date"].(string)
		it.order = d + "\x00" + it.id
	}
	if f.Geometry != nil {
		it.bound = f.Geometry.Bound()
		_, it.point = f.Geometry.(orb.Point)
		if l.Generalised {
			it.minZoom = generalise.MinZoom(it.bound)
		}
	}
	return it
}

// Apply brings the copy up to a page of changes from the feed: each
// changed forum, project or activity is read again by id (gone or no
// longer on the map: removed). Call it before the tile cache forgets the
// changes' tiles, so that a tile rendered after that sees them. A record
// that cannot be read is logged and left as it was; the next Reload (the
// follower's Reset) mends it.
func (m *Mirror) Apply(cs []domain.Change) {
	type key struct{ layer, id string }
	seen := map[key]bool{}
	var keys []key
	for _, c := range cs {
		name, ok := layersOf[c.RecordType]
		if k := (key{name, c.RecordID}); ok && m.holds(name) && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), m.opts.ReadTimeout)
	defer cancel()
	type update struct {
		key
		it *item // nil: remove
	}
	var ups []update
	for _, k := range keys {
		l, ok := m.opts.Registry.Lookup(k.layer)
		if !ok {
			continue
		}
		f, err := l.Feature(ctx, m.src, k.id)
		switch {
		case domain.ErrorCode(err) == domain.ENOTFOUND:
			ups = append(ups, update{k, nil})
		case err != nil:
			m.opts.Logger.Warn("mirror: re-reading a changed record failed; the copy keeps the old one", "layer", k.layer, "id", k.id, "err", err)
		default:
			ups = append(ups, update{k, m.newItem(l, f)})
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, u := range ups {
		if st := m.sets[u.layer]; st != nil {
			st.put(u.id, u.it)
		}
	}
}

// holds says whether the copy keeps layer name (Options.Layers).
func (m *Mirror) holds(name string) bool {
	return m.opts.Layers == nil || slices.Contains(m.opts.Layers, name)
}

// Reset is the follower's: it could not tell what changed, so everything
// is read again.
func (m *Mirror) Reset() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*m.opts.ReadTimeout)
	defer cancel()
	if err := m.Reload(ctx); err != nil {
		m.opts.Logger.Error("mirror: reload failed; the copy answers from what it had", "err", err)
	}
}

// put replaces (or removes, when it is nil) the item with id, keeping the order.
func (st *set) put(id string, it *item) {
	if old, ok := st.byID[id]; ok {
		st.index.Delete(old.bound.Min, old.bound.Max, old)
		i, found := slices.BinarySearchFunc(st.items, old, byOrder)
		if found {
			st.items = slices.Delete(st.items, i, i+1)
		}
		delete(st.byID, id)
	}
	if it == nil {
		return
	}
	i, _ := slices.BinarySearchFunc(st.items, it, byOrder)
	st.items = slices.Insert(st.items, i, it)
	st.byID[id] = it
	st.index.Insert(it.bound.Min, it.bound.Max, it)
}

func byOrder(a, b *item) int { return strings.Compare(a.order, b.order) }

// meets applies the stores' bbox rule: a point in the box (edges
// included), any other geometry intersecting it.
func (it *item) meets(box orb.Bound, poly orb.Polygon) bool {
	if it.geom == nil || !box.Intersects(it.bound) {
		return false
	}
	if it.point {
		return box.Contains(it.geom.(orb.Point))
	}
	if box.Contains(it.bound.Min) && box.Contains(it.bound.Max) {
		return true
	}
	// A vertex in the box is a point they share; only a geometry with
	// none there needs the full test.
	if vertexIn(it.geom, box) {
		return true
	}
	return spatial.Intersects(it.geom, poly)
}

// vertexIn says whether a vertex of g lies in box (edges included).
func vertexIn(g orb.Geometry, box orb.Bound) bool {
	in := func(ps []orb.Point) bool {
		for _, p := range ps {
			if box.Contains(p) {
				return true
			}
		}
		return false
	}
	switch g := g.(type) {
	case orb.MultiPoint:
		return in(g)
	case orb.LineString:
		return in(g)
	case orb.MultiLineString:
		for _, ls := range g {
			if in(ls) {
				return true
			}
		}
	case orb.Polygon:
		for _, r := range g {
			if in(r) {
				return true
			}
		}
	case orb.MultiPolygon:
		for _, p := range g {
			for _, r := range p {
				if in(r) {
					return true
				}
			}
		}
	}
	return false
}

// feature is the GeoJSON feature of it, the caller's to change (the
// geometry is shared: the outputs render it into new geometry).
func (it *item) feature() *geojson.Feature {
	f := geojson.NewFeature(it.geom)
	f.ID = it.id
	f.Properties = maps.Clone(it.props)
	return f
}

// geoJSON returns the GeoJSON of the feature rendered at the default
// precision (layers.Result.Encoded), encoded on first use and kept: a
// change replaces the item, so it cannot go stale. Nil if it cannot be
// encoded (the page is then rendered as without a copy).
func (it *item) geoJSON() json.RawMessage {
	if b := it.enc.Load(); b != nil {
		return *b
	}
	f := layers.Render([]*geojson.Feature{it.feature()}, 0, layers.DefaultPrecision)[0]
	b, err := json.Marshal(f)
	if err != nil {
		return nil
	}
	raw := json.RawMessage(b)
	it.enc.Store(&raw)
	return raw
}

// CopyFetch answers the queries without a layer filter; the others go to
// the store. Keyed pages walk the ids from the key and test each item, so
// a page costs its own items, not a count of every match; NumberMatched
// follows layers.Result: counted for the small layers (read whole), for
// projects, activities and kelurahan (83,190 at national size, paged by
// the store too) only when the page reached the end of a list read from
// its start.
func (m *Mirror) CopyFetch(l *layers.Layer, q layers.Query) (layers.Result, bool) {
	if len(q.Filter) > 0 {
		return layers.Result{}, false
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	st := m.sets[l.Name]
	if st == nil {
		return layers.Result{}, false
	}
	match := m.matcher(l, q.BBox)
	items := st.items
	if q.After != "" {
		i, _ := slices.BinarySearchFunc(items, q.After, func(it *item, id string) int { return strings.Compare(it.order, id) })
		for i < len(items) && items[i].order <= q.After {
			i++
		}
		items = items[i:]
	}
	small := l.Name != "projects" && l.Name != "activities" && l.Name != "kelurahan"
	offset := max(q.Offset, 0)
	var feats []*geojson.Feature
	var enc []json.RawMessage
	encoded := q.Encoded
	matched, more := 0, false
	for _, it := range items {
		if !match(it) {
			continue
		}
		matched++
		if matched <= offset {
			continue
		}
		if q.Limit > 0 && len(feats) == q.Limit {
			more = true
			if !small {
				break
			}
			continue
		}
		feats = append(feats, it.feature())
		if encoded {
			b := it.geoJSON()
			encoded = b != nil
			enc = append(enc, b)
		}
	}
	res := layers.Result{Features: feats, More: more, NumberMatched: -1}
	if encoded {
		res.Encoded = enc
		if enc == nil {
			res.Encoded = []json.RawMessage{}
		}
	}
	switch {
	case small && q.After == "":
		res.NumberMatched = matched
	case small:
		// Counted from the key, not the list's length: count it whole.
		res.NumberMatched = m.count(st, match)
	case !more && q.After == "" && (len(feats) > 0 || offset == 0):
		// As layers' pages: an offset past the end says only that the
		// list is shorter.
		res.NumberMatched = matched
	}
	return res, true
}

func (m *Mirror) count(st *set, match func(*item) bool) int {
	n := 0
	for _, it := range st.items {
		if match(it) {
			n++
		}
	}
	return n
}

// matcher returns the bbox test of layer l; kecamatan meet a box where one
// of their kelurahan does. Under m.mu.
func (m *Mirror) matcher(l *layers.Layer, box *orb.Bound) func(*item) bool {
	if box == nil {
		return func(it *item) bool { return it.geom != nil }
	}
	b, poly := *box, box.ToPolygon()
	if l.Name != "kecamatan" {
		return func(it *item) bool { return it.meets(b, poly) }
	}
	in := m.kecamatansIn(b, poly)
	return func(it *item) bool { return in[it.id] }
}

func (m *Mirror) kecamatansIn(b orb.Bound, poly orb.Polygon) map[string]bool {
	in := map[string]bool{}
	if kel := m.sets["kelurahan"]; kel != nil {
		kel.index.Search(b.Min, b.Max, func(_, _ [2]float64, it *item) bool {
			if it.meets(b, poly) {
				in[m.kecOf[it.id]] = true
			}
			return true
		})
	}
	return in
}

// CopyFeature returns one feature of the copy.
func (m *Mirror) CopyFeature(l *layers.Layer, id string) (*geojson.Feature, bool, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	st := m.sets[l.Name]
	if st == nil {
		return nil, false, nil
	}
	it, ok := st.byID[id]
	if !ok || it.geom == nil {
		return nil, true, domain.NotFound(notFoundKind[l.Name], id)
	}
	return it.feature(), true, nil
}

// notFoundKind names a layer's records as the store's ENOTFOUND does.
var notFoundKind = map[string]string{
	"kecamatan": "kecamatan", "kelurahan": "kelurahan", "forums": "forum", "projects": "project", "activities": "activity",
}

// TileFeatures picks the features of box from the R-tree, with the
// geometry drawn at the tile's zoom, cloned for the encoder.
func (m *Mirror) TileFeatures(l *layers.Layer, t maptile.Tile, box orb.Bound) ([]*geojson.Feature, [][]layers.TileTag, bool) {
	// An area is drawn from the generalised geometry its store keeps for
	// the zoom (layers.Bands). A store that keeps them only for its own
	// tile query (PostGIS's area_band) renders those zooms itself, so that
	// every path draws the same geometry.
	var bands layers.Bands
	if l.Generalised && generalise.Bands[generalise.BandIndex(int(t.Z))].Tolerance > 0 {
		b, ok := m.src.(layers.Bands)
		if !ok {
			return nil, nil, false
		}
		bands = b
	}
	m.mu.RLock()
	st := m.sets[l.Name]
	if st == nil {
		m.mu.RUnlock()
		return nil, nil, false
	}
	poly := box.ToPolygon()
	var picked []*item
	if l.Name == "kecamatan" {
		in := m.kecamatansIn(box, poly)
		for _, it := range st.items {
			if in[it.id] && it.minZoom <= int(t.Z) {
				picked = append(picked, it)
			}
		}
	} else {
		st.index.Search(box.Min, box.Max, func(_, _ [2]float64, it *item) bool {
			if it.minZoom <= int(t.Z) && it.meets(box, poly) {
				picked = append(picked, it)
			}
			return true
		})
		slices.SortFunc(picked, byOrder)
	}
	m.mu.RUnlock()
	feats := make([]*geojson.Feature, len(picked))
	backing := make([]geojson.Feature, len(picked))
	tags := make([][]layers.TileTag, len(picked))
	for i, it := range picked {
		g := it.geom
		if bands != nil {
			if bg, ok := bands.BandGeometry(l.Name, it.id, int(t.Z)); ok {
				g = bg
			}
		}
		// The encoder projects and clips in place; a point is a value, so
		// only the others need their own copy.
		if _, ok := g.(orb.Point); !ok {
			g = orb.Clone(g)
		}
		backing[i] = geojson.Feature{Type: "Feature", Geometry: g}
		feats[i] = &backing[i]
		tags[i] = it.tags
	}
	return feats, tags, true
}

// Len returns how many features the copy holds of each layer.
func (m *Mirror) Len() map[string]int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := map[string]int{}
	for name, st := range m.sets {
		out[name] = len(st.items)
	}
	return out
}

// Wrap returns s as the map outputs should read it: the store, answering
// also as this copy (layers.Copy). The result is not a tiles.MVTStore, so
// tiles are encoded in Go from the copy.
func (m *Mirror) Wrap(s store.Store) store.Store { return wrapped{s, m} }

type wrapped struct {
	store.Store
	*Mirror
}

// Source returns the store the copy was loaded from (layers.Copy).
func (m *Mirror) Source() store.Store { return m.src }
