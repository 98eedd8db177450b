package ogcapi

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/paulmach/orb/geojson"

	"github.com/serasi/serasi/internal/layers"
)

// labels are the Indonesian column headings of feature properties, by
// property name; a name not here is shown as it is.
var labels = map[string]string{
	"kode":           "Kode",
	"nama":           "Nama",
	"name":           "Nama",
	"title":          "Judul",
	"areaSqM":        "Luas (m²)",
	"kecamatanCode":  "Kecamatan",
	"kelurahanCode":  "Kelurahan",
	"kelurahanCodes": "Kelurahan dilayani",
	"conflictProne":  "Rawan konflik",
	"id":             "ID",
	"status":         "Status",
	"statusLabelId":  "Status",
	"kind":           "Jenis",
	"kindLabelId":    "Jenis",
	"yearFormed":     "Tahun dibentuk",
	"memberCount":    "Anggota",
	"year":           "Tahun anggaran",
	"budgetRupiah":   "Anggaran (Rp)",
	"beneficiaries":  "Penerima manfaat",
	"forumId":        "Forum",
	"startDate":      "Mulai",
	"finishDate":     "Selesai",
	"date":           "Tanggal",
	"participants":   "Peserta",
	"description":    "Keterangan",
}

// geometryNames are the GeoJSON geometry types in Indonesian.
var geometryNames = map[string]string{
	"Point": "Titik", "MultiPoint": "Multititik", "LineString": "Garis", "MultiLineString": "Multigaris",
	"Polygon": "Poligon", "MultiPolygon": "Multipoligon",
}

// thousands writes n with Indonesian digit grouping (1.234.567).
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	var b []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, '.')
		}
		b = append(b, s[i])
	}
	if neg {
		return "-" + string(b)
	}
	return string(b)
}

// The HTML view is for people browsing the API: plain pages, no scripts or
// external assets, links between the same resources as the JSON. The items
// table leaves out what the item page shows (long texts, and the codes
// behind the labels), keeps short cells on one line and scrolls sideways
// inside its box rather than widening the page.
var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"prop": func(f *geojson.Feature, field layers.Field) string {
		v, ok := f.Properties[field.Name]
		if !ok || v == nil {
			return "–"
		}
		switch v := v.(type) {
		case bool:
			if v {
				return "ya"
			}
			return "tidak"
		case int:
			if field.Name == "budgetRupiah" || field.Name == "areaSqM" {
				return thousands(int64(v))
			}
		case int64:
			if field.Name == "budgetRupiah" {
				return thousands(v)
			}
		case float64:
			if field.Name == "areaSqM" || field.Name == "budgetRupiah" {
				return thousands(int64(v + 0.5))
			}
		}
		return fmt.Sprint(v)
	},
	"cellClass": cellClass,
	"label": func(name string) string {
		if l, ok := labels[name]; ok {
			return l
		}
		return name
	},
	"geomType": func(f *geojson.Feature) string {
		if f.Geometry == nil {
			return "tanpa geometri"
		}
		if n, ok := geometryNames[f.Geometry.GeoJSONType()]; ok {
			return n
		}
		return f.Geometry.GeoJSONType()
	},
}).Parse(`
{{define "head"}}<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.}}</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5rem 2rem;color:#1c2733;line-height:1.45}
main{max-width:84rem}
h1{font-size:1.6rem;margin:.2rem 0 .6rem}h2{font-size:1.15rem;margin-top:1.6rem}
nav{font-size:.9rem;margin-bottom:.8rem}nav a{margin-right:.6rem}
a{color:#0b5cad}
.box{overflow-x:auto;max-width:100%;border:1px solid #d5dbe1;border-radius:4px}
table{border-collapse:collapse;font-size:.875rem}
td,th{border-bottom:1px solid #e3e7eb;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f2f5f7;font-weight:600}
td{max-width:22rem;overflow-wrap:break-word}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
td.code{white-space:nowrap}
td.text{min-width:8rem;max-width:15rem}
td.id a{white-space:nowrap}td.id span{display:block;color:#5b6670;font-size:.8rem}
table.kv th{text-align:right;width:12rem}
ul.links{padding-left:1.2rem}ul.links li{margin:.15rem 0}
.rel{color:#5b6670;font-size:.85rem}
</style>
</head><body><main>{{end}}
{{define "foot"}}</main></body></html>{{end}}
{{define "links"}}<h2>Tautan</h2><ul class="links">{{range .}}<li><a href="{{.Href}}">{{if .Title}}{{.Title}}{{else}}{{.Href}}{{end}}</a> <span class="rel">({{.Rel}}{{if .Type}}, {{.Type}}{{end}})</span></li>{{end}}</ul>{{end}}

{{define "landing"}}{{template "head" .Title}}<h1>{{.Title}}</h1><p>{{.Description}}</p>{{template "links" .Links}}{{template "foot"}}{{end}}

{{define "conformance"}}{{template "head" "Kelas kesesuaian"}}<h1>Kelas kesesuaian</h1><p>Kelas OGC API yang dipenuhi layanan ini:</p><ul>{{range .ConformsTo}}<li>{{.}}</li>{{end}}</ul>{{template "foot"}}{{end}}

{{define "collections"}}{{template "head" "Koleksi"}}<h1>Koleksi</h1>
<div class="box"><table><tr><th>Koleksi</th><th>Keterangan</th></tr>{{range .Collections}}<tr><td><a href="{{(index .Links 1).Href}}">{{.Title}}</a></td><td>{{.Description}}</td></tr>{{end}}</table></div>
{{template "links" .Links}}{{template "foot"}}{{end}}

{{define "collection"}}{{template "head" .Title}}<h1>{{.Title}}</h1><p>{{.Description}}</p>
<p>Cakupan (bujur/lintang): {{range .Extent.Spatial.BBox}}{{.}}{{end}}</p>{{template "links" .Links}}{{template "foot"}}{{end}}

{{define "items"}}{{template "head" .Layer.Title}}<nav><a href="{{.CollectionHref}}?f=html">{{.Layer.Title}}</a></nav><h1>{{.Layer.Title}}</h1>
<p>{{.Doc.NumberReturned}} fitur{{with .Doc.NumberMatched}} dari {{.}}{{end}} di halaman ini.{{with .Next}} <a href="{{.}}">Halaman berikutnya</a>{{end}}</p>
<div class="box"><table><tr><th>{{label .Layer.IDProperty}}</th>{{range .Fields}}<th title="{{.Description}}">{{label .Name}}</th>{{end}}</tr>
{{$fields := .Fields}}{{$items := .ItemsHref}}{{range .Doc.Features}}{{$f := .}}<tr><td class="id"><a href="{{$items}}/{{index $f.Properties "_id"}}?f=html">{{index $f.Properties "_id"}}</a><span>{{geomType $f}}</span></td>{{range $fields}}<td class="{{cellClass .}}">{{prop $f .}}</td>{{end}}</tr>{{end}}</table></div>
{{template "links" .Doc.Links}}{{template "foot"}}{{end}}

{{define "item"}}{{template "head" .Layer.Title}}<nav><a href="{{.CollectionHref}}?f=html">{{.Layer.Title}}</a></nav><h1>{{.Layer.Title}}: {{.ID}}</h1>
<div class="box"><table class="kv"><tr><th>Geometri</th><td>{{geomType .Doc.Feature}}</td></tr>{{$f := .Doc.Feature}}{{range .Fields}}<tr><th title="{{.Description}}">{{label .Name}}</th><td>{{prop $f .}}</td></tr>{{end}}</table></div>
{{template "links" .Doc.Links}}{{template "foot"}}{{end}}

{{define "api"}}{{template "head" "Definisi API"}}<h1>Definisi API</h1>
<p>Definisi OpenAPI 3.0 layanan ini ada di <a href="{{.}}">{{.}}</a>.</p>{{template "foot"}}{{end}}
`))

