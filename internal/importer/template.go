package importer

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/serasi/serasi/internal/domain"
)

// Template sheet names. The importer reads the sheet named Data.
const (
	templateDataSheet  = "Data"
	templateHelpSheet  = "Petunjuk"
	templateListsSheet = "Daftar"
	templateRows       = 5000 // rows that get the drop-down lists
)

// example is one filled row per layer, for the instruction sheet.
var example = map[Layer]map[string]string{
	Projects: {colID: "prj-2024-001", colTitle: "Tugu keserasian Wale", colKind: domain.HarmonyMonument.LabelID(), colYear: "2024",
		colBudget: "150.000.000", colStatus: domain.ProjectPlanned.LabelID(), colKelurahan: "Wale", colForum: "fks-2015-wale",
		colStart: "01/03/2024", colBenef: "120", colDescription: "Tugu di depan kantor kelurahan", colLat: "-5,4560", colLon: "122,6077"},
	Forums: {colID: "fks-2024-wale", colName: "FKS Kelurahan Wale II", colKelurahan: "Wale", colYearFormed: "2024",
		colStatus: domain.ForumActive.LabelID(), colMembers: "25", colDescription: "Sekretariat di kantor kelurahan", colLat: "-5,4560", colLon: "122,6077"},
	Activities: {colID: "act-2024-001", colTitle: "Dialog warga Wale", colForum: "fks-2015-wale", colKind: domain.Dialogue.LabelID(),
		colDate: "02/05/2024", colPeople: "40", colDescription: "Dialog antarwarga di balai kelurahan", colLat: "-5,4560", colLon: "122,6077"},
}

// templateColumns are the columns a template offers: those an import reads.
func templateColumns(l Layer) []Column {
	var out []Column
	for _, c := range Columns(l) {
		if !c.Info {
			out = append(out, c)
		}
	}
	return out
}

// WriteTemplate writes an empty sheet for layer l that an import reads:
// XLSX with Indonesian headers, drop-down lists for kind, status and
// kelurahan, and an instruction sheet with one filled example row; or CSV
// with the header row alone. kels fills the kelurahan list.
func WriteTemplate(w io.Writer, l Layer, f Format, kels []domain.Kelurahan) error {
	cols := templateColumns(l)
	if cols == nil {
		return domain.Invalid("layer", "unknown layer %q (projects, forums or activities)", l)
	}
	switch f {
	case CSV:
		if _, err := w.Write(utf8BOM); err != nil {
			return err
		}
		cw := csv.NewWriter(w)
		header := make([]string, len(cols))
		for i, c := range cols {
			header[i] = c.Key
		}
		_ = cw.Write(header)
		cw.Flush()
		return cw.Error()
	case XLSX:
		return writeXLSXTemplate(w, l, cols, kels)
	}
	return domain.Invalid("format", "templates are xlsx or csv, not %q", f)
}

