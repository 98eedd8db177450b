package main

// mutants is the list of planted bugs. Each is one replacement in one
// file: Old must occur exactly once (a literal, or with Re a regular
// expression), so that a refactor that moves the code makes the run fail
// with the mutant's name instead of testing nothing. Keep each Old short
// and distinctive: the line that holds the rule, not its surroundings.
var mutants = []mutant{
	{
		Name: "lowest-code sliver rule flipped (embedded store)",
		File: "internal/store/memory/kelurahan.go",
		Old:  "(best < 0 || i < best)",
		New:  "(best < 0 || i > best)",
	},
	{
		Name: "lowest-code sliver rule flipped (PostGIS store)",
		File: "internal/store/postgis/kelurahan.go",
		Old:  "ORDER BY k.code LIMIT 1",
		New:  "ORDER BY k.code DESC LIMIT 1",
	},
	{
		// One write flow for both stores (store.Flow), so one mutant.
		Name: "stale versions accepted",
		File: "internal/store/flow.go",
		Old:  "if _, v := k.ident(&r); *v != version {",
		New:  "if _, v := k.ident(&r); *v != version && false {",
	},
	{
		Name: "distances 0.5% long",
		File: "internal/geodesy/distance.go",
		Re:   true,
		Old:  `(func Distance\(a, b orb\.Point\) float64 \{\n\ts, ok := vincenty\(a, b\)\n(?:.*\n){3})\treturn s\n`,
		New:  "${1}\treturn s * 1.005\n",
	},
	{
		Name: "radius 2% wide (embedded store)",
		File: "internal/store/memory/project.go",
		Old:  "if h.dist > f.Near.RadiusMeters {",
		New:  "if h.dist > f.Near.RadiusMeters*1.02 {",
	},
	{
		Name: "radius 2% wide (PostGIS store)",
		File: "internal/store/postgis/project.go",
		Old:  `w.and("ST_DWithin(p.geog, %s, %s)", nearPoint, w.bind(f.Near.RadiusMeters))`,
		New:  `w.and("ST_DWithin(p.geog, %s, %s)", nearPoint, w.bind(f.Near.RadiusMeters*1.02))`,
	},
	{
		// Writes forget their tiles through the change feed, by bounds.
		Name: "tile cache never forgets a change",
		File: "internal/tiles/server.go",
		Old:  "if tb.Intersects(b) {",
		New:  "if false && tb.Intersects(b) {",
	},
	{
		Name: "editors reading the audit log",
		File: "graph/auth.go",
		Re:   true,
		Old:  `"auditLog":(\s+)domain\.RoleAdmin,`,
		New:  `"auditLog":${1}domain.RoleEditor,`,
	},
	{
		Name: "negative budgets accepted",
		File: "internal/store/validate_write.go",
		Old:  "in.BudgetRupiah < 0 ||",
		New:  "in.BudgetRupiah < -1_000_000_000 ||",
	},
	{
		Name: "boundary points outside",
		File: "internal/spatial/predicates.go",
		Re:   true,
		Old:  `(func polygonCovers\(poly orb\.Polygon, p orb\.Point\) bool \{\n(?:.*\n){6}\tcase onBoundary:\n\t\treturn )true`,
		New:  "${1}false",
	},
	{
		Name: "off-by-one cursor",
		File: "graph/relay/relay.go",
		Old:  "p.Offset = n + 1",
		New:  "p.Offset = n",
	},
	{
		Name: "complexity limit off",
		File: "graph/complexity_limit.go",
		Old:  "if cost > c.Max {",
		New:  "if cost > c.Max && false {",
	},
}
