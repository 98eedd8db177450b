package tiles

import (
	"net/http"
	"strings"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/layers"
)

// TileJSON is a TileJSON 3.0.0 document.
type TileJSON struct {
	TileJSON     string        `json:"tilejson"`
	Name         string        `json:"name"`
	Description  string        `json:"description,omitempty"`
	Attribution  string        `json:"attribution,omitempty"`
	Scheme       string        `json:"scheme"`
	Tiles        []string      `json:"tiles"`
	MinZoom      int           `json:"minzoom"`
	MaxZoom      int           `json:"maxzoom"`
	Bounds       [4]float64    `json:"bounds"`
	Center       [3]float64    `json:"center"`
	VectorLayers []VectorLayer `json:"vector_layers"`
}

// VectorLayer describes a layer inside the tiles. Fields map each property
// to its type ("String", "Number", "Boolean"), as tippecanoe writes them.
type VectorLayer struct {
	ID          string            `json:"id"`
	Description string            `json:"description,omitempty"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
	Fields      map[string]string `json:"fields"`
}

// attribution credits the boundary source (MIT licence requires it).
const attribution = "Batas wilayah: cahyadsn/wilayah_boundaries (MIT), Kepmendagri"

func (t *Server) serveTileJSON(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutSuffix(r.PathValue("file"), ".json")
	l, found := t.opts.Registry.Lookup(name)
	if !ok || !found {
		layers.WriteError(w, r, t.opts.Logger, domain.NotFound("layer", strings.TrimSuffix(r.PathValue("file"), ".json")))
		return
	}
	ext, err := layers.Extent(r.Context(), t.store)
	if err != nil {
		layers.WriteError(w, r, t.opts.Logger, err)
		return
	}
	fields := map[string]string{}
	for _, f := range l.Fields {
		if f.Detail {
			continue
		}
		switch f.Type {
		case layers.Integer, layers.Number:
			fields[f.Name] = "Number"
		case layers.Boolean:
			fields[f.Name] = "Boolean"
		default:
			fields[f.Name] = "String"
		}
	}
	c := ext.Center()
	doc := TileJSON{
		TileJSON:    "3.0.0",
		Name:        l.Title,
		Description: l.Description,
		Attribution: attribution,
		Scheme:      "xyz",
		Tiles:       []string{layers.BaseURL(r) + t.opts.BasePath + "/" + l.Name + "/{z}/{x}/{y}.mvt"},
		MinZoom:     l.MinZoom,
		MaxZoom:     l.MaxZoom,
		Bounds:      [4]float64{ext.Min[0], ext.Min[1], ext.Max[0], ext.Max[1]},
		Center:      [3]float64{c[0], c[1], float64(max(l.MinZoom, 12))},
		VectorLayers: []VectorLayer{{
			ID: l.Name, Description: l.Description, MinZoom: l.MinZoom, MaxZoom: l.MaxZoom, Fields: fields,
		}},
	}
	w.Header().Set("Cache-Control", t.cacheControl())
	layers.WriteJSON(w, http.StatusOK, "application/json", doc)
}
