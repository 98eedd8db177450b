package ogcapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/serasi/serasi/internal/domain"
)

type format int

const (
	formatJSON format = iota
	formatHTML
)

// negotiate picks JSON or HTML: the f parameter wins, then the Accept
// header's preference (q values, first listed on a tie); JSON by default,
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
	best, bestQ := formatJSON, 0.0
	for part := range strings.SplitSeq(r.Header.Get("Accept"), ",") {
		media, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		media = strings.ToLower(strings.TrimSpace(media))
		q := 1.0
		for p := range strings.SplitSeq(params, ";") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(p), "q="); ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					q = f
				}
			}
		}
		var f format
		switch {
		case media == "text/html" || media == "application/xhtml+xml":
			f = formatHTML
		case strings.HasPrefix(media, "application/") || media == "*/*":
			f = formatJSON
		default:
			continue
		}
		if q > bestQ {
			best, bestQ = f, q
		}
	}
	return best, nil
}
