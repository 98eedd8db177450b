package boundaries

import (
	"fmt"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/geodesy"
)

// MinHoleSqM is the smallest interior hole kept when children are
// dissolved into a derived parent. The source polygons were simplified one
// by one, so neighbours leave thin sliver gaps that become holes in the
// union; a real enclave is far larger.
const MinHoleSqM = 10_000

// area is one record of any level while reading.
type area struct {
	code, name string
	geom       orb.Geometry
	derived    bool
}

type reader struct {
	opt    Options
	report Report
	// levels holds the records read, by code, per number of code
	// segments minus one (0 provinsi … 3 kelurahan).
	levels [4]map[string]*area
	origin map[string]string // code → the file it came from, for refusals
}

func newReader(opt Options) *reader {
	r := &reader{opt: opt, origin: map[string]string{}}
	for i := range r.levels {
		r.levels[i] = map[string]*area{}
	}
	r.report.Derived = map[string][]string{}
	return r
}

var levelNames = [4]string{"provinsi", "kabupaten/kota", "kecamatan", "kelurahan"}

func (r *reader) refuse(file, code, format string, args ...any) {
	r.report.Refused = append(r.report.Refused, Refusal{File: file, Code: code, Reason: fmt.Sprintf(format, args...)})
}

func (r *reader) feature(file string, f sourceFeature) {
	code, err := parseCode(f.Properties.Kode)
	if err != nil {
		r.refuse(file, string(f.Properties.Kode), "%v", err)
		return
	}
	level := strings.Count(code, ".")
	name := strings.TrimSpace(f.Properties.Nama)
	switch {
	case f.Type != "Feature":
		r.refuse(file, code, "type is %q, want Feature", f.Type)
		return
	case name == "":
		r.refuse(file, code, "nama is empty")
		return
	case level == 3 && domain.JenisOfCode(code) == "":
		r.refuse(file, code, "the fourth segment is neither a kelurahan (1xxx) nor a desa (2xxx, 3xxx)")
		return
	case r.levels[level][code] != nil:
		r.refuse(file, code, "duplicate kode (first in %s)", r.origin[code])
		return
	}
	g, err := ParseGeometry(f.Geometry)
	if err == nil {
		g, err = Normalise(g, &r.report.Repairs)
	}
	if err != nil {
		r.refuse(file, code, "%v", err)
		return
	}
	r.levels[level][code] = &area{code: code, name: name, geom: g}
	r.origin[code] = file
}

// finish derives the missing parents and builds the Set.
func (r *reader) finish() (*Set, error) {
	if err := r.derive(); err != nil {
		return nil, err
	}
	s := &Set{}
	for _, a := range sorted(r.levels[0]) {
		s.Provinsis = append(s.Provinsis, domain.Provinsi{Code: a.code, Name: a.name, Geometry: a.geom,
			Bound: a.geom.Bound(), AreaSqM: geodesy.Area(a.geom), Derived: a.derived})
	}
	for _, a := range sorted(r.levels[1]) {
		s.KabupatenKotas = append(s.KabupatenKotas, domain.KabupatenKota{Code: a.code, Name: a.name,
			ProvinsiCode: domain.ProvinsiCodeOf(a.code), Kind: domain.KindOfCode(a.code), Geometry: a.geom,
			Bound: a.geom.Bound(), AreaSqM: geodesy.Area(a.geom), Derived: a.derived})
	}
	for _, a := range sorted(r.levels[2]) {
		s.Kecamatans = append(s.Kecamatans, domain.Kecamatan{Code: a.code, Name: a.name,
			KabupatenKotaCode: domain.KabupatenKotaCodeOf(a.code), Geometry: a.geom,
			Bound: a.geom.Bound(), AreaSqM: geodesy.Area(a.geom)})
	}
	for _, a := range sorted(r.levels[3]) {
		c, _ := planar.CentroidArea(a.geom)
		s.Kelurahans = append(s.Kelurahans, domain.Kelurahan{Code: a.code, Name: a.name,
			KecamatanCode: domain.KecamatanCodeOf(a.code), Jenis: domain.JenisOfCode(a.code), Geometry: a.geom,
			Centroid: dataset.RoundPoint(c), Bound: a.geom.Bound(), AreaSqM: geodesy.Area(a.geom)})
		r.report.Vertices += vertices(a.geom)
	}
	r.report.Provinsis, r.report.KabupatenKotas = len(s.Provinsis), len(s.KabupatenKotas)
	r.report.Kecamatans, r.report.Kelurahans = len(s.Kecamatans), len(s.Kelurahans)
	r.childless()
	if gen := r.opt.Generalise; gen != nil {
		s.Generalised = Generalise(s, gen)
	}
	s.Report = r.report
	return s, nil
}

