package importer

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/agnivade/levenshtein"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/paulmach/orb/geojson"

	"github.com/serasi/serasi/internal/domain"
)

// converter turns the rows of a table into store inputs, noting every
// cell it cannot read in the report.
type converter struct {
	layer Layer
	t     *table
	kels  kelurahanNames
	rep   *Report
	// col maps a column key to its position in the file; header keeps
	// the file's own spelling for the report.
	col    map[string]int
	header map[string]string
	// bad marks the (row, column key) pairs already reported, so that the
	// store's complaint about the same field is not added twice.
	bad map[[2]any]bool
	// geomCols is, per row, the columns its geometry came from.
	geomCols []string
	// enums maps a column's folded labels and names to enum values.
	enums map[string]map[string]string
}

// mapHeaders matches the file's headers to the layer's columns and
// reports unknown, repeated and missing ones. false when the rows cannot
// be read.
func (c *converter) mapHeaders() bool {
	cols := Columns(c.layer)
	index := columnIndex(cols)
	c.col, c.header, c.bad = map[string]int{}, map[string]string{}, map[[2]any]bool{}
	c.geomCols = make([]string, len(c.t.rows))
	ok := true
	line := c.t.headerLine
	for i, h := range c.t.headers {
		n := normHeader(h)
		if n == "" {
			if c.columnBlank(i) {
				continue
			}
			c.rep.Problems = append(c.rep.Problems, Problem{Row: line, Column: fmt.Sprintf("kolom %d", i+1),
				Message: "kolom berisi data tetapi tanpa judul: beri judul kolom, atau hapus kolomnya"})
			ok = false
			continue
		}
		key, known := index[n]
		if !known {
			c.rep.Problems = append(c.rep.Problems, Problem{Row: line, Column: h,
				Message: fmt.Sprintf("judul kolom %q tidak dikenal%s; kolom yang dikenal: %s", h, suggest(n, cols),
					strings.Join(ExpectedHeaders(c.layer), ", "))})
			ok = false
			continue
		}
		if j, dup := c.col[key]; dup {
			c.rep.Problems = append(c.rep.Problems, Problem{Row: line, Column: h,
				Message: fmt.Sprintf("kolom %q muncul dua kali (juga %q di kolom %d): hapus salah satunya", key, c.t.headers[j], j+1)})
			ok = false
			continue
		}
		c.col[key], c.header[key] = i, h
	}
	feature := len(c.t.rows) > 0 && c.t.rows[0].feature
	var missing []string
	for _, col := range cols {
		if !col.Required {
			continue
		}
		if _, ok := c.col[col.Key]; !ok {
			missing = append(missing, col.Key)
		}
	}
	if !feature && c.layer != Activities {
		_, lat := c.col[colLat]
		_, lon := c.col[colLon]
		_, geom := c.col[colGeometry]
		if !geom && !(lat && lon) {
			missing = append(missing, "lintang dan bujur (atau geometri)")
		}
	}
	if len(missing) > 0 {
		where := "di baris judul"
		if feature {
			where = "di properties setiap fitur"
		}
		c.rep.Problems = append(c.rep.Problems, Problem{Row: line,
			Message: fmt.Sprintf("kolom wajib tidak ada %s: %s; kolom yang dikenal: %s", where, strings.Join(missing, ", "),
				strings.Join(ExpectedHeaders(c.layer), ", "))})
		ok = false
	}
	return ok
}

func (c *converter) columnBlank(i int) bool {
	for _, r := range c.t.rows {
		if i < len(r.cells) && strings.TrimSpace(r.cells[i]) != "" {
			return false
		}
	}
	return true
}

