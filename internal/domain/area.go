package domain

import "github.com/paulmach/orb"

// The administrative hierarchy of Indonesia with its Kemendagri codes:
// provinsi "74" → kabupaten/kota "74.72" → kecamatan "74.72.02" →
// kelurahan/desa "74.72.02.1001".

// Provinsi is a province (Kemendagri code "74").
type Provinsi struct {
	Code     string       // e.g. "74"
	Name     string       // e.g. "Sulawesi Tenggara"
	Geometry orb.Geometry // orb.Polygon or orb.MultiPolygon, exterior rings CCW
	Bound    orb.Bound
	AreaSqM  float64 // geodesic area on the WGS 84 ellipsoid
	// Derived says the source had no polygon for it: Geometry was
	// dissolved from its kabupaten/kota.
	Derived bool
}

// KabupatenKotaKind says whether a second-level region is a regency or a
// city.
type KabupatenKotaKind string

const (
	KindKabupaten KabupatenKotaKind = "KABUPATEN"
	KindKota      KabupatenKotaKind = "KOTA"
)

// Valid reports whether k is a known kind.
func (k KabupatenKotaKind) Valid() bool { return k == KindKabupaten || k == KindKota }

// KabupatenKota is a regency or a city (Kemendagri code "74.72").
type KabupatenKota struct {
	Code         string // e.g. "74.72"
	Name         string // e.g. "Kota Baubau"
	ProvinsiCode string // e.g. "74"
	Kind         KabupatenKotaKind
	Geometry     orb.Geometry // orb.Polygon or orb.MultiPolygon, exterior rings CCW
	Bound        orb.Bound
	AreaSqM      float64
	// Derived says the source had no polygon for it: Geometry was
	// dissolved from its kecamatan.
	Derived bool
}

// Kecamatan is a district (Kemendagri code "74.72.02").
type Kecamatan struct {
	Code              string // e.g. "74.72.02"
	Name              string // e.g. "Wolio"
	KabupatenKotaCode string // e.g. "74.72"
	// Geometry is the source polygon, or the union of its kelurahan
	// (dissolved once when the data is normalised) where there is none.
	Geometry orb.Geometry
	Bound    orb.Bound
	AreaSqM  float64 // geodesic area on the WGS 84 ellipsoid
}

// KelurahanJenis says whether a village is an urban kelurahan or a desa.
type KelurahanJenis string

const (
	JenisKelurahan KelurahanJenis = "KELURAHAN"
	// JenisDesa includes the desa adat (code 3xxx), which are desa under
	// UU 6/2014.
	JenisDesa KelurahanJenis = "DESA"
)

// Valid reports whether j is a known jenis.
func (j KelurahanJenis) Valid() bool { return j == JenisKelurahan || j == JenisDesa }

// Kelurahan is a village, urban (kelurahan) or rural (desa), Kemendagri
// code "74.72.02.1001".
type Kelurahan struct {
	Code          string // e.g. "74.72.02.1001"
	Name          string // e.g. "Wale"
	KecamatanCode string // e.g. "74.72.02"
	Jenis         KelurahanJenis
	Geometry      orb.Geometry // orb.Polygon or orb.MultiPolygon, exterior rings CCW
	Centroid      orb.Point    // planar area centroid, computed when the geodata is normalised
	Bound         orb.Bound
	AreaSqM       float64 // geodesic area on the WGS 84 ellipsoid
	// ConflictProne marks the kelurahan the program lists as prone to
	// social conflict (illustrative sample data).
	ConflictProne bool
}

// ProvinsiCodeOf returns the provinsi part ("74") of any area code.
func ProvinsiCodeOf(code string) string {
	if len(code) < 2 {
		return ""
	}
	return code[:2]
}

// KabupatenKotaCodeOf returns the kabupaten/kota part ("74.72") of a
// kecamatan or kelurahan code.
func KabupatenKotaCodeOf(code string) string {
	if len(code) < 5 {
		return ""
	}
	return code[:5]
}

// KecamatanCodeOf returns the kecamatan part ("74.72.02") of a kelurahan code.
func KecamatanCodeOf(kelurahanCode string) string {
	if len(kelurahanCode) < 8 {
		return ""
	}
	return kelurahanCode[:8]
}

// KindOfCode applies the Kemendagri numbering: the second segment of a
// kabupaten/kota code is 01–70 for a kabupaten and 71–99 for a kota (all
// 507 of the national source follow it: every "Kota …" is ≥ 71).
func KindOfCode(kabupatenKotaCode string) KabupatenKotaKind {
	switch {
	case len(kabupatenKotaCode) != 5:
		return ""
	case kabupatenKotaCode[3:] >= "71":
		return KindKota
	}
	return KindKabupaten
}

// JenisOfCode applies the Kemendagri numbering: the fourth segment of a
// village code is 1xxx for a kelurahan, 2xxx for a desa and 3xxx for a
// desa adat (counted as a desa).
func JenisOfCode(kelurahanCode string) KelurahanJenis {
	if len(kelurahanCode) != 13 {
		return ""
	}
	switch kelurahanCode[9] {
	case '1':
		return JenisKelurahan
	case '2', '3':
		return JenisDesa
	}
	return ""
}

// ProvinsiFilter is empty today: Provinsis returns them all.

// KabupatenKotaFilter selects kabupaten/kota; zero fields do not filter.
// Results are ordered by code.
type KabupatenKotaFilter struct {
	ProvinsiCode string
}

// KecamatanFilter selects kecamatan; zero fields do not filter. Results
// are ordered by code.
type KecamatanFilter struct {
	ProvinsiCode      string
	KabupatenKotaCode string
	// AfterCode and Limit page the list by code, as in KelurahanFilter.
	AfterCode string
	Limit     int
}

// KelurahanFilter selects kelurahan; zero fields do not filter. Results are
// ordered by code.
type KelurahanFilter struct {
	ProvinsiCode      string
	KabupatenKotaCode string
	KecamatanCode     string
	Jenis             KelurahanJenis
	NameContains      string // case-insensitive substring of the name
	BBox              *orb.Bound
	// Intersects keeps kelurahan whose polygon intersects this geometry
	// (planar, boundary included).
	Intersects    orb.Geometry
	ConflictProne *bool
	// HasForum keeps kelurahan that are (true) or are not (false) served by
	// at least one ACTIVE forum.
	HasForum *bool
	// AfterCode keeps kelurahan whose code sorts after it (keyset paging:
	// the last code of the page before).
	AfterCode string
	// Limit, when above 0, keeps only the first Limit matches by code, so
	// that a page of the national set neither reads nor counts the rest.
	Limit int
}