// Generalise calls gen once per geometry of every level of s, as Read
// does with Options.Generalise, and returns the results parallel to s's
// records (for a set read without it).
func Generalise(s *Set, gen func(orb.Geometry) []orb.Geometry) Generalised {
	return Generalised{
		Provinsis:      generalise(s.Provinsis, gen, func(p domain.Provinsi) orb.Geometry { return p.Geometry }),
		KabupatenKotas: generalise(s.KabupatenKotas, gen, func(k domain.KabupatenKota) orb.Geometry { return k.Geometry }),
		Kecamatans:     generalise(s.Kecamatans, gen, func(k domain.Kecamatan) orb.Geometry { return k.Geometry }),
		Kelurahans:     generalise(s.Kelurahans, gen, func(k domain.Kelurahan) orb.Geometry { return k.Geometry }),
	}
}

func generalise[T any](xs []T, gen func(orb.Geometry) []orb.Geometry, geom func(T) orb.Geometry) [][]orb.Geometry {
	out := make([][]orb.Geometry, len(xs))
	for i, x := range xs {
		out[i] = gen(geom(x))
	}
	return out
}

// derive adds, bottom up, every parent that has children but no record of
// its own, its polygon the union of its children's (sliver holes under
// MinHoleSqM dropped) and its name from names (or its code).
func (r *reader) derive() error {
	for level := 2; level >= 0; level-- {
		// In code order, so that the union (and so the file written) is
		// the same on every run.
		children := map[string][]orb.Geometry{}
		for _, a := range sorted(r.levels[level+1]) {
			parent := a.code[:strings.LastIndexByte(a.code, '.')]
			if r.levels[level][parent] == nil {
				children[parent] = append(children[parent], a.geom)
			}
		}
		for _, parent := range sortedKeys(children) {
			parts := children[parent]
			u, err := union(parts)
			if err != nil {
				return fmt.Errorf("boundaries: %s %s: dissolving its %d children: %w", levelNames[level], parent, len(parts), err)
			}
			u = r.dropSliverHoles(u)
			g, err := Normalise(u, &Repairs{})
			if err != nil {
				return fmt.Errorf("boundaries: %s %s: the union of its children: %w", levelNames[level], parent, err)
			}
			name, ok := r.opt.Names[parent]
			if !ok {
				name, ok = names[parent]
			}
			if !ok {
				name = parent
				r.report.Unnamed = append(r.report.Unnamed, parent)
			}
			r.levels[level][parent] = &area{code: parent, name: name, geom: g, derived: true}
			r.report.Derived[levelNames[level]] = append(r.report.Derived[levelNames[level]], parent)
		}
	}
	return nil
}

func (r *reader) dropSliverHoles(g orb.Geometry) orb.Geometry {
	return DropSliverHoles(g, func(float64) { r.report.Repairs.DroppedHoles++ })
}

// DropSliverHoles removes the interior rings smaller than MinHoleSqM
// (geodesic area) from a Polygon or MultiPolygon, telling dropped the area
// of each; other geometries come back as they are.
func DropSliverHoles(g orb.Geometry, dropped func(areaSqM float64)) orb.Geometry {
	poly := func(p orb.Polygon) orb.Polygon {
		out := orb.Polygon{p[0]}
		for _, h := range p[1:] {
			if a := geodesy.Area(orb.Polygon{h}); a < MinHoleSqM {
				dropped(a)
				continue
			}
			out = append(out, h)
		}
		return out
	}
	switch g := g.(type) {
	case orb.Polygon:
		return poly(g)
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, len(g))
		for i, p := range g {
			out[i] = poly(p)
		}
		return out
	}
	return g
}

// childless lists the kabupaten/kota and kecamatan without any kelurahan.
func (r *reader) childless() {
	has := map[string]bool{}
	for code := range r.levels[3] {
		has[code[:5]], has[code[:8]] = true, true
	}
	for _, level := range []int{1, 2} {
		for _, code := range sortedKeys(r.levels[level]) {
			if !has[code] {
				r.report.Childless = append(r.report.Childless, code)
			}
		}
	}
}

func sorted(m map[string]*area) []*area {
	out := make([]*area, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, m[k])
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func vertices(g orb.Geometry) int {
	n := 0
	eachRing(g, func(r orb.Ring) { n += len(r) })
	return n
}