func writeXLSXTemplate(w io.Writer, l Layer, cols []Column, kels []domain.Kelurahan) error {
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetSheetName("Sheet1", templateDataSheet); err != nil {
		return err
	}
	for _, s := range []string{templateHelpSheet, templateListsSheet} {
		if _, err := x.NewSheet(s); err != nil {
			return err
		}
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	wrap, err := x.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	// Text cells: a kode such as 001 or a kelurahan code keeps its form.
	textStyle, err := x.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}

	// The lists behind the drop-downs, on a hidden sheet (an inline list
	// is limited to 255 characters; 43 kelurahan names are more).
	lists := map[string][]string{}
	switch l {
	case Projects:
		lists[colKind] = labels(domain.ProjectKinds, domain.ProjectKind.LabelID)
		lists[colStatus] = labels(domain.ProjectStatuses, domain.ProjectStatus.LabelID)
	case Forums:
		lists[colStatus] = labels([]domain.ForumStatus{domain.ForumActive, domain.ForumInactive}, domain.ForumStatus.LabelID)
	case Activities:
		lists[colKind] = labels(domain.ActivityKinds, domain.ActivityKind.LabelID)
	}
	if l != Forums { // a forum's kelurahan cell may list several
		for _, k := range kels {
			lists[colKelurahan] = append(lists[colKelurahan], k.Name)
		}
	}
	listCol := 0
	for i, c := range cols {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := x.SetCellValue(templateDataSheet, cell, c.Key); err != nil {
			return err
		}
		colName, _ := excelize.ColumnNumberToName(i + 1)
		width := 16.0
		switch c.Key {
		case colTitle, colName, colKind, colDescription, colGeometry:
			width = 32
		}
		if err := x.SetColWidth(templateDataSheet, colName, colName, width); err != nil {
			return err
		}
		if c.Key == colID || c.Key == colKelurahan || c.Key == colForum {
			if err := x.SetColStyle(templateDataSheet, colName, textStyle); err != nil {
				return err
			}
		}
		values, ok := lists[c.Key]
		if !ok || len(values) == 0 {
			continue
		}
		listCol++
		lc, _ := excelize.ColumnNumberToName(listCol)
		for j, v := range values {
			if err := x.SetCellValue(templateListsSheet, fmt.Sprintf("%s%d", lc, j+1), v); err != nil {
				return err
			}
		}
		dv := excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("%s2:%s%d", colName, colName, templateRows+1)
		dv.SetSqrefDropList(fmt.Sprintf("%s!$%s$1:$%s$%d", templateListsSheet, lc, lc, len(values)))
		dv.SetError(excelize.DataValidationErrorStyleWarning, "Nilai tidak ada di daftar", "Pilih dari daftar: "+c.Hint)
		if err := x.AddDataValidation(templateDataSheet, dv); err != nil {
			return err
		}
	}
	last, _ := excelize.ColumnNumberToName(len(cols))
	if err := x.SetCellStyle(templateDataSheet, "A1", last+"1", bold); err != nil {
		return err
	}
	if err := x.SetPanes(templateDataSheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := x.SetSheetVisible(templateListsSheet, false); err != nil {
		return err
	}

	// The instruction sheet: what each column takes, then an example row.
	h := templateHelpSheet
	set := func(cell string, v any) {
		_ = x.SetCellValue(h, cell, v)
	}
	set("A1", "Petunjuk pengisian: "+l.Title())
	set("A2", "Isi lembar Data, satu baris per "+strings.ToLower(l.Title())+", lalu impor berkas ini di /impor atau dengan: serasi import "+string(l)+" BERKAS.xlsx --dry-run. "+
		"Bila ada satu baris yang salah, tidak ada yang disimpan; laporan menyebut baris, kolom dan cara memperbaikinya. Mengimpor ulang berkas yang sama tidak mengubah apa pun.")
	set("A4", "Kolom")
	set("B4", "Wajib")
	set("C4", "Cara mengisi")
	for i, c := range cols {
		r := i + 5
		set(fmt.Sprintf("A%d", r), c.Key)
		req := ""
		if c.Required {
			req = "ya"
		}
		if (c.Key == colLat || c.Key == colLon || c.Key == colGeometry) && l != Activities {
			req = "lokasi"
		}
		set(fmt.Sprintf("B%d", r), req)
		set(fmt.Sprintf("C%d", r), c.Hint)
	}
	exRow := len(cols) + 7
	set(fmt.Sprintf("A%d", exRow-1), "Contoh satu baris yang terisi (salin ke lembar Data bila perlu):")
	for i, c := range cols {
		cell, _ := excelize.CoordinatesToCellName(i+1, exRow)
		val, _ := excelize.CoordinatesToCellName(i+1, exRow+1)
		set(cell, c.Key)
		set(val, example[l][c.Key])
	}
	_ = x.SetColWidth(h, "A", "A", 22)
	_ = x.SetColWidth(h, "B", "B", 10)
	_ = x.SetColWidth(h, "C", "C", 90)
	_ = x.SetCellStyle(h, "C5", fmt.Sprintf("C%d", len(cols)+4), wrap)
	_ = x.SetCellStyle(h, "A4", "C4", bold)
	_ = x.SetCellStyle(h, fmt.Sprintf("A%d", exRow), fmt.Sprintf("%s%d", last, exRow), bold)
	x.SetActiveSheet(0)
	_, err = x.WriteTo(w)
	return err
}

func labels[T ~string](all []T, label func(T) string) []string {
	out := make([]string, len(all))
	for i, x := range all {
		out[i] = label(x)
	}
	return out
}
