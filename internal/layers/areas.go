package layers

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/paulmach/orb/geojson"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

var areaTypes = []string{"Polygon", "MultiPolygon"}

func kecamatanLayer() *Layer {
	l := &Layer{
		Name:          "kecamatan",
		Title:         "Kecamatan",
		Description:   "Delapan kecamatan Kota Baubau.",
		GeometryTypes: areaTypes,
		IDProperty:    "kode",
		Generalised:   true,
		Fields: []Field{
			{Name: "kode", Type: String, Description: "Kemendagri code, e.g. 74.72.02"},
			{Name: "nama", Type: String, Description: "Name, e.g. Wolio"},
			{Name: "areaSqM", Type: Number, Description: "Geodesic area in square metres (WGS 84)"},
		},
		Params: []Param{
			{Name: "kode", Type: String, List: true, Description: "Kecamatan codes"},
		},
		MinZoom: 6, MaxZoom: 16, Keyset: true,
	}
	l.fetch = func(ctx context.Context, s store.Store, q Query) (Result, error) {
		r := values{l, q.Filter}
		codes := r.list("kode")
		rd := reads(s, q)
		ks, err := rd.kecamatans(ctx, domain.KecamatanFilter{}, rd.z)
		if err != nil {
			return Result{}, err
		}
		// A kecamatan is the union of its kelurahan, so it meets the box
		// exactly when one of them does; asking the store keeps the
		// intersection rule in one place.
		var inBox map[string]bool
		if q.BBox != nil {
			kels, err := rd.kelurahans(ctx, domain.KelurahanFilter{BBox: q.BBox}, allZooms)
			if err != nil {
				return Result{}, err
			}
			inBox = map[string]bool{}
			for _, k := range kels {
				inBox[k.KecamatanCode] = true
			}
		}
		var feats []*geojson.Feature
		for _, k := range ks {
			if (codes != nil && !slices.Contains(codes, k.Code)) || (inBox != nil && !inBox[k.Code]) {
				continue
			}
			feats = append(feats, kecamatanFeature(k))
		}
		return window(feats, q), nil
	}
	l.get = func(ctx context.Context, s store.Store, id string) (*geojson.Feature, error) {
		k, err := s.Kecamatan(ctx, id)
		if err != nil {
			return nil, err
		}
		return kecamatanFeature(k), nil
	}
	return l
}

func kecamatanFeature(k domain.Kecamatan) *geojson.Feature {
	f := geojson.NewFeature(k.Geometry)
	f.ID = k.Code
	f.Properties = geojson.Properties{"kode": k.Code, "nama": k.Name, "areaSqM": roundArea(k.AreaSqM)}
	return f
}

func kelurahanLayer() *Layer {
	l := &Layer{
		Name:          "kelurahan",
		Title:         "Kelurahan",
		Description:   "Ke-43 kelurahan Kota Baubau.",
		GeometryTypes: areaTypes,
		IDProperty:    "kode",
		Generalised:   true,
		Fields: []Field{
			{Name: "kode", Type: String, Description: "Kemendagri code, e.g. 74.72.02.1001"},
			{Name: "nama", Type: String, Description: "Name, e.g. Wale"},
			{Name: "kecamatanCode", Type: String, Description: "Code of its kecamatan"},
			{Name: "areaSqM", Type: Number, Description: "Geodesic area in square metres (WGS 84)"},
			{Name: "conflictProne", Type: Boolean, Description: "Listed by the program as prone to social conflict"},
		},
		Params: []Param{
			{Name: "kode", Type: String, List: true, Description: "Kelurahan codes"},
			{Name: "kecamatanCode", Type: String, Description: "Kelurahan of this kecamatan"},
			{Name: "nameContains", Type: String, Description: "Case-insensitive part of the name"},
			{Name: "conflictProne", Type: Boolean, Description: "Conflict-prone (true) or not (false)"},
			{Name: "hasForum", Type: Boolean, Description: "Served (true) or not (false) by an active forum"},
		},
		MinZoom: 4, MaxZoom: 16, Keyset: true,
	}
	l.fetch = func(ctx context.Context, s store.Store, q Query) (Result, error) {
		r := values{l, q.Filter}
		f := domain.KelurahanFilter{BBox: q.BBox}
		var err error
		if f.KecamatanCode, err = r.str("kecamatanCode"); err != nil {
			return Result{}, err
		}
		if f.NameContains, err = r.str("nameContains"); err != nil {
			return Result{}, err
		}
		if f.ConflictProne, err = r.bool("conflictProne"); err != nil {
			return Result{}, err
		}
		if f.HasForum, err = r.bool("hasForum"); err != nil {
			return Result{}, err
		}
		codes := r.list("kode")
		if codes == nil && !q.Shared {
			return kelurahanPage(ctx, s, f, q)
		}
		rd := reads(s, q)
		ks, err := rd.kelurahans(ctx, f, rd.z)
		if err != nil {
			return Result{}, err
		}
		var feats []*geojson.Feature
		for _, k := range ks {
			if codes != nil && !slices.Contains(codes, k.Code) {
				continue
			}
			feats = append(feats, kelurahanFeature(k))
		}
		return window(feats, q), nil
	}
	l.get = func(ctx context.Context, s store.Store, id string) (*geojson.Feature, error) {
		k, err := s.Kelurahan(ctx, id)
		if err != nil {
			return nil, err
		}
		return kelurahanFeature(k), nil
	}
	return l
}

