// Package geobuild builds the files of geodata/: it normalises the shared
// kelurahan boundaries, dissolves them into kecamatan, generates the
// illustrative program data, and generates synthetic projects for
// benchmarks.
package geobuild

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/planar"
	sf "github.com/peterstace/simplefeatures/geom"

	"github.com/serasi/serasi/internal/boundaries"
	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/geodesy"
	"github.com/serasi/serasi/internal/spatial"
)

// MinHoleSqM is the smallest interior hole kept when kelurahan are
// dissolved into kecamatan: the boundary import's rule
// (boundaries.MinHoleSqM).
const MinHoleSqM = boundaries.MinHoleSqM

// kecamatanNames are the eight kecamatan of Kota Baubau. The kelurahan file
// carries only codes; the names come from the kecamatan-level file of the
// same source (see /work/shared/data/README.md).
var kecamatanNames = map[string]string{
	"74.72.01": "Betoambari",
	"74.72.02": "Wolio",
	"74.72.03": "Sorawolio",
	"74.72.04": "Bungi",
	"74.72.05": "Kokalukuna",
	"74.72.06": "Murhum",
	"74.72.07": "Lea-Lea",
	"74.72.08": "Batupoaro",
}

// The levels above, named as in the national source (kab_74, prov).
const (
	provinsiCode, provinsiName = "74", "Sulawesi Tenggara"
	kotaCode, kotaName         = "74.72", "Kota Baubau"
)

// Normalised is the result of Normalise.
type Normalised struct {
	// Provinsis and KabupatenKotas hold Sulawesi Tenggara and Kota Baubau,
	// Derived: their polygons are the union of the embedded kecamatan, so
	// the provinsi covers only its part in Kota Baubau.
	Provinsis      []domain.Provinsi
	KabupatenKotas []domain.KabupatenKota
	Kecamatans     []domain.Kecamatan // ordered by code
	Kelurahans     []domain.Kelurahan // ordered by code
	// DroppedHoles counts the sliver holes removed from the dissolved
	// kecamatan, DroppedHoleSqM is their total area and LargestHoleSqM the
	// area of the largest.
	DroppedHoles   int
	DroppedHoleSqM float64
	LargestHoleSqM float64
	// KotaDroppedHoles and KotaLargestHoleSqM are the same for the union
	// of the kecamatan into Kota Baubau (the gaps between kecamatan).
	KotaDroppedHoles   int
	KotaLargestHoleSqM float64
}

