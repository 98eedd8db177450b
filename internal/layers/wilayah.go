package layers

import (
	"context"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/spatial"
	"github.com/serasi/serasi/internal/store"
)

// The levels above the kecamatan. A feature meets a box when its own
// polygon does (the kelurahan rule); the PostGIS tile SQL says the same.

func provinsiLayer() *Layer {
	l := &Layer{
		Name:          "provinsi",
		Title:         "Provinsi",
		Description:   "Provinsi; dalam data bawaan hanya Sulawesi Tenggara, sebatas Kota Baubau.",
		GeometryTypes: areaTypes,
		IDProperty:    "kode",
		Generalised:   true,
		Fields: []Field{
			{Name: "kode", Type: String, Description: "Kemendagri code, e.g. 74"},
			{Name: "nama", Type: String, Description: "Name, e.g. Sulawesi Tenggara"},
			{Name: "areaSqM", Type: Number, Description: "Geodesic area in square metres (WGS 84)"},
			{Name: "derived", Type: Boolean, Description: "No polygon in the source: the union of its kabupaten/kota"},
		},
		Params: []Param{
			{Name: "kode", Type: String, List: true, Description: "Provinsi codes"},
		},
		MinZoom: 2, MaxZoom: 12, Keyset: true,
	}
	l.fetch = func(ctx context.Context, s store.Store, q Query) (Result, error) {
		codes := values{l, q.Filter}.list("kode")
		rd := reads(s, q)
		ps, err := rd.provinsis(ctx, rd.z)
		if err != nil {
			return Result{}, err
		}
		var feats []*geojson.Feature
		for _, p := range ps {
			if (codes == nil || slices.Contains(codes, p.Code)) && meets(q.BBox, p.Bound, p.Geometry) {
				feats = append(feats, provinsiFeature(p))
			}
		}
		return window(feats, q), nil
	}
	l.get = func(ctx context.Context, s store.Store, id string) (*geojson.Feature, error) {
		p, err := s.Provinsi(ctx, id)
		if err != nil {
			return nil, err
		}
		return provinsiFeature(p), nil
	}
	return l
}

func provinsiFeature(p domain.Provinsi) *geojson.Feature {
	f := geojson.NewFeature(p.Geometry)
	f.ID = p.Code
	f.Properties = geojson.Properties{"kode": p.Code, "nama": p.Name, "areaSqM": roundArea(p.AreaSqM), "derived": p.Derived}
	return f
}

func kabupatenKotaLayer() *Layer {
	l := &Layer{
		Name:          "kabupaten_kota",
		Title:         "Kabupaten/Kota",
		Description:   "Kabupaten dan kota; dalam data bawaan hanya Kota Baubau.",
		GeometryTypes: areaTypes,
		IDProperty:    "kode",
		Generalised:   true,
		Fields: []Field{
			{Name: "kode", Type: String, Description: "Kemendagri code, e.g. 74.72"},
			{Name: "nama", Type: String, Description: "Name, e.g. Kota Baubau"},
			{Name: "provinsiCode", Type: String, Description: "Code of its provinsi"},
			{Name: "kind", Type: String, Description: "KABUPATEN or KOTA"},
			{Name: "areaSqM", Type: Number, Description: "Geodesic area in square metres (WGS 84)"},
			{Name: "derived", Type: Boolean, Description: "No polygon in the source: the union of its kecamatan"},
		},
		Params: []Param{
			{Name: "kode", Type: String, List: true, Description: "Kabupaten/kota codes"},
			{Name: "provinsiCode", Type: String, Description: "Kabupaten/kota of this provinsi"},
		},
		MinZoom: 4, MaxZoom: 14, Keyset: true,
	}
	l.fetch = func(ctx context.Context, s store.Store, q Query) (Result, error) {
		r := values{l, q.Filter}
		codes := r.list("kode")
		prov, err := r.str("provinsiCode")
		if err != nil {
			return Result{}, err
		}
		rd := reads(s, q)
		ks, err := rd.kabupatenKotas(ctx, domain.KabupatenKotaFilter{ProvinsiCode: prov}, rd.z)
		if err != nil {
			return Result{}, err
		}
		var feats []*geojson.Feature
		for _, k := range ks {
			if (codes == nil || slices.Contains(codes, k.Code)) && meets(q.BBox, k.Bound, k.Geometry) {
				feats = append(feats, kabupatenKotaFeature(k))
			}
		}
		return window(feats, q), nil
	}
	l.get = func(ctx context.Context, s store.Store, id string) (*geojson.Feature, error) {
		k, err := s.KabupatenKota(ctx, id)
		if err != nil {
			return nil, err
		}
		return kabupatenKotaFeature(k), nil
	}
	return l
}

func kabupatenKotaFeature(k domain.KabupatenKota) *geojson.Feature {
	f := geojson.NewFeature(k.Geometry)
	f.ID = k.Code
	f.Properties = geojson.Properties{"kode": k.Code, "nama": k.Name, "provinsiCode": k.ProvinsiCode,
		"kind": string(k.Kind), "areaSqM": roundArea(k.AreaSqM), "derived": k.Derived}
	return f
}

// meets reports whether a polygon (with its bound) intersects box; no box
// keeps everything.
func meets(box *orb.Bound, b orb.Bound, g orb.Geometry) bool {
	if box == nil {
		return true
	}
	if !box.Intersects(b) {
		return false
	}
	// A polygon whose bound lies inside the box meets it.
	return (box.Contains(b.Min) && box.Contains(b.Max)) || spatial.Intersects(g, box.ToPolygon())
}
