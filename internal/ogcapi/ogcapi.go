// Package ogcapi serves the map layers as OGC API – Features – Part 1: Core
// (conformance classes core, oas30, geojson and html), so that GDAL, QGIS
// and other OGC clients can read them as feature collections.
package ogcapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb/geojson"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/layers"
	"github.com/serasi/serasi/internal/store"
)

// Conformance classes this server implements.
var conformsTo = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
}

// Item limits (OGC API – Features: a limit above the maximum is clamped).
const (
	DefaultLimit = 10
	MaxLimit     = 1000
)

// Media types.
const (
	mediaJSON    = "application/json"
	mediaGeoJSON = "application/geo+json"
	mediaHTML    = "text/html"
	mediaOpenAPI = "application/vnd.oai.openapi+json;version=3.0"
	crs84        = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
)

// Options configure the OGC API.
type Options struct {
	// BasePath is where the API is mounted; default "/ogcapi".
	BasePath string
	// Registry defaults to layers.New().
	Registry *layers.Registry
	// Logger receives internal errors; default slog.Default().
	Logger *slog.Logger
	// Title and Description head the landing page.
	Title, Description string
}

type api struct {
	store store.Store
	opts  Options
}

// New returns the OGC API handler; mount it at opts.BasePath and below.
func New(s store.Store, opts Options) http.Handler {
	if opts.BasePath == "" {
		opts.BasePath = "/ogcapi"
	}
	opts.BasePath = strings.TrimSuffix(opts.BasePath, "/")
	if opts.Registry == nil {
		opts.Registry = layers.New()
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Title == "" {
		opts.Title = "Program Keserasian Sosial Kota Baubau"
	}
	if opts.Description == "" {
		opts.Description = "Batas kelurahan dan kecamatan, Forum Keserasian Sosial (FKS), kegiatan fisik dan nonfisik Program Keserasian Sosial Kota Baubau."
	}
	a := &api{store: s, opts: opts}
	b := opts.BasePath
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+b+"/{$}", a.landing)
	mux.HandleFunc("GET "+b+"/conformance", a.conformance)
	mux.HandleFunc("GET "+b+"/api", a.openAPI)
	mux.HandleFunc("GET "+b+"/collections", a.collections)
	mux.HandleFunc("GET "+b+"/collections/{id}", a.collection)
	mux.HandleFunc("GET "+b+"/collections/{id}/items", a.items)
	mux.HandleFunc("GET "+b+"/collections/{id}/items/{featureId}", a.item)
	mux.HandleFunc(b+"/", func(w http.ResponseWriter, r *http.Request) {
		a.fail(w, r, domain.Errorf(domain.ENOTFOUND, "no such resource %s", r.URL.Path))
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The landing page is both /ogcapi and /ogcapi/.
		if r.URL.Path == b && b != "" {
			r2 := *r
			u := *r.URL
			u.Path = b + "/"
			r2.URL = &u
			r = &r2
		}
		w.Header().Add("Vary", "Accept")
		mux.ServeHTTP(w, r)
	})
}

// Link is a web link (RFC 8288) as OGC API writes it.
type Link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

func (a *api) fail(w http.ResponseWriter, r *http.Request, err error) {
	layers.WriteError(w, r, a.opts.Logger, err)
}

// root is the absolute URL of the API's base path.
func (a *api) root(r *http.Request) string {
	return layers.BaseURL(r) + a.opts.BasePath
}

// selfLinks returns self and alternate links of a resource at path.
func selfLinks(href string, f format, jsonType string) []Link {
	j := Link{Href: withF(href, "json"), Type: jsonType, Title: "Dokumen ini sebagai JSON"}
	h := Link{Href: withF(href, "html"), Type: mediaHTML, Title: "Dokumen ini sebagai HTML"}
	if f == formatHTML {
		h.Rel, j.Rel = "self", "alternate"
		return []Link{h, j}
	}
	j.Rel, h.Rel = "self", "alternate"
	return []Link{j, h}
}

// withF sets the f parameter of href.
func withF(href, f string) string {
	u, err := url.Parse(href)
	if err != nil {
		return href
	}
	q := u.Query()
	q.Set("f", f)
	u.RawQuery = q.Encode()
	return u.String()
}

func (a *api) respond(w http.ResponseWriter, r *http.Request, f format, jsonType string, doc any, page string) {
	if f == formatHTML {
		a.html(w, r, page, doc)
		return
	}
	layers.WriteJSON(w, http.StatusOK, jsonType, doc)
}

