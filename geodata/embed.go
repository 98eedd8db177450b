// Package geodata embeds the program's data files: the kelurahan and
// kecamatan boundaries of Kota Baubau (normalised from the shared source)
// and the ILLUSTRATIVE sample program data (forums, projects, activities,
// the conflict-prone list). README.md says where each file comes from and
// how `serasi geodata` rebuilds it. internal/dataset reads them.
package geodata

import "embed"

// FS holds the data files at its root.
//
//go:embed *.geojson *.json
var FS embed.FS
