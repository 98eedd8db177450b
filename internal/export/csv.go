package export

import (
	"bufio"
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"
)

// writeCSV writes comma-separated UTF-8 with a byte-order mark, which
// Excel needs to read UTF-8 rather than the system code page. Numbers use a
// decimal point, dates ISO 8601: what GDAL and an import read back.
func writeCSV(ctx context.Context, w io.Writer, src *source) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.Write([]byte{0xEF, 0xBB, 0xBF}); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	header := make([]string, len(src.columns))
	for i, c := range src.columns {
		header[i] = c.Key
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	cells := make([]string, len(src.columns))
	n := 0
	err := src.each(ctx, func(r record) error {
		if err := src.check(r); err != nil {
			return err
		}
		if n++; n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		for i, v := range r.values {
			cells[i] = cellText(v)
			if s, ok := v.(string); ok {
				cells[i] = defuse(s)
			}
		}
		return cw.Write(cells)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func cellText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case time.Time:
		return v.Format(time.DateOnly)
	}
	return ""
}

// defuse keeps a spreadsheet from taking a text cell for a formula ("CSV
// injection"): text starting with = + - @ or a control character gets a
// leading apostrophe, which Excel shows as text and an import removes
// (importer.Undefuse). XLSX cells are typed and need none.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