// cellClass sets how a column wraps: numbers right-aligned on one line,
// codes, ids and dates on one line, texts wrapped between words at a width
// that keeps a few words on each line.
func cellClass(f layers.Field) string {
	switch {
	case f.Type == layers.Integer || f.Type == layers.Number:
		return "num"
	case f.Format == "date", f.Name == "id", f.Name == "kode", strings.HasSuffix(f.Name, "Id"), strings.HasSuffix(f.Name, "Code"):
		return "code"
	case f.Type == layers.String:
		return "text"
	}
	return ""
}

// tableFields are the columns of the items table: the layer's fields less
// long texts, the id (the first column, with the geometry type), the codes
// that a label column repeats in words, and the
// kecamatan code where the kelurahan code (which begins with it) is shown.
func tableFields(l *layers.Layer) []layers.Field {
	has := map[string]bool{}
	for _, f := range l.Fields {
		has[f.Name] = true
	}
	var out []layers.Field
	for _, f := range l.Fields {
		if f.Detail || f.Name == l.IDProperty || has[f.Name+"LabelId"] || (f.Name == "kecamatanCode" && has["kelurahanCode"]) {
			continue
		}
		out = append(out, f)
	}
	return out
}

// html renders doc with the named page.
func (a *api) html(w http.ResponseWriter, r *http.Request, page string, doc any) {
	data := doc
	switch d := doc.(type) {
	case itemsDoc:
		coll := a.root(r) + "/collections/" + d.layer.Name
		v := itemsView{Doc: d, Layer: d.layer, Fields: tableFields(d.layer), ItemsHref: coll + "/items", CollectionHref: coll}
		for _, l := range d.Links {
			if l.Rel == "next" {
				v.Next = l.Href
			}
		}
		// The template links each row by the feature id.
		for _, f := range d.Features {
			f.Properties["_id"] = fmt.Sprint(f.ID)
		}
		data = v
	case itemDoc:
		data = itemView{Doc: d, Layer: d.layer, Fields: d.layer.Fields, ID: fmt.Sprint(d.Feature.ID),
			CollectionHref: a.root(r) + "/collections/" + d.layer.Name}
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
	Doc            itemsDoc
	Layer          *layers.Layer
	Fields         []layers.Field
	ItemsHref      string
	CollectionHref string
	Next           string
}

type itemView struct {
	Doc            itemDoc
	Layer          *layers.Layer
	Fields         []layers.Field
	ID             string
	CollectionHref string
}