// suggest names the nearest known header, when one is close.
func suggest(n string, cols []Column) string {
	best, bestD := "", 4
	for _, col := range cols {
		for _, name := range append([]string{col.Key}, col.Aliases...) {
			if d := levenshtein.ComputeDistance(n, normHeader(name)); d < bestD {
				best, bestD = col.Key, d
			}
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (maksud Anda %q?)", best)
}

// cell returns the trimmed text of a column in row i.
func (c *converter) cell(i int, key string) string {
	j, ok := c.col[key]
	if !ok {
		return ""
	}
	cells := c.t.rows[i].cells
	if j >= len(cells) {
		return ""
	}
	return strings.TrimSpace(cells[j])
}

func (c *converter) problem(i int, key, value, format string, args ...any) {
	c.bad[[2]any{i, key}] = true
	h := c.header[key]
	if h == "" {
		h = key
	}
	c.rep.Problems = append(c.rep.Problems, Problem{Row: c.t.rows[i].line, Column: h, Value: value, Message: fmt.Sprintf(format, args...)})
}

func (c *converter) text(i int, key string) string { return Undefuse(c.cell(i, key)) }

// Undefuse removes the apostrophe an export puts before text that a
// spreadsheet would take for a formula ('=..., '+..., '-..., '@...).
func Undefuse(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}

func (c *converter) int(i int, key string) int {
	v := c.cell(i, key)
	if v == "" {
		return 0
	}
	n, err := ParseInt(v)
	if err != nil {
		c.problem(i, key, v, "%v: tulis bilangan bulat, mis. 2024 atau 1.200", err)
	}
	return n
}

func (c *converter) amount(i int, key string) int64 {
	v := c.cell(i, key)
	if v == "" {
		return 0
	}
	n, err := ParseAmount(v)
	if err != nil {
		c.problem(i, key, v, "%v: tulis rupiah bulat, mis. 1500000, 1.500.000 atau Rp 1.500.000,00", err)
	}
	return n
}

func (c *converter) date(i int, key string, required bool) *time.Time {
	v := c.cell(i, key)
	if v == "" {
		if required {
			c.problem(i, key, v, "wajib diisi: tanggal seperti 2024-03-01 atau 01/03/2024")
		}
		return nil
	}
	d, err := ParseDate(v)
	if err != nil {
		c.problem(i, key, v, "%v", err)
		return nil
	}
	return &d
}

// required reports an empty required cell; the store would say "must not
// be empty" in English, the report says what to write.
func (c *converter) required(i int, key, what string) string {
	v := Undefuse(c.cell(i, key))
	if v == "" {
		c.problem(i, key, v, "wajib diisi: %s", what)
	}
	return v
}

// enumValue finds a kind or status by its enum name or Indonesian label.
func enumValue[T ~string](c *converter, i int, key string, all []T, label func(T) string, what string) T {
	v := c.cell(i, key)
	if v == "" {
		c.problem(i, key, v, "wajib diisi: pilih %s", choices(all, label))
		return ""
	}
	n := normLabel(v)
	if c.enums == nil {
		c.enums = map[string]map[string]string{}
	}
	names, ok := c.enums[key]
	if !ok {
		names = map[string]string{}
		for _, x := range all {
			names[normLabel(string(x))], names[normLabel(label(x))] = string(x), string(x)
		}
		c.enums[key] = names
	}
	if x, ok := names[n]; ok {
		return T(x)
	}
	best, bestD, bestLen := "", math.MaxInt, 0
	for _, x := range all {
		for _, name := range []string{label(x), string(x)} {
			if d := levenshtein.ComputeDistance(n, normLabel(name)); d < bestD {
				best, bestD, bestLen = label(x), d, len(normLabel(name))
			}
		}
	}
	hint := ""
	// Near enough to be a misspelling or a shortening, not another word.
	if bestD <= max(3, bestLen/2) {
		hint = fmt.Sprintf(" Maksud Anda %q?", best)
	}
	c.problem(i, key, v, "%s %q tidak dikenal.%s Pilihan: %s", what, v, hint, choices(all, label))
	return T("?" + v) // invalid on purpose; the store's complaint is dropped
}

func choices[T ~string](all []T, label func(T) string) string {
	s := make([]string, len(all))
	for i, x := range all {
		s[i] = label(x)
	}
	return strings.Join(s, ", ")
}

// normLabel folds a label or enum name: "Jalan lingkungan", "JALAN
// LINGKUNGAN" and "village_road" compare by letters and digits.
func normLabel(s string) string { return normHeader(s) }

// Kota Baubau's rough position, for the hint on swapped coordinates.
const (
	baubauLat = -5.46
	baubauLon = 122.61
)

// geometry reads a row's geometry: the GeoJSON feature's, the geometri
// cell (WKT or GeoJSON) or lintang/bujur. nil, false when there is none.
func (c *converter) geometry(i int, required bool) (orb.Geometry, bool) {
	r := c.t.rows[i]
	if r.feature {
		if r.geometry == nil {
			if required {
				c.problem(i, "geometry", "", "fitur tanpa geometri: beri setiap fitur sebuah geometri (titik, garis atau poligon)")
			}
			return nil, false
		}
		c.geomCols[i] = "geometry"
		return r.geometry.Geometry(), true
	}
	lat, lon, g := c.cell(i, colLat), c.cell(i, colLon), c.cell(i, colGeometry)
	switch {
	case g != "" && (lat != "" || lon != ""):
		c.problem(i, colGeometry, g, "isi lintang/bujur atau geometri, jangan keduanya")
		return nil, false
	case g != "":
		c.geomCols[i] = colGeometry
		var geom orb.Geometry
		var err error
		if strings.HasPrefix(g, "{") {
			var gj *geojson.Geometry
			gj, err = geojson.UnmarshalGeometry([]byte(g))
			if err == nil {
				geom = gj.Geometry()
			}
		} else {
			geom, err = wkt.Unmarshal(g)
		}
		if err != nil || geom == nil {
			c.problem(i, colGeometry, g, "geometri tidak terbaca: tulis WKT, mis. POINT (122.6077 -5.456) atau LINESTRING (122.60 -5.45, 122.61 -5.46), atau GeoJSON")
			return nil, false
		}
		return geom, true
	case lat == "" && lon == "":
		if required {
			c.problem(i, colLat, "", "wajib diisi: lintang dan bujur (mis. -5,4560 dan 122,6077), atau geometri")
		}
		return nil, false
	case lat == "" || lon == "":
		key := colLat
		if lat != "" {
			key = colLon
		}
		c.problem(i, key, "", "lintang dan bujur harus diisi keduanya")
		return nil, false
	}
	c.geomCols[i] = colLat
	y, errY := ParseDecimal(lat)
	x, errX := ParseDecimal(lon)
	if errY != nil {
		c.problem(i, colLat, lat, "%v", errY)
	}
	if errX != nil {
		c.problem(i, colLon, lon, "%v", errX)
	}
	if errY != nil || errX != nil {
		return nil, false
	}
	if math.Abs(y-baubauLon) < 5 && math.Abs(x-baubauLat) < 5 {
		c.problem(i, colLat, lat, "lintang dan bujur tampaknya tertukar: di Kota Baubau lintang sekitar %s dan bujur sekitar %s; tukar isi kedua kolom",
			idDecimal(baubauLat), idDecimal(baubauLon))
		c.bad[[2]any{i, colLon}] = true
		return nil, false
	}
	if y > 0 && math.Abs(-y-baubauLat) < 5 && math.Abs(x-baubauLon) < 5 {
		c.problem(i, colLat, lat, "lintang Kota Baubau negatif (selatan khatulistiwa): tulis -%s", lat)
		return nil, false
	}
	return orb.Point{x, y}, true
}

func idDecimal(f float64) string { return strings.Replace(fmt.Sprint(f), ".", ",", 1) }

// point reads a row's geometry as a point (secretariat, location).
func (c *converter) point(i int, required bool) (orb.Point, bool) {
	g, ok := c.geometry(i, required)
	if !ok {
		return orb.Point{}, false
	}
	p, isPoint := g.(orb.Point)
	if !isPoint {
		c.problem(i, c.geomCols[i], "", "harus sebuah titik, bukan %s", g.GeoJSONType())
		return orb.Point{}, false
	}
	return p, true
}

func (c *converter) kelurahan(i int, key string) string {
	v := c.cell(i, key)
	if v == "" {
		return ""
	}
	code, err := c.kels.code(v)
	if err != "" {
		c.problem(i, key, v, "%s", err)
	}
	return code
}

func (c *converter) project(i int) domain.ProjectInput {
	in := domain.ProjectInput{
		ID:            c.required(i, colID, "kode unik, mis. prj-2024-001"),
		Title:         c.required(i, colTitle, "judul proyek"),
		Kind:          enumValue(c, i, colKind, domain.ProjectKinds, domain.ProjectKind.LabelID, "jenis proyek"),
		KelurahanCode: c.kelurahan(i, colKelurahan),
		ForumID:       c.text(i, colForum),
		BudgetRupiah:  c.amount(i, colBudget),
		Status:        enumValue(c, i, colStatus, domain.ProjectStatuses, domain.ProjectStatus.LabelID, "status proyek"),
		StartDate:     c.date(i, colStart, false),
		FinishDate:    c.date(i, colFinish, false),
		Beneficiaries: c.int(i, colBenef),
		Description:   c.text(i, colDescription),
	}
	if v := c.required(i, colYear, "tahun anggaran, mis. 2024"); v != "" {
		in.Year = c.int(i, colYear)
	}
	in.Geometry, _ = c.geometry(i, true)
	return in
}

func (c *converter) forum(i int) domain.ForumInput {
	in := domain.ForumInput{
		ID:          c.required(i, colID, "kode unik, mis. fks-2024-wale"),
		Name:        c.required(i, colName, "nama forum"),
		Status:      enumValue(c, i, colStatus, []domain.ForumStatus{domain.ForumActive, domain.ForumInactive}, domain.ForumStatus.LabelID, "status forum"),
		MemberCount: c.int(i, colMembers),
		Description: c.text(i, colDescription),
	}
	if v := c.required(i, colYearFormed, "tahun dibentuk, mis. 2024"); v != "" {
		in.YearFormed = c.int(i, colYearFormed)
	}
	if v := c.required(i, colKelurahan, "kelurahan yang dilayani (kode atau nama)"); v != "" {
		for part := range strings.FieldsFuncSeq(v, func(r rune) bool { return r == '|' || r == ';' || r == ',' }) {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			code, err := c.kels.code(part)
			if err != "" {
				c.problem(i, colKelurahan, v, "%s", err)
				continue
			}
			in.KelurahanCodes = append(in.KelurahanCodes, code)
		}
	}
	in.Secretariat, _ = c.point(i, true)
	return in
}

func (c *converter) activity(i int) domain.ActivityInput {
	in := domain.ActivityInput{
		ID:            c.required(i, colID, "kode unik, mis. act-2024-001"),
		Title:         c.required(i, colTitle, "judul kegiatan"),
		ForumID:       c.required(i, colForum, "kode forum penyelenggara, mis. fks-2015-wale"),
		Kind:          enumValue(c, i, colKind, domain.ActivityKinds, domain.ActivityKind.LabelID, "jenis kegiatan"),
		Participants:  c.int(i, colPeople),
		KelurahanCode: c.kelurahan(i, colKelurahan),
		Description:   c.text(i, colDescription),
	}
	if d := c.date(i, colDate, true); d != nil {
		in.Date = *d
	}
	if p, ok := c.point(i, false); ok {
		in.Location = &p
	}
	return in
}

// duplicateIDs reports a kode that names two rows of the file.
func (c *converter) duplicateIDs() {
	first := map[string]int{}
	for i := range c.t.rows {
		id := c.cell(i, colID)
		if id == "" {
			continue
		}
		if j, ok := first[id]; ok {
			c.problem(i, colID, id, "kode %q sudah dipakai di baris %d: setiap baris perlu kode sendiri", id, c.t.rows[j].line)
			continue
		}
		first[id] = i
	}
}

// failure adds a store's refusal of item f.Index to the report, under the
// column the field came from, unless that cell was already reported.
func (c *converter) failure(f ItemError) {
	i := f.Index
	if i < 0 || i >= len(c.t.rows) {
		c.rep.Problems = append(c.rep.Problems, Problem{Message: f.Message})
		return
	}
	field := baseField(f.Field)
	key := ""
	for _, col := range Columns(c.layer) {
		if col.Field == field && !col.Info {
			key = col.Key
			break
		}
	}
	switch field {
	case "geometry", "location", "secretariat":
		key = c.geomCols[i]
		if key == "" {
			key = colLat
		}
	case "kelurahanCodes":
		key = colKelurahan
	}
	if key == "" {
		key = field
	}
	if c.bad[[2]any{i, key}] || (key == "id" && c.bad[[2]any{i, colID}]) {
		return
	}
	value := c.cell(i, key)
	if key == colLat {
		value = c.cell(i, colLat) + "; " + c.cell(i, colLon)
	}
	msg := translate(f.Message)
	if outsideCity(f.Message) {
		msg += fmt.Sprintf(" — periksa koordinat: Kota Baubau ada di sekitar lintang %s, bujur %s", idDecimal(baubauLat), idDecimal(baubauLon))
	}
	c.problem(i, key, value, "%s", msg)
}

// kelurahanNames resolves a kelurahan written as a code or a name.
type kelurahanNames struct {
	codes map[string]string   // code → name
	names map[string][]string // folded name → codes
}

func newKelurahanNames(ctx context.Context, st Store) (kelurahanNames, error) {
	kels, err := st.Kelurahans(ctx, domain.KelurahanFilter{})
	if err != nil {
		return kelurahanNames{}, err
	}
	k := kelurahanNames{codes: map[string]string{}, names: map[string][]string{}}
	for _, kel := range kels {
		k.codes[kel.Code] = kel.Name
		n := normLabel(kel.Name)
		k.names[n] = append(k.names[n], kel.Code)
	}
	return k, nil
}

// code returns the code of a kelurahan given by code or name, or a message.
func (k kelurahanNames) code(v string) (string, string) {
	if _, ok := k.codes[v]; ok {
		return v, ""
	}
	n := normLabel(strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(v), "kelurahan "), "kel. "))
	switch codes := k.names[n]; len(codes) {
	case 1:
		return codes[0], ""
	case 0:
	default:
		return "", fmt.Sprintf("ada beberapa kelurahan bernama %q (%s): tulis kodenya", v, strings.Join(codes, ", "))
	}
	best, bestD := "", 4
	names := make([]string, 0, len(k.names))
	for name := range k.names {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if d := levenshtein.ComputeDistance(n, name); d < bestD {
			best, bestD = k.names[name][0], d
		}
	}
	msg := fmt.Sprintf("kelurahan %q tidak ada di Kota Baubau: tulis kode (mis. 74.72.02.1001) atau nama kelurahan", v)
	if best != "" {
		msg += fmt.Sprintf("; maksud Anda %s (%s)?", k.codes[best], best)
	}
	return "", msg
}
