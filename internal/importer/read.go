package importer

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb/geojson"
	"github.com/xuri/excelize/v2"
)

// Format is a file format an import reads and an export writes.
type Format string

const (
	CSV     Format = "csv"
	XLSX    Format = "xlsx"
	GeoJSON Format = "geojson"
)

// ParseFormat reads a format name or a file extension.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), ".")) {
	case "csv", "txt":
		return CSV, nil
	case "xlsx", "excel":
		return XLSX, nil
	case "geojson", "json":
		return GeoJSON, nil
	}
	return "", fmt.Errorf("unknown format %q (csv, xlsx or geojson)", s)
}

// FormatOf guesses the format of a file from its name, then from its first
// bytes (an XLSX is a zip, GeoJSON starts with '{'). "" when neither says.
func FormatOf(name string, head []byte) Format {
	if f, err := ParseFormat(filepath.Ext(name)); err == nil && filepath.Ext(name) != "" {
		return f
	}
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return XLSX
	case bytes.HasPrefix(bytes.TrimLeft(bytes.TrimPrefix(head, utf8BOM), " \t\r\n"), []byte("{")):
		return GeoJSON
	case len(head) > 0:
		return CSV
	}
	return ""
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// Limits of what an import reads.
const (
	// MaxFileBytes is the largest file an import accepts; a larger one is
	// refused before it is read whole.
	MaxFileBytes = 20 << 20
	// MaxRows bounds the data rows of one file.
	MaxRows = 200_000
	// XLSX archives may unpack to at most this much (zip bombs), and one
	// sheet's XML to at most maxSheetXML before excelize spills it to disk.
	maxUnzipped  = 512 << 20
	maxSheetXML  = 256 << 20
	maxCellBytes = 32 << 10
)

// table is a file as rows of text cells under a header row.
type table struct {
	headers []string
	// headerLine is the sheet row of the headers (1 in most files).
	headerLine int
	rows       []row
}

// row is one data row: Line is the number the user sees (the sheet's row,
// the CSV line, the feature's position), cells line up with headers.
type row struct {
	line  int
	cells []string
	// geometry of a GeoJSON feature; nil elsewhere or when it has none.
	geometry *geojson.Geometry
	// feature is true for GeoJSON rows (their geometry is the feature's).
	feature bool
}

// FileError is a problem with the whole file: it cannot be read as the
// format it claims. Its message is Indonesian and says what to do.
type FileError struct{ Message string }

func (e *FileError) Error() string { return e.Message }

func fileErrorf(format string, args ...any) error {
	return &FileError{Message: fmt.Sprintf(format, args...)}
}

func readTable(data []byte, f Format) (*table, error) {
	switch f {
	case CSV:
		return readCSV(data)
	case XLSX:
		return readXLSX(data)
	case GeoJSON:
		return readGeoJSON(data)
	}
	return nil, fileErrorf("format %q tidak dikenal: pakai csv, xlsx atau geojson", f)
}

// sniffComma picks ';' or ',' from the header line: Indonesian Excel
// writes semicolons, because the comma is its decimal separator.
func sniffComma(data []byte) rune {
	line := data
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		line = data[:i]
	}
	semi, comma, tab := 0, 0, 0
	quoted := false
	for _, c := range line {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == ';':
			semi++
		case c == ',':
			comma++
		case c == '\t':
			tab++
		}
	}
	switch {
	case semi > comma && semi >= tab:
		return ';'
	case tab > comma:
		return '\t'
	}
	return ','
}

func readCSV(data []byte) (*table, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:invalidUTF8At(data)], []byte("\n"))
		return nil, fileErrorf("berkas CSV ini bukan UTF-8 (baris %d): simpan ulang dari Excel sebagai \"CSV UTF-8 (Comma delimited)\", atau unggah berkas .xlsx-nya", line)
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = sniffComma(data)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = false
	t := &table{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fileErrorf("CSV rusak di baris %d: %v", pe.Line, pe.Err)
			}
			return nil, fileErrorf("CSV rusak: %v", err)
		}
		line, _ := r.FieldPos(0)
		if err := t.add(line, rec); err != nil {
			return nil, err
		}
	}
	return t.finish()
}

func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// add takes one row of a sheet; the first non-blank one is the header.
func (t *table) add(line int, cells []string) error {
	blank := true
	for i, c := range cells {
		if len(c) > maxCellBytes {
			return fileErrorf("sel di baris %d, kolom %d terlalu panjang (lebih dari %d KB)", line, i+1, maxCellBytes>>10)
		}
		if strings.TrimSpace(c) != "" {
			blank = false
		}
	}
	if blank {
		return nil // empty rows, trailing ones especially, are not records
	}
	if t.headers == nil {
		t.headers, t.headerLine = cells, line
		return nil
	}
	if len(t.rows) >= MaxRows {
		return fileErrorf("berkas berisi lebih dari %d baris data: bagi menjadi beberapa berkas", MaxRows)
	}
	t.rows = append(t.rows, row{line: line, cells: cells})
	return nil
}

