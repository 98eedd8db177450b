package importer

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// The parsers below read cells as Dinas Sosial's spreadsheets write them.
// Each returns an error whose text is an Indonesian message for the report;
// none panics, whatever the input (see the Fuzz targets).

// ParseAmount reads a whole number of rupiah (or a count) written the
// Indonesian way ("1.500.000", "Rp 1.500.000,00"), the English way
// ("1,500,000.00") or as a spreadsheet stores it ("1500000", "1.5E+6").
// A dot or comma followed by exactly three digits, repeated, groups
// thousands; otherwise it is the decimal separator. Fractions must be zero.
func ParseAmount(s string) (int64, error) {
	t := strings.TrimSpace(s)
	low := strings.ToLower(t)
	for _, p := range []string{"rp.", "rp", "idr"} {
		if strings.HasPrefix(low, p) {
			t, low = t[len(p):], low[len(p):]
			break
		}
	}
	t = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u00a0' || r == '\'' {
			return -1
		}
		return r
	}, t)
	t = strings.TrimSuffix(t, ",-")
	t = strings.TrimSuffix(t, ".-")
	neg := false
	if strings.HasPrefix(t, "-") {
		neg, t = true, t[1:]
	}
	if t == "" {
		return 0, errors.New("bukan angka")
	}
	var intPart, frac string
	switch dot, comma := strings.Count(t, "."), strings.Count(t, ","); {
	case strings.ContainsAny(t, "eE"):
		f, err := strconv.ParseFloat(t, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || f != math.Trunc(f) || math.Abs(f) > 9e18 {
			return 0, errors.New("bukan bilangan bulat")
		}
		if neg {
			f = -f
		}
		return int64(f), nil
	case dot > 0 && comma > 0:
		// The last separator is the decimal one.
		d, th := ",", "."
		if strings.LastIndex(t, ".") > strings.LastIndex(t, ",") {
			d, th = ".", ","
		}
		i := strings.LastIndex(t, d)
		intPart, frac = t[:i], t[i+1:]
		if !grouped(intPart, th) {
			return 0, errors.New("pemisah ribuan tidak teratur (tulis mis. 1.500.000 atau 1500000)")
		}
		intPart = strings.ReplaceAll(intPart, th, "")
	case dot > 0 || comma > 0:
		sep := "."
		if comma > 0 {
			sep = ","
		}
		if grouped(t, sep) {
			intPart = strings.ReplaceAll(t, sep, "")
		} else if strings.Count(t, sep) == 1 {
			i := strings.Index(t, sep)
			intPart, frac = t[:i], t[i+1:]
		} else {
			return 0, errors.New("pemisah ribuan tidak teratur (tulis mis. 1.500.000 atau 1500000)")
		}
	default:
		intPart = t
	}
	if intPart == "" || !allDigits(intPart) || !allDigits(frac) {
		return 0, errors.New("bukan angka")
	}
	if strings.Trim(frac, "0") != "" {
		return 0, errors.New("harus bilangan bulat, tanpa pecahan")
	}
	n, err := strconv.ParseInt(intPart, 10, 64)
	if err != nil {
		return 0, errors.New("angka terlalu besar")
	}
	if neg {
		n = -n
	}
	return n, nil
}

// grouped reports whether s is digits in thousands groups split by sep:
// 1 to 3 digits, then one or more sep + 3 digits.
func grouped(s, sep string) bool {
	parts := strings.Split(s, sep)
	if len(parts) < 2 || len(parts[0]) == 0 || len(parts[0]) > 3 || !allDigits(parts[0]) {
		return false
	}
	for _, p := range parts[1:] {
		if len(p) != 3 || !allDigits(p) {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ParseInt reads a whole number such as a year or a count: "2024",
// "1.200" (thousands), "2024.0" (as some tools store numbers).
func ParseInt(s string) (int, error) {
	n, err := ParseAmount(s)
	if err != nil {
		return 0, err
	}
	if n > math.MaxInt32 || n < math.MinInt32 {
		return 0, errors.New("angka terlalu besar")
	}
	return int(n), nil
}

// ParseDecimal reads a coordinate with a decimal point or a decimal comma
// ("-5.4560", "-5,4560", "122,6077"). Thousands separators make no sense
// in degrees and are refused.
func ParseDecimal(s string) (float64, error) {
	t := strings.TrimSpace(s)
	t = strings.ReplaceAll(t, "\u2212", "-") // a typographic minus
	t = strings.TrimSuffix(t, "°")
	if strings.Count(t, ",") == 1 && !strings.Contains(t, ".") {
		t = strings.Replace(t, ",", ".", 1)
	}
	if t == "" || strings.ContainsAny(t, "_xXpPiInN") {
		return 0, errors.New("bukan angka (tulis mis. -5,4560 atau -5.4560)")
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, errors.New("bukan angka (tulis mis. -5,4560 atau -5.4560)")
	}
	return f, nil
}

// excelEpoch is day 0 of Excel's 1900 date system as it counts in
// practice (it takes 1900 for a leap year, so serials from 61 on count
// from 1899-12-30).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// ParseDate reads a calendar date: ISO (2024-03-01, also with a midnight
// time), dd/mm/yyyy or dd-mm-yyyy or dd.mm.yyyy (Indonesian order), or an
// Excel serial number (45352 = 2024-03-01), which is what a date cell of a
// spreadsheet holds. The result is 00:00 UTC.
func ParseDate(s string) (time.Time, error) {
	t := strings.TrimSpace(s)
	bad := errors.New("bukan tanggal (tulis 2024-03-01 atau 01/03/2024)")
	if t == "" {
		return time.Time{}, bad
	}
	if allDigits(strings.TrimSuffix(t, ".0")) {
		n, err := strconv.Atoi(strings.TrimSuffix(t, ".0"))
		// Serials of 1990 .. 2100; a bare year or yyyymmdd is not one.
		if err != nil || n < 32874 || n > 73415 {
			return time.Time{}, bad
		}
		return excelEpoch.AddDate(0, 0, n), nil
	}
	if d, err := time.Parse(time.DateOnly, t); err == nil {
		return d, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
		if d, err := time.Parse(layout, t); err == nil {
			if d.Hour() != 0 || d.Minute() != 0 || d.Second() != 0 || d.Nanosecond() != 0 {
				return time.Time{}, errors.New("harus tanggal saja, tanpa jam")
			}
			return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC), nil
		}
	}
	for _, sep := range []string{"/", "-", "."} {
		parts := strings.Split(t, sep)
		if len(parts) != 3 || len(parts[2]) != 4 {
			continue
		}
		day, err1 := strconv.Atoi(parts[0])
		month, err2 := strconv.Atoi(parts[1])
		year, err3 := strconv.Atoi(parts[2])
		if err1 != nil || err2 != nil || err3 != nil || !allDigits(parts[0]+parts[1]+parts[2]) {
			return time.Time{}, bad
		}
		d := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
		if d.Day() != day || int(d.Month()) != month || d.Year() != year {
			return time.Time{}, errors.New("tanggal tidak ada di kalender (urutan: hari/bulan/tahun)")
		}
		return d, nil
	}
	return time.Time{}, bad
}
