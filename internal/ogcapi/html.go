package ogcapi

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"

	"github.com/paulmach/orb/geojson"

	"github.com/serasi/serasi/internal/layers"
)

// The HTML view is for people browsing the API: plain pages, no scripts or
// external assets, links between the same resources as the JSON.
var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"prop": func(f *geojson.Feature, name string) string {
		v, ok := f.Properties[name]
		if !ok || v == nil {
			return ""
		}
		return fmt.Sprint(v)
	},
	"geomType": func(f *geojson.Feature) string {
		if f.Geometry == nil {
			return "none"
		}
		return f.Geometry.GeoJSONType()
	},
}).Parse(`
{{define "head"}}<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.}}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left;vertical-align:top}</style>
</head><body>{{end}}
{{define "foot"}}</body></html>{{end}}
{{define "links"}}<h2>Links</h2><ul>{{range .}}<li><a href="{{.Href}}">{{if .Title}}{{.Title}}{{else}}{{.Href}}{{end}}</a> ({{.Rel}}{{if .Type}}, {{.Type}}{{end}})</li>{{end}}</ul>{{end}}

{{define "landing"}}{{template "head" .Title}}<h1>{{.Title}}</h1><p>{{.Description}}</p>{{template "links" .Links}}{{template "foot"}}{{end}}

{{define "conformance"}}{{template "head" "Conformance"}}<h1>Conformance classes</h1><ul>{{range .ConformsTo}}<li>{{.}}</li>{{end}}</ul>{{template "foot"}}{{end}}

{{define "collections"}}{{template "head" "Collections"}}<h1>Collections</h1>
<table><tr><th>Collection</th><th>Description</th></tr>{{range .Collections}}<tr><td><a href="{{(index .Links 1).Href}}">{{.Title}}</a></td><td>{{.Description}}</td></tr>{{end}}</table>
{{template "links" .Links}}{{template "foot"}}{{end}}

{{define "collection"}}{{template "head" .Title}}<h1>{{.Title}}</h1><p>{{.Description}}</p>
<p>Extent (lon/lat): {{range .Extent.Spatial.BBox}}{{.}}{{end}}</p>{{template "links" .Links}}{{template "foot"}}{{end}}

{{define "items"}}{{template "head" .Layer.Title}}<h1>{{.Layer.Title}}</h1>
<p>{{.Doc.NumberReturned}} of {{.Doc.NumberMatched}} features.</p>
<table><tr><th>geometry</th>{{range .Fields}}<th>{{.Name}}</th>{{end}}</tr>
{{$fields := .Fields}}{{$items := .ItemsHref}}{{range .Doc.Features}}{{$f := .}}<tr><td><a href="{{$items}}/{{prop $f "_id"}}?f=html">{{geomType $f}}</a></td>{{range $fields}}<td>{{prop $f .Name}}</td>{{end}}</tr>{{end}}</table>
{{template "links" .Doc.Links}}{{template "foot"}}{{end}}

{{define "item"}}{{template "head" .Layer.Title}}<h1>{{.Layer.Title}}: {{.ID}}</h1>
<table><tr><th>geometry</th><td>{{geomType .Doc.Feature}}</td></tr>{{$f := .Doc.Feature}}{{range .Fields}}<tr><th>{{.Name}}</th><td>{{prop $f .Name}}</td></tr>{{end}}</table>
{{template "links" .Doc.Links}}{{template "foot"}}{{end}}

{{define "api"}}{{template "head" "API definition"}}<h1>API definition</h1>
<p>The OpenAPI 3.0 definition of this API is at <a href="{{.}}">{{.}}</a>.</p>{{template "foot"}}{{end}}
`))

// html renders doc with the named page.
func (a *api) html(w http.ResponseWriter, r *http.Request, page string, doc any) {
	data := doc
	switch d := doc.(type) {
	case itemsDoc:
		data = itemsView{Doc: d, Layer: d.layer, Fields: d.layer.Fields, ItemsHref: a.root(r) + "/collections/" + d.layer.Name + "/items"}
		// The template links each row by the feature id.
		for _, f := range d.Features {
			f.Properties["_id"] = fmt.Sprint(f.ID)
		}
	case itemDoc:
		data = itemView{Doc: d, Layer: d.layer, Fields: d.layer.Fields, ID: fmt.Sprint(d.Feature.ID)}
	}
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, page, data); err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(buf.Bytes())
}

type itemsView struct {
	Doc       itemsDoc
	Layer     *layers.Layer
	Fields    []layers.Field
	ItemsHref string
}

type itemView struct {
	Doc    itemDoc
	Layer  *layers.Layer
	Fields []layers.Field
	ID     string
}
