// Package boundaries reads the administrative boundaries of Indonesia in the
// wilayah_boundaries GeoJSON format (the national archive, one of its
// folders, or a single file) into one normalised set of provinsi,
// kabupaten/kota, kecamatan and kelurahan/desa, with the normalisation the
// embedded Baubau data has (see Normalise) and the levels the source lacks
// derived from their children (see Derive). `serasi import boundaries`
// loads the result into either store.
package boundaries

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
)

// Set is a normalised, complete hierarchy: every kelurahan has its
// kecamatan, every kecamatan its kabupaten/kota, every kabupaten/kota its
// provinsi (derived where the source has none). Each slice is ordered by
// code.
type Set struct {
	Provinsis      []domain.Provinsi
	KabupatenKotas []domain.KabupatenKota
	Kecamatans     []domain.Kecamatan
	Kelurahans     []domain.Kelurahan
	// Generalised holds, when Options.Generalise is set, the geometries it
	// returned, parallel to the records (Generalised.Kelurahans[i] belongs
	// to Kelurahans[i]).
	Generalised Generalised
	Report      Report
}

// Generalised holds per-zoom geometries per level, parallel to a Set's
// slices.
type Generalised struct {
	Provinsis, KabupatenKotas, Kecamatans, Kelurahans [][]orb.Geometry
}

// Options tune Read.
type Options struct {
	// Generalise, when set, is called once per normalised geometry of every
	// level (after derivation) and its result kept in Set.Generalised: the
	// hook where per-zoom simplified geometries are precomputed at import.
	Generalise func(orb.Geometry) []orb.Geometry
	// Names name derived areas by code, before the built-in names of the
	// areas the national source lacks.
	Names map[string]string
	// Progress, when set, receives a line per file read.
	Progress io.Writer
}

// Report says what reading did: what it found, what it repaired (by which
// rule), what it refused and what it derived.
type Report struct {
	Files    int // GeoJSON files read
	Features int // features read, all levels
	// Read counts the records kept per level, derived ones included.
	Provinsis, KabupatenKotas, Kecamatans, Kelurahans int
	Vertices                                          int // positions of the kelurahan kept

	Repairs Repairs
	// Refused lists the features that were left out, with the reason.
	Refused []Refusal
	// Derived lists the codes whose polygon was dissolved from the
	// children, per level ("provinsi", "kabupaten/kota", "kecamatan").
	Derived map[string][]string
	// Unnamed lists derived codes for which no name is known (their Name
	// is the code).
	Unnamed []string
	// EmptyFiles lists the files that held no feature (kel_92.03 upstream).
	EmptyFiles []string
	// Childless lists the kabupaten/kota and kecamatan that have no
	// kelurahan in the source (Kota Palopo 73.73 upstream).
	Childless []string
}

// Repairs counts the repairs of Normalise, rule by rule.
type Repairs struct {
	// ClosedRings: a ring whose last position differed from its first
	// was closed by repeating the first.
	ClosedRings int
	// RepeatedVertices: consecutive equal positions (after rounding to the
	// files' precision) were removed.
	RepeatedVertices int
	// DegenerateRings: a ring with fewer than 4 positions (or no area)
	// after that was dropped; an exterior ring takes its polygon with it.
	DegenerateRings int
	// Reoriented: rings turned to RFC 7946 orientation (exterior
	// counter-clockwise, holes clockwise). Normal for this source, whose
	// shells are clockwise; counted, not a defect.
	Reoriented int
	// UnionedParts: a MultiPolygon whose parts overlapped or touched along
	// an edge (invalid in the OGC sense) was replaced by the union of its
	// parts.
	UnionedParts int
	// DroppedHoles: sliver holes under MinHoleSqM removed from derived
	// (dissolved) polygons.
	DroppedHoles int
}

// Refusal is one feature left out.
type Refusal struct {
	File   string
	Code   string
	Reason string
}

// String writes the report as the import command prints it.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "read %d files, %d features\n", r.Files, r.Features)
	fmt.Fprintf(&b, "kept %d provinsi, %d kabupaten/kota, %d kecamatan, %d kelurahan/desa (%d vertices)\n",
		r.Provinsis, r.KabupatenKotas, r.Kecamatans, r.Kelurahans, r.Vertices)
	p := r.Repairs
	fmt.Fprintf(&b, "repaired: %d rings closed, %d repeated vertices removed, %d degenerate rings dropped, %d multipolygons unioned; %d rings reoriented; %d sliver holes dropped from derived polygons\n",
		p.ClosedRings, p.RepeatedVertices, p.DegenerateRings, p.UnionedParts, p.Reoriented, p.DroppedHoles)
	levels := make([]string, 0, len(r.Derived))
	for l := range r.Derived {
		levels = append(levels, l)
	}
	sort.Strings(levels)
	for _, l := range levels {
		fmt.Fprintf(&b, "derived from their children (no polygon in the source): %d %s: %s\n", len(r.Derived[l]), l, strings.Join(r.Derived[l], " "))
	}
	if len(r.Unnamed) > 0 {
		fmt.Fprintf(&b, "no name known (named by code): %s\n", strings.Join(r.Unnamed, " "))
	}
	if len(r.EmptyFiles) > 0 {
		fmt.Fprintf(&b, "empty files: %s\n", strings.Join(r.EmptyFiles, " "))
	}
	if len(r.Childless) > 0 {
		fmt.Fprintf(&b, "no kelurahan/desa in the source: %s\n", strings.Join(r.Childless, " "))
	}
	fmt.Fprintf(&b, "refused %d features\n", len(r.Refused))
	for _, f := range r.Refused {
		fmt.Fprintf(&b, "  %s %s: %s\n", f.File, f.Code, f.Reason)
	}
	return b.String()
}
