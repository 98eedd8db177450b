// Package layers turns store records into GeoJSON features, in one place, for
// every map-facing output: the /geojson endpoint, vector tiles and OGC API –
// Features. A Layer says what its features carry (for TileJSON vector_layers,
// OGC collections and OpenAPI) and fetches them for a query, reading only
// through store.Store.
package layers

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// FieldType is the JSON type of a feature property.
type FieldType string

const (
	String  FieldType = "string"
	Integer FieldType = "integer"
	Number  FieldType = "number"
	Boolean FieldType = "boolean"
)

// Field describes one property that every feature of a layer carries.
type Field struct {
	Name        string
	Type        FieldType
	Description string
	// Format refines a string ("date") for OpenAPI.
	Format string
	// Nullable fields are null (and absent from vector tiles) when unknown.
	Nullable bool
	// Detail fields (long texts) are left out of vector tiles, where every
	// byte is paid for on each pan; GeoJSON and OGC API carry them.
	Detail bool
}

// Param is a filter query parameter that a layer accepts besides bbox,
// limit and offset.
type Param struct {
	Name string
	// Aliases are other accepted names: the feature property the filter
	// tests (OGC API property filters, e.g. kind= for kinds=).
	Aliases     []string
	Type        FieldType
	Format      string   // "date" for dates
	List        bool     // comma-separated (or repeated) values
	Enum        []string // the allowed values, when closed
	Description string
}

// Query selects the features of a layer.
type Query struct {
	// BBox keeps features whose geometry intersects the box (lon/lat).
	BBox *orb.Bound
	// Filter holds the layer's own parameters (see Layer.Params), as parsed
	// from a URL query; unknown names are EINVALID.
	Filter url.Values
	// After continues the list after the feature with this id, by key
	// rather than by offset (layers with Keyset; Offset then counts from
	// there).
	After  string
	Offset int
	Limit  int // 0 or less: no limit
	// Encoded asks for Result.Encoded, which a copy may give (it keeps
	// the encodings of the features it has been asked for).
	Encoded bool
	// Shared says the caller only reads the features' geometries: an area
	// layer may then hand out the store's own (SharedAreas) rather than
	// copies. The tile encoder sets it where it draws areas from their
	// bands and never touches the originals.
	Shared bool
	// Zoom, with Shared, lets an area layer leave out the areas that a
	// tile at that zoom does not draw (under their min zoom, see Bands),
	// as the tile encoder does in any case.
	Zoom *int
}

// Result is one window of features, whether more follow, and the number
// that matched in all.
type Result struct {
	Features []*geojson.Feature
	// More is true when features follow the window (with a Limit).
	More bool
	// NumberMatched is -1 when it was not counted: the program layers
	// (projects, activities: large) never count every match, the number is
	// known only when the window reaches the end of a list read from its
	// start; the area layers and forums (small, read whole) always know it.
	NumberMatched int
	// Encoded, when not nil, holds the GeoJSON of each feature, Encoded[i]
	// of Features[i], exactly as json.Marshal writes the feature after
	// Render(Features, 0, DefaultPrecision): an in-process copy keeps it
	// ready, so that a page of default precision is written by
	// concatenation (ogcapi). Nil when the features must be rendered.
	Encoded []json.RawMessage
}

// Layer is one kind of feature served to map clients.
type Layer struct {
	Name        string
	Title       string
	Description string
	// GeometryTypes lists the GeoJSON geometry types its features may have.
	GeometryTypes []string
	// IDProperty names the property that repeats the feature id (vector
	// tiles cannot carry string ids).
	IDProperty string
	// Generalised layers are areas whose store may keep a simplified
	// geometry per zoom band (Bands), drawn in tiles instead of the original.
	Generalised bool
	Fields      []Field
	Params      []Param
	// MinZoom and MaxZoom bound the vector tiles served for the layer;
	// clients overzoom past MaxZoom.
	MinZoom, MaxZoom int
	// Keyset layers list in ascending id order and take Query.After; the
	// others (activities, by date) page by offset only.
	Keyset bool

	fetch func(ctx context.Context, s store.Store, q Query) (Result, error)
	get   func(ctx context.Context, s store.Store, id string) (*geojson.Feature, error)
}

// Fetch returns the features matching q in the layer's natural order (by
// code or id; activities by date). EINVALID for a bad filter.
func (l *Layer) Fetch(ctx context.Context, s store.Store, q Query) (Result, error) {
	if err := l.checkParams(q.Filter); err != nil {
		return Result{}, err
	}
	if err := store.ValidateBound("bbox", q.BBox); err != nil {
		return Result{}, err
	}
	if q.After != "" && !l.Keyset {
		return Result{}, domain.Invalid("after", "layer %s pages by offset only", l.Name)
	}
	if c, ok := s.(Copy); ok {
		if res, ok := c.CopyFetch(l, q); ok {
			return res, nil
		}
	}
	return l.fetch(ctx, s, q)
}

// Feature returns one feature by id, or ENOTFOUND.
func (l *Layer) Feature(ctx context.Context, s store.Store, id string) (*geojson.Feature, error) {
	if c, ok := s.(Copy); ok {
		if f, ok, err := c.CopyFeature(l, id); ok {
			return f, err
		}
	}
	return l.get(ctx, s, id)
}

// Param returns the parameter accepted under name (or one of its aliases).
func (l *Layer) Param(name string) (Param, bool) {
	for _, p := range l.Params {
		if p.Name == name || slices.Contains(p.Aliases, name) {
			return p, true
		}
	}
	return Param{}, false
}

// Registry holds the layers served, in a fixed order.
type Registry struct {
	list []*Layer
}

// New returns the registry of every layer: kecamatan, kelurahan, forums,
// projects, activities, provinsi and kabupaten_kota (the levels above come
// last, so the Baubau layers keep their order).
func New() *Registry {
	return &Registry{list: []*Layer{kecamatanLayer(), kelurahanLayer(), forumLayer(), projectLayer(), activityLayer(),
		provinsiLayer(), kabupatenKotaLayer()}}
}

// All returns the layers in their fixed order.
func (r *Registry) All() []*Layer { return slices.Clone(r.list) }

// Lookup returns the layer with the given name.
func (r *Registry) Lookup(name string) (*Layer, bool) {
	for _, l := range r.list {
		if l.Name == name {
			return l, true
		}
	}
	return nil, false
}
