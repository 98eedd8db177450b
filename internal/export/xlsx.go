package export

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"
)

// writeXLSX writes one sheet, Data, with typed cells: numbers as numbers
// (rupiah with thousands grouping), dates as dates. It streams the rows,
// so 100,000 of them stay in a bounded amount of memory until the zip is
// written.
func writeXLSX(ctx context.Context, w io.Writer, src *source) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Data"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	dateFmt := "yyyy-mm-dd"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return err
	}
	money, err := f.NewStyle(&excelize.Style{NumFmt: 3}) // #,##0
	if err != nil {
		return err
	}
	widths := map[string]float64{"judul": 40, "nama": 36, "jenis": 30, "keterangan": 40, "geometri": 40, "nama kelurahan": 20, "kelurahan": 16}
	for i, c := range src.columns {
		wdt := 14.0
		if v, ok := widths[c.Key]; ok {
			wdt = v
		}
		if err := sw.SetColWidth(i+1, i+1, wdt); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	header := make([]any, len(src.columns))
	for i, c := range src.columns {
		header[i] = excelize.Cell{StyleID: bold, Value: c.Key}
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{}); err != nil {
		return err
	}
	row := 1
	cells := make([]any, len(src.columns))
	err = src.each(ctx, func(r record) error {
		if err := src.check(r); err != nil {
			return err
		}
		row++
		if row%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		for i, v := range r.values {
			switch v := v.(type) {
			case nil:
				cells[i] = nil
			case time.Time:
				cells[i] = excelize.Cell{StyleID: dateStyle, Value: v}
			case int64:
				if src.columns[i].Key == "anggaran" {
					cells[i] = excelize.Cell{StyleID: money, Value: v}
				} else {
					cells[i] = v
				}
			default:
				cells[i] = v
			}
		}
		return sw.SetRow(fmt.Sprintf("A%d", row), cells)
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}
