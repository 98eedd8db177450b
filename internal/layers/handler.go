package layers

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/paulmach/orb/geojson"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/spatial"
	"github.com/serasi/serasi/internal/store"
)

// Options configure the GeoJSON handler.
type Options struct {
	// BasePath is where the handler is mounted; default "/geojson".
	BasePath string
	// Registry defaults to New().
	Registry *Registry
	// Logger receives internal errors; default slog.Default().
	Logger *slog.Logger
}

// Limits of the GeoJSON endpoint's own parameters.
const (
	DefaultPrecision  = 7 // decimal digits: about 1 cm
	MaxPrecision      = 15
	MaxSimplifyMeters = 10_000
	MaxFeatures       = 100_000
)

// Routes returns the handler of GET {BasePath}/{layer}: the features of a
// layer as an RFC 7946 FeatureCollection.
//
//	bbox=minLon,minLat,maxLon,maxLat  features intersecting the box
//	simplify=10                       tolerance in metres (0: none)
//	precision=6                       decimal digits of coordinates
//	limit=100&offset=0                a window (default: every feature)
//	anything else                     the layer's filters, e.g. kinds=A,B
func Routes(s store.Store, opts Options) http.Handler {
	if opts.BasePath == "" {
		opts.BasePath = "/geojson"
	}
	if opts.Registry == nil {
		opts.Registry = New()
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	base := strings.TrimSuffix(opts.BasePath, "/")
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+base+"/{layer}", func(w http.ResponseWriter, r *http.Request) {
		l, ok := opts.Registry.Lookup(r.PathValue("layer"))
		if !ok {
			WriteError(w, r, opts.Logger, domain.NotFound("layer", r.PathValue("layer")))
			return
		}
		fc, err := geoJSON(r, s, l)
		if err != nil {
			WriteError(w, r, opts.Logger, err)
			return
		}
		WriteJSON(w, http.StatusOK, "application/geo+json", fc)
	})
	mux.HandleFunc(base+"/", func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, r, opts.Logger, domain.Errorf(domain.ENOTFOUND, "no such resource %s", r.URL.Path))
	})
	return mux
}

func geoJSON(r *http.Request, s store.Store, l *Layer) (*geojson.FeatureCollection, error) {
	v := r.URL.Query()
	q, rest, err := ParseWindow(v, MaxFeatures)
	if err != nil {
		return nil, err
	}
	simplify, err := ParseFloat("simplify", rest.Get("simplify"), 0, 0, MaxSimplifyMeters)
	if err != nil {
		return nil, err
	}
	precision, err := ParseInt("precision", rest.Get("precision"), DefaultPrecision, 0, MaxPrecision)
	if err != nil {
		return nil, err
	}
	rest.Del("simplify")
	rest.Del("precision")
	q.Filter = rest
	res, err := l.Fetch(r.Context(), s, q)
	if err != nil {
		return nil, err
	}
	fc := geojson.NewFeatureCollection()
	fc.Features = Render(res.Features, simplify, precision)
	return fc, nil
}

// ParseWindow takes bbox, limit (0..maxLimit, 0 meaning all) and offset out
// of v and returns the query and the remaining parameters.
func ParseWindow(v url.Values, maxLimit int) (Query, url.Values, error) {
	rest := url.Values{}
	for k, vs := range v {
		rest[k] = vs
	}
	var q Query
	var err error
	for _, name := range []string{"bbox", "limit", "offset"} {
		if len(rest[name]) > 1 {
			return q, nil, domain.Invalid(name, "given more than once")
		}
	}
	if b := rest.Get("bbox"); b != "" || rest.Has("bbox") {
		if q.BBox, err = ParseBBox("bbox", b); err != nil {
			return q, nil, err
		}
	}
	if q.Limit, err = ParseInt("limit", rest.Get("limit"), 0, 0, maxLimit); err != nil {
		return q, nil, err
	}
	if q.Offset, err = ParseInt("offset", rest.Get("offset"), 0, 0, 1<<30); err != nil {
		return q, nil, err
	}
	rest.Del("bbox")
	rest.Del("limit")
	rest.Del("offset")
	return q, rest, nil
}

// Render prepares features for GeoJSON output: geometries simplified by
// simplifyMeters, rounded to precision digits and wound as RFC 7946 asks.
func Render(feats []*geojson.Feature, simplifyMeters float64, precision int) []*geojson.Feature {
	for _, f := range feats {
		if f.Geometry != nil {
			f.Geometry = spatial.Render(f.Geometry, simplifyMeters, precision)
		}
	}
	if feats == nil {
		// "features": [] rather than null.
		return []*geojson.Feature{}
	}
	return feats
}
