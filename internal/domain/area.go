package domain

import "github.com/paulmach/orb"

// Kecamatan is a district of Kota Baubau (Kemendagri code 74.72.XX).
type Kecamatan struct {
	Code string // e.g. "74.72.02"
	Name string // e.g. "Wolio"
	// Geometry is the union of its kelurahan (orb.Polygon or orb.MultiPolygon),
	// dissolved once when the geodata is normalised.
	Geometry orb.Geometry
	AreaSqM  float64 // geodesic area on the WGS 84 ellipsoid
}

// Kelurahan is an urban village (Kemendagri code 74.72.XX.XXXX).
type Kelurahan struct {
	Code          string       // e.g. "74.72.02.1001"
	Name          string       // e.g. "Wale"
	KecamatanCode string       // e.g. "74.72.02"
	Geometry      orb.Geometry // orb.Polygon or orb.MultiPolygon, exterior rings CCW
	Centroid      orb.Point    // planar area centroid, computed when the geodata is normalised
	Bound         orb.Bound
	AreaSqM       float64 // geodesic area on the WGS 84 ellipsoid
	// ConflictProne marks the kelurahan the program lists as prone to
	// social conflict (illustrative sample data).
	ConflictProne bool
}

// KecamatanCodeOf returns the kecamatan part ("74.72.02") of a kelurahan code.
func KecamatanCodeOf(kelurahanCode string) string {
	if len(kelurahanCode) < 8 {
		return ""
	}
	return kelurahanCode[:8]
}

// KelurahanFilter selects kelurahan; zero fields do not filter. Results are
// ordered by code.
type KelurahanFilter struct {
	KecamatanCode string
	NameContains  string // case-insensitive substring of the name
	BBox          *orb.Bound
	// Intersects keeps kelurahan whose polygon intersects this geometry
	// (planar, boundary included).
	Intersects    orb.Geometry
	ConflictProne *bool
	// HasForum keeps kelurahan that are (true) or are not (false) served by
	// at least one ACTIVE forum.
	HasForum *bool
}