// kelurahanPage is a window of the kelurahan layer read from the store one
// page at a time (after q.After, at most the window and one more, to know
// whether more follow): at national size a page of 100 of the 83,190 must
// not read, convert and count them all. As for projects, the number
// matched is known only when the window reaches the end of a list read
// from its start (an offset past the end says only that it is shorter).
func kelurahanPage(ctx context.Context, s store.Store, f domain.KelurahanFilter, q Query) (Result, error) {
	lo := max(q.Offset, 0)
	f.AfterCode = q.After
	if q.Limit > 0 {
		f.Limit = lo + q.Limit + 1
	}
	ks, err := s.Kelurahans(ctx, f)
	if err != nil {
		return Result{}, err
	}
	res := Result{NumberMatched: -1}
	if q.Limit > 0 && len(ks) > lo+q.Limit {
		res.More = true
		ks = ks[:lo+q.Limit]
	}
	for _, k := range ks[min(lo, len(ks)):] {
		res.Features = append(res.Features, kelurahanFeature(k))
	}
	if !res.More && q.After == "" && (len(res.Features) > 0 || lo == 0) {
		res.NumberMatched = len(ks)
	}
	return res, nil
}

func kelurahanFeature(k domain.Kelurahan) *geojson.Feature {
	f := geojson.NewFeature(k.Geometry)
	f.ID = k.Code
	f.Properties = geojson.Properties{
		"kode":          k.Code,
		"nama":          k.Name,
		"kecamatanCode": k.KecamatanCode,
		"areaSqM":       roundArea(k.AreaSqM),
		"conflictProne": k.ConflictProne,
	}
	return f
}

// roundArea keeps square metres to one decimal: the source polygons are
// simplified, so more digits only cost bytes.
func roundArea(a float64) float64 {
	return float64(int64(a*10+0.5)) / 10
}

// window applies q's offset and limit to a full, ordered list.
func window(feats []*geojson.Feature, q Query) Result {
	// Every match is in hand, so the count is free.
	matched := len(feats)
	if q.After != "" {
		// feats are in ascending id order (Layer.Keyset).
		i, _ := slices.BinarySearchFunc(feats, q.After, func(f *geojson.Feature, id string) int {
			return strings.Compare(fmt.Sprint(f.ID), id)
		})
		for i < len(feats) && fmt.Sprint(feats[i].ID) <= q.After {
			i++
		}
		feats = feats[i:]
	}
	n := len(feats)
	lo := min(max(q.Offset, 0), n)
	hi := n
	if q.Limit > 0 {
		hi = min(lo+q.Limit, n)
	}
	return Result{Features: feats[lo:hi], More: hi < n, NumberMatched: matched}
}