// sourceFeature is one feature of the shared source file.
type sourceFeature struct {
	Type       string          `json:"type"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties struct {
		Kode string  `json:"kode"`
		Nama string  `json:"nama"`
		Lat  float64 `json:"lat"`
		Lng  float64 `json:"lng"`
	} `json:"properties"`
}

// Normalise reads the shared kelurahan source (a FeatureCollection with
// properties kode, nama, lat, lng and clockwise rings) and returns the
// kelurahan with rounded, counter-clockwise, validated geometry and planar
// centroids, and the kecamatan dissolved from them.
func Normalise(src []byte) (*Normalised, error) {
	var fc struct {
		Type     string          `json:"type"`
		Features []sourceFeature `json:"features"`
	}
	if err := json.Unmarshal(src, &fc); err != nil {
		return nil, fmt.Errorf("geobuild: source: %w", err)
	}
	if fc.Type != "FeatureCollection" {
		return nil, fmt.Errorf("geobuild: source: type is %q, want FeatureCollection", fc.Type)
	}
	n := &Normalised{}
	seen := map[string]bool{}
	for i, f := range fc.Features {
		code, name := f.Properties.Kode, f.Properties.Nama
		fail := func(format string, args ...any) error {
			return fmt.Errorf("geobuild: source feature %d (%s %s): %s", i, code, name, fmt.Sprintf(format, args...))
		}
		if seen[code] || code == "" {
			return nil, fail("missing or duplicate kode")
		}
		seen[code] = true
		kec := domain.KecamatanCodeOf(code)
		if _, ok := kecamatanNames[kec]; !ok {
			return nil, fail("kecamatan %q is not one of Kota Baubau's", kec)
		}
		g, err := spatial.ParseGeoJSON("geometry", f.Geometry)
		if err != nil {
			return nil, fail("%v", err)
		}
		if _, ok := g.(orb.Polygon); !ok {
			if _, ok := g.(orb.MultiPolygon); !ok {
				return nil, fail("geometry is a %s, want Polygon or MultiPolygon", g.GeoJSONType())
			}
		}
		g, err = clean(g)
		if err != nil {
			return nil, fail("%v", err)
		}
		c, _ := planar.CentroidArea(g)
		n.Kelurahans = append(n.Kelurahans, domain.Kelurahan{
			Code: code, Name: name, KecamatanCode: kec, Jenis: domain.JenisOfCode(code), Geometry: g,
			Centroid: dataset.RoundPoint(c), Bound: g.Bound(), AreaSqM: geodesy.Area(g),
		})
	}
	slices.SortFunc(n.Kelurahans, func(a, b domain.Kelurahan) int { return strings.Compare(a.Code, b.Code) })
	if err := n.dissolve(); err != nil {
		return nil, err
	}
	return n, nil
}

// clean normalises g by the rules of boundaries.Normalise, the same as
// `serasi import boundaries` applies, so the embedded data and an import of
// the same source agree exactly. Rounding comes first so that what is
// validated is exactly what is written.
func clean(g orb.Geometry) (orb.Geometry, error) {
	return boundaries.Normalise(g, &boundaries.Repairs{})
}

// dissolve builds each kecamatan as the union of its kelurahan, and Kota
// Baubau and its provinsi as the union of the kecamatan.
func (n *Normalised) dissolve() error {
	groups := map[string][]orb.Geometry{}
	for _, k := range n.Kelurahans {
		groups[k.KecamatanCode] = append(groups[k.KecamatanCode], k.Geometry)
	}
	codes := make([]string, 0, len(kecamatanNames))
	for code := range kecamatanNames {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	var kecs []orb.Geometry
	for _, code := range codes {
		if len(groups[code]) == 0 {
			return fmt.Errorf("geobuild: kecamatan %s %s: has no kelurahan in the source", code, kecamatanNames[code])
		}
		g, err := n.union(groups[code])
		if err != nil {
			return fmt.Errorf("geobuild: kecamatan %s %s: %w", code, kecamatanNames[code], err)
		}
		n.Kecamatans = append(n.Kecamatans, domain.Kecamatan{
			Code: code, Name: kecamatanNames[code], KabupatenKotaCode: kotaCode, Geometry: g, Bound: g.Bound(),
			AreaSqM: geodesy.Area(g),
		})
		kecs = append(kecs, g)
	}
	// The kota's holes are counted apart: the kecamatan figures are what
	// geodata/README.md reports for the kecamatan.
	kota := &Normalised{}
	g, err := kota.union(kecs)
	n.KotaDroppedHoles, n.KotaLargestHoleSqM = kota.DroppedHoles, kota.LargestHoleSqM
	if err != nil {
		return fmt.Errorf("geobuild: %s: %w", kotaName, err)
	}
	area := geodesy.Area(g)
	n.KabupatenKotas = []domain.KabupatenKota{{Code: kotaCode, Name: kotaName, ProvinsiCode: provinsiCode,
		Kind: domain.KindOfCode(kotaCode), Geometry: g, Bound: g.Bound(), AreaSqM: area, Derived: true}}
	n.Provinsis = []domain.Provinsi{{Code: provinsiCode, Name: provinsiName, Geometry: g, Bound: g.Bound(),
		AreaSqM: area, Derived: true}}
	return nil
}

// union dissolves gs into one normalised polygon without sliver holes.
func (n *Normalised) union(gs []orb.Geometry) (orb.Geometry, error) {
	parts := make([]sf.Geometry, len(gs))
	for i, g := range gs {
		var err error
		if parts[i], err = toSF(g); err != nil {
			return nil, err
		}
	}
	u, err := sf.UnionMany(parts)
	if err != nil {
		return nil, fmt.Errorf("union: %v", err)
	}
	g, err := fromSF(u)
	if err != nil {
		return nil, err
	}
	return clean(n.dropSliverHoles(g))
}

// dropSliverHoles removes interior rings smaller than MinHoleSqM, counting them.
func (n *Normalised) dropSliverHoles(g orb.Geometry) orb.Geometry {
	return boundaries.DropSliverHoles(g, func(a float64) {
		n.DroppedHoles++
		n.DroppedHoleSqM += a
		n.LargestHoleSqM = max(n.LargestHoleSqM, a)
	})
}

// toSF and fromSF move geometries between orb and simplefeatures through
// WKB, which both libraries read and write losslessly.
func toSF(g orb.Geometry) (sf.Geometry, error) {
	b, err := wkb.Marshal(g)
	if err != nil {
		return sf.Geometry{}, err
	}
	return sf.UnmarshalWKB(b)
}

func fromSF(g sf.Geometry) (orb.Geometry, error) {
	og, err := wkb.Unmarshal(g.AsBinary())
	if err != nil {
		return nil, err
	}
	switch og.(type) {
	case orb.Polygon, orb.MultiPolygon:
		return og, nil
	}
	return nil, fmt.Errorf("union is a %s, want Polygon or MultiPolygon", og.GeoJSONType())
}

// Files returns the contents of provinsi.geojson, kabupaten-kota.geojson,
// kelurahan.geojson and kecamatan.geojson.
func (n *Normalised) Files() (map[string][]byte, error) {
	var prov, kab, kel, kec bytes.Buffer
	if err := dataset.WriteProvinsis(&prov, n.Provinsis); err != nil {
		return nil, err
	}
	if err := dataset.WriteKabupatenKotas(&kab, n.KabupatenKotas); err != nil {
		return nil, err
	}
	if err := dataset.WriteKelurahans(&kel, n.Kelurahans); err != nil {
		return nil, err
	}
	if err := dataset.WriteKecamatans(&kec, n.Kecamatans); err != nil {
		return nil, err
	}
	return map[string][]byte{dataset.ProvinsiFile: prov.Bytes(), dataset.KabupatenKotaFile: kab.Bytes(),
		dataset.KelurahanFile: kel.Bytes(), dataset.KecamatanFile: kec.Bytes()}, nil
}

// WriteFiles writes files into dir, in name order.
func WriteFiles(dir string, files map[string][]byte) error {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(dir, name), files[name], 0o644); err != nil {
			return fmt.Errorf("geobuild: %w", err)
		}
	}
	return nil
}