type landingDoc struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Links       []Link `json:"links"`
}

func (a *api) landing(w http.ResponseWriter, r *http.Request) {
	f, err := negotiate(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	root := a.root(r)
	links := append(selfLinks(root+"/", f, mediaJSON),
		Link{Href: root + "/api", Rel: "service-desc", Type: mediaOpenAPI, Title: "Definisi API (OpenAPI 3.0)"},
		Link{Href: withF(root+"/api", "html"), Rel: "service-doc", Type: mediaHTML, Title: "Dokumentasi API"},
		Link{Href: root + "/conformance", Rel: "conformance", Type: mediaJSON, Title: "Kelas kesesuaian"},
		Link{Href: root + "/collections", Rel: "data", Type: mediaJSON, Title: "Koleksi fitur"},
	)
	a.respond(w, r, f, mediaJSON, landingDoc{Title: a.opts.Title, Description: a.opts.Description, Links: links}, "landing")
}

type conformanceDoc struct {
	ConformsTo []string `json:"conformsTo"`
}

func (a *api) conformance(w http.ResponseWriter, r *http.Request) {
	f, err := negotiate(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.respond(w, r, f, mediaJSON, conformanceDoc{ConformsTo: conformsTo}, "conformance")
}

type extentDoc struct {
	Spatial spatialExtent `json:"spatial"`
}

type spatialExtent struct {
	BBox [][4]float64 `json:"bbox"`
	CRS  string       `json:"crs"`
}

type collectionDoc struct {
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Links       []Link    `json:"links"`
	Extent      extentDoc `json:"extent"`
	ItemType    string    `json:"itemType"`
	CRS         []string  `json:"crs"`
}

type collectionsDoc struct {
	Links       []Link          `json:"links"`
	Collections []collectionDoc `json:"collections"`
}

func (a *api) collectionDoc(r *http.Request, l *layers.Layer, ext [4]float64) collectionDoc {
	href := a.root(r) + "/collections/" + l.Name
	return collectionDoc{
		ID: l.Name, Title: l.Title, Description: l.Description,
		Links: []Link{
			{Href: href, Rel: "self", Type: mediaJSON, Title: l.Title},
			{Href: withF(href, "html"), Rel: "alternate", Type: mediaHTML, Title: l.Title + " sebagai HTML"},
			{Href: href + "/items", Rel: "items", Type: mediaGeoJSON, Title: "Fitur " + l.Title},
			{Href: withF(href+"/items", "html"), Rel: "items", Type: mediaHTML, Title: "Fitur " + l.Title + " sebagai HTML"},
		},
		Extent:   extentDoc{Spatial: spatialExtent{BBox: [][4]float64{ext}, CRS: crs84}},
		ItemType: "feature",
		CRS:      []string{crs84},
	}
}

func (a *api) extent(r *http.Request) ([4]float64, error) {
	b, err := layers.Extent(r.Context(), a.store)
	return [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}, err
}

func (a *api) collections(w http.ResponseWriter, r *http.Request) {
	f, err := negotiate(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	ext, err := a.extent(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	doc := collectionsDoc{Links: selfLinks(a.root(r)+"/collections", f, mediaJSON)}
	for _, l := range a.opts.Registry.All() {
		doc.Collections = append(doc.Collections, a.collectionDoc(r, l, ext))
	}
	a.respond(w, r, f, mediaJSON, doc, "collections")
}

func (a *api) layer(w http.ResponseWriter, r *http.Request) (*layers.Layer, format, bool) {
	l, ok := a.opts.Registry.Lookup(r.PathValue("id"))
	if !ok {
		a.fail(w, r, domain.NotFound("collection", r.PathValue("id")))
		return nil, 0, false
	}
	f, err := negotiate(r)
	if err != nil {
		a.fail(w, r, err)
		return nil, 0, false
	}
	return l, f, true
}

func (a *api) collection(w http.ResponseWriter, r *http.Request) {
	l, f, ok := a.layer(w, r)
	if !ok {
		return
	}
	ext, err := a.extent(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	doc := a.collectionDoc(r, l, ext)
	if f == formatHTML {
		doc.Links[0], doc.Links[1] = doc.Links[1], doc.Links[0]
		doc.Links[0].Rel, doc.Links[1].Rel = "self", "alternate"
	}
	a.respond(w, r, f, mediaJSON, doc, "collection")
}

// itemsDoc is a GeoJSON FeatureCollection with the OGC API members.
type itemsDoc struct {
	Type     string             `json:"type"`
	Features []*geojson.Feature `json:"features"`
	Links    []Link             `json:"links"`
	// NumberMatched is left out where knowing it would cost counting every
	// match (OGC 17-069r4 makes it optional; see layers.Result).
	NumberMatched  *int   `json:"numberMatched,omitempty"`
	NumberReturned int    `json:"numberReturned"`
	TimeStamp      string `json:"timeStamp"`

	layer *layers.Layer // for the HTML view
}

func (a *api) items(w http.ResponseWriter, r *http.Request) {
	l, f, ok := a.layer(w, r)
	if !ok {
		return
	}
	v := r.URL.Query()
	for _, name := range []string{"limit", "cursor"} {
		if len(v[name]) > 1 {
			a.fail(w, r, domain.Invalid(name, "given more than once"))
			return
		}
	}
	after, err := decodeCursor(l, v)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	limit, err := layers.ParseInt("limit", v.Get("limit"), DefaultLimit, 1, math.MaxInt32)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	// A limit above the maximum is clamped, not refused (OGC 17-069r4,
	// requirement /req/core/fc-limit-response-1).
	v.Set("limit", strconv.Itoa(min(limit, MaxLimit)))
	q, rest, err := layers.ParseWindow(v, MaxLimit)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	rest.Del("f")
	if err := applyDatetime(l, rest); err != nil {
		a.fail(w, r, err)
		return
	}
	q.Filter = rest
	q.After = after
	q.Encoded = f != formatHTML
	res, err := l.Fetch(r.Context(), a.store, q)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	href := a.root(r) + "/collections/" + l.Name + "/items"
	doc := itemsDoc{
		Type:           "FeatureCollection",
		NumberReturned: len(res.Features),
		TimeStamp:      time.Now().UTC().Format(time.RFC3339),
		layer:          l,
	}
	if res.NumberMatched >= 0 {
		doc.NumberMatched = &res.NumberMatched
	}
	doc.Links = selfLinks(pageHref(href, r.URL.Query(), after, q.Offset, q.Limit), f, mediaGeoJSON)
	if res.More && len(res.Features) > 0 {
		// A keyed layer's next page starts after the last id, however deep
		// the client has read; the others go on by offset.
		next := pageHref(href, r.URL.Query(), "", q.Offset+len(res.Features), q.Limit)
		if l.Keyset {
			next = pageHref(href, r.URL.Query(), fmt.Sprint(res.Features[len(res.Features)-1].ID), 0, q.Limit)
		}
		doc.Links = append(doc.Links, Link{Href: next, Rel: "next", Type: typeOf(f), Title: "Halaman berikutnya"})
	}
	if q.Offset > 0 {
		doc.Links = append(doc.Links, Link{Href: pageHref(href, r.URL.Query(), after, max(q.Offset-q.Limit, 0), q.Limit), Rel: "prev", Type: typeOf(f), Title: "Halaman sebelumnya"})
	}
	doc.Links = append(doc.Links, Link{Href: a.root(r) + "/collections/" + l.Name, Rel: "collection", Type: mediaJSON, Title: l.Title})
	if f != formatHTML && len(res.Encoded) == len(res.Features) && res.Encoded != nil && writeEncoded(w, doc, res.Encoded) {
		return
	}
	doc.Features = layers.Render(res.Features, 0, layers.DefaultPrecision)
	a.respond(w, r, f, mediaGeoJSON, doc, "items")
}

// featuresHead is how json.Marshal begins an itemsDoc with no features.
const featuresHead = `{"type":"FeatureCollection","features":[`

// writeEncoded writes doc as respond would with features given already
// encoded (layers.Result.Encoded): the rest of the document is marshalled
// with no features and the features spliced in, so the bytes are those of
// json.Marshal over the rendered features, without encoding each again
// (BenchmarkItems).
// It returns false, having written nothing, if the document does not
// begin as expected.
func writeEncoded(w http.ResponseWriter, doc itemsDoc, enc []json.RawMessage) bool {
	doc.Features = []*geojson.Feature{}
	rest, err := json.Marshal(doc)
	if err != nil || !bytes.HasPrefix(rest, []byte(featuresHead+"]")) {
		return false
	}
	rest = rest[len(featuresHead):]
	n := len(featuresHead) + len(rest) + len(enc) + 1
	for _, e := range enc {
		n += len(e)
	}
	out := make([]byte, 0, n)
	out = append(out, featuresHead...)
	for i, e := range enc {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, e...)
	}
	out = append(out, rest...)
	out = append(out, '\n')
	w.Header().Set("Content-Type", mediaGeoJSON)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out)
	return true
}

func typeOf(f format) string {
	if f == formatHTML {
		return mediaHTML
	}
	return mediaGeoJSON
}

// pageHref is the items URL with the request's parameters and another
// window: after a key (a cursor) when after is set, and an offset when not 0.
func pageHref(href string, v url.Values, after string, offset, limit int) string {
	q := url.Values{}
	for k, vs := range v {
		q[k] = vs
	}
	q.Del("cursor")
	q.Del("offset")
	if after != "" {
		q.Set("cursor", encodeCursor(after))
	}
	if offset > 0 {
		q.Set("offset", strconv.Itoa(offset))
	}
	q.Set("limit", strconv.Itoa(limit))
	return href + "?" + q.Encode()
}

// cursorPrefix versions the cursor, so that a later form can tell old
// links apart.
const cursorPrefix = "k1:"

// encodeCursor makes the opaque cursor of the next page after id.
func encodeCursor(id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + id))
}

// decodeCursor takes the cursor parameter out of v: the id to continue
// after, "" without one. EINVALID for one that this server did not write
// or a layer that pages by offset.
func decodeCursor(l *layers.Layer, v url.Values) (string, error) {
	c, ok := v["cursor"]
	v.Del("cursor")
	if !ok {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c[0])
	id, found := strings.CutPrefix(string(b), cursorPrefix)
	if err != nil || !found || id == "" {
		return "", domain.Invalid("cursor", "is not a cursor of this server (follow the next link)")
	}
	if !l.Keyset {
		return "", domain.Invalid("cursor", "collection %s pages by offset", l.Name)
	}
	return id, nil
}

// applyDatetime turns OGC API's datetime parameter into the activities'
// date filter. The other collections have no temporal geometry (a project's
// year is a budget year), so datetime does not select among them.
func applyDatetime(l *layers.Layer, v url.Values) error {
	if !v.Has("datetime") {
		return nil
	}
	dt := v.Get("datetime")
	v.Del("datetime")
	from, to, isInterval := strings.Cut(dt, "/")
	if !isInterval {
		to = from
	}
	parse := func(s string) (string, error) {
		if s == ".." || (s == "" && isInterval) {
			return "", nil
		}
		for _, layout := range []string{time.RFC3339, time.DateOnly} {
			if t, err := time.Parse(layout, s); err == nil {
				return t.UTC().Format(time.DateOnly), nil
			}
		}
		return "", domain.Invalid("datetime", "%q is not an RFC 3339 date-time, date or interval", dt)
	}
	f, err := parse(from)
	if err != nil {
		return err
	}
	t, err := parse(to)
	if err != nil {
		return err
	}
	if l.Name != "activities" {
		return nil
	}
	if f != "" {
		v.Set("dateFrom", f)
	}
	if t != "" {
		v.Set("dateTo", t)
	}
	return nil
}

// itemDoc is one GeoJSON Feature with its links.
type itemDoc struct {
	*geojson.Feature
	Links []Link `json:"links"`

	layer *layers.Layer
}

func (d itemDoc) MarshalJSON() ([]byte, error) {
	// geojson.Feature has its own MarshalJSON, which would swallow Links.
	m := map[string]any{
		"type":       "Feature",
		"id":         d.Feature.ID,
		"geometry":   geojson.NewGeometry(d.Feature.Geometry),
		"properties": d.Feature.Properties,
		"links":      d.Links,
	}
	if d.Feature.Geometry == nil {
		m["geometry"] = nil
	}
	return json.Marshal(m)
}

func (a *api) item(w http.ResponseWriter, r *http.Request) {
	l, f, ok := a.layer(w, r)
	if !ok {
		return
	}
	feat, err := l.Feature(r.Context(), a.store, r.PathValue("featureId"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	layers.Render([]*geojson.Feature{feat}, 0, layers.DefaultPrecision)
	coll := a.root(r) + "/collections/" + l.Name
	href := coll + "/items/" + url.PathEscape(r.PathValue("featureId"))
	links := append(selfLinks(href, f, mediaGeoJSON), Link{Href: coll, Rel: "collection", Type: mediaJSON, Title: l.Title})
	a.respond(w, r, f, mediaGeoJSON, itemDoc{Feature: feat, Links: links, layer: l}, "item")
}
