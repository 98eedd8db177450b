package ogcapi

import (
	"net/http"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/httpx"
)

type format int

const (
	formatJSON format = iota
	formatHTML
)

// negotiate picks JSON or HTML: the f parameter wins, then the Accept
// header's preference (httpx.Negotiate: q values, the more specific type
// and then JSON on a tie); JSON by default,
// since most clients (GDAL, QGIS) send no Accept or */*.
func negotiate(r *http.Request) (format, error) {
	if vs, ok := r.URL.Query()["f"]; ok {
		if len(vs) != 1 {
			return 0, domain.Invalid("f", "given more than once")
		}
		switch vs[0] {
		case "json", "geojson", "jsonfg":
			return formatJSON, nil
		case "html":
			return formatHTML, nil
		}
		return 0, domain.Invalid("f", "must be json or html, not %q", vs[0])
	}
	media, ok := httpx.Negotiate(r.Header.Get("Accept"), httpx.MediaJSON, acceptOffers...)
	if ok && (media == httpx.MediaHTML || media == mediaXHTML) {
		return formatHTML, nil
	}
	return formatJSON, nil
}

const mediaXHTML = "application/xhtml+xml"

// acceptOffers are the media types the API answers in, JSON first: a
// client that names none of them (or only another application/ type) gets
// JSON, what GDAL and QGIS expect.
var acceptOffers = []string{
	httpx.MediaJSON, httpx.MediaGeoJSON, "application/schema+json", "application/vnd.oai.openapi+json",
	httpx.MediaHTML, mediaXHTML,
}
