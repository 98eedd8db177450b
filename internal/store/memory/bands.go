package memory

import (
	"math"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/boundaries"
	"github.com/serasi/serasi/internal/generalise"
	"github.com/serasi/serasi/internal/layers"
)

var (
	_ layers.Bands       = (*Store)(nil)
	_ layers.SharedAreas = (*Store)(nil)
)

// bands holds the generalised geometries of the imported boundaries by
// layer and code; areas are never written, so it is set once at Open.
type bands map[string]map[string][]orb.Geometry

func newBands(s *boundaries.Set) bands {
	g := s.Generalised
	if g.Kelurahans == nil {
		return nil
	}
	b := bands{}
	add := func(layer string, n int, code func(int) string, geoms [][]orb.Geometry) {
		if len(geoms) != n {
			return
		}
		m := make(map[string][]orb.Geometry, n)
		for i := range n {
			if len(geoms[i]) == len(generalise.Bands) {
				m[code(i)] = geoms[i]
			}
		}
		b[layer] = m
	}
	add("provinsi", len(s.Provinsis), func(i int) string { return s.Provinsis[i].Code }, g.Provinsis)
	add("kabupaten_kota", len(s.KabupatenKotas), func(i int) string { return s.KabupatenKotas[i].Code }, g.KabupatenKotas)
	add("kecamatan", len(s.Kecamatans), func(i int) string { return s.Kecamatans[i].Code }, g.Kecamatans)
	add("kelurahan", len(s.Kelurahans), func(i int) string { return s.Kelurahans[i].Code }, g.Kelurahans)
	return b
}

// BandGeometry returns the generalised geometry of an imported area for
// zoom z (see layers.Bands).
func (s *Store) BandGeometry(layer, code string, z int) (orb.Geometry, bool) {
	i := generalise.BandIndex(z)
	if s.bands == nil || generalise.Bands[i].Tolerance == 0 {
		return nil, false
	}
	set, ok := s.bands[layer][code]
	if !ok || set[i] == nil {
		return nil, false
	}
	return set[i], true
}

// MinZoom returns the lowest zoom at which an area is drawn (see
// layers.Bands): generalise.MinZoom of its bound, computed at load for
// the embedded and the imported areas alike.
func (s *Store) MinZoom(layer, code string) (int, bool) {
	z, ok := s.snapshot().minZoom[layer][code]
	return z, ok
}

// allZooms asks the shared reads for every area.
const allZooms = math.MaxInt

// drawn reports whether a tile at zoom z draws the area (its min zoom is
// at most z).
func (d *data) drawn(layer, code string, z int) bool {
	return z == allZooms || d.minZoom[layer][code] <= z
}

// minZooms computes generalise.MinZoom for every area of one level.
func minZooms[T any](xs []T, of func(T) (code string, b orb.Bound, g orb.Geometry)) map[string]int {
	m := make(map[string]int, len(xs))
	for _, x := range xs {
		code, b, g := of(x)
		if b.IsZero() && g != nil {
			b = g.Bound()
		}
		m[code] = generalise.MinZoom(b)
	}
	return m
}

// shared hands a record out as it is, geometry included (layers.SharedAreas).
func shared[T any](x T) T { return x }