func (t *table) finish() (*table, error) {
	if t.headers == nil {
		return nil, fileErrorf("berkas kosong: baris pertama harus berisi judul kolom")
	}
	return t, nil
}

func readXLSX(data []byte) (tbl *table, err error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    maxUnzipped,
		UnzipXMLSizeLimit: maxSheetXML,
		// Raw values: numbers as stored (dates as serial numbers), the
		// cached result of a formula rather than its text.
		RawCellValue: true,
	})
	if err != nil {
		if strings.Contains(err.Error(), "size limit") {
			return nil, fileErrorf("berkas XLSX ini terbuka lebih dari %d MB: terlalu besar", maxUnzipped>>20)
		}
		return nil, fileErrorf("berkas ini bukan XLSX yang dapat dibaca (%v): simpan ulang dari Excel sebagai .xlsx", err)
	}
	defer f.Close()
	sheet := dataSheet(f)
	if sheet == "" {
		return nil, fileErrorf("berkas XLSX tanpa lembar kerja")
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, fileErrorf("lembar %q tidak dapat dibaca: %v", sheet, err)
	}
	defer rows.Close()
	t := &table{}
	line := 0
	for rows.Next() {
		line++
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fileErrorf("lembar %q baris %d tidak dapat dibaca: %v", sheet, line, err)
		}
		if err := t.add(line, cells); err != nil {
			return nil, err
		}
	}
	if err := rows.Error(); err != nil {
		return nil, fileErrorf("lembar %q tidak dapat dibaca: %v", sheet, err)
	}
	return t.finish()
}

// dataSheet is the sheet named Data (as templates call it), else the
// first visible one.
func dataSheet(f *excelize.File) string {
	list := f.GetSheetList()
	for _, name := range list {
		if strings.EqualFold(strings.TrimSpace(name), "data") {
			return name
		}
	}
	for _, name := range list {
		if v, err := f.GetSheetVisible(name); err == nil && v {
			return name
		}
	}
	return ""
}

func readGeoJSON(data []byte) (*table, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	var probe struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fileErrorf("GeoJSON tidak dapat dibaca: %v", err)
	}
	if probe.Type != "FeatureCollection" {
		return nil, fileErrorf("GeoJSON harus sebuah FeatureCollection, bukan %q", probe.Type)
	}
	if len(probe.Features) > MaxRows {
		return nil, fileErrorf("berkas berisi lebih dari %d fitur: bagi menjadi beberapa berkas", MaxRows)
	}
	// Headers are the union of the property names, in order of appearance.
	t := &table{headerLine: 0}
	index := map[string]int{}
	for i, raw := range probe.Features {
		var feat struct {
			Type       string            `json:"type"`
			ID         any               `json:"id"`
			Geometry   *geojson.Geometry `json:"geometry"`
			Properties map[string]any    `json:"properties"`
		}
		if err := json.Unmarshal(raw, &feat); err != nil {
			return nil, fileErrorf("fitur ke-%d tidak dapat dibaca: %v", i+1, err)
		}
		if feat.Type != "Feature" {
			return nil, fileErrorf("fitur ke-%d bukan sebuah Feature (type %q)", i+1, feat.Type)
		}
		props := feat.Properties
		if props == nil {
			props = map[string]any{}
		}
		// A feature id names the record when no property does.
		if _, ok := props["id"]; !ok && feat.ID != nil {
			if _, ok := props["kode"]; !ok {
				props["kode"] = feat.ID
			}
		}
		r := row{line: i + 1, feature: true, geometry: feat.Geometry}
		for k, v := range props {
			j, ok := index[k]
			if !ok {
				j = len(t.headers)
				index[k] = j
				t.headers = append(t.headers, k)
			}
			for len(r.cells) <= j {
				r.cells = append(r.cells, "")
			}
			r.cells[j] = propertyText(v)
		}
		t.rows = append(t.rows, r)
	}
	if t.headers == nil {
		t.headers = []string{}
	}
	return t, nil
}

// propertyText turns a GeoJSON property into the text a cell would hold.
func propertyText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case []any:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = propertyText(x)
		}
		return strings.Join(parts, "|")
	}
	b, _ := json.Marshal(v)
	return string(b)
}
