package importer

import (
	"testing"
	"time"
)

func TestParseAmount(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1500000", 1500000, true},
		{"1.500.000", 1500000, true},
		{"Rp 1.500.000,00", 1500000, true},
		{"Rp1.500.000,-", 1500000, true},
		{"rp. 150.000", 150000, true},
		{"1,500,000", 1500000, true},
		{"1,500,000.00", 1500000, true},
		{"1.5E+6", 1500000, true},
		{"1500000.0", 1500000, true},
		{"1.500", 1500, true},
		{" 2 000 000 ", 2000000, true},
		{"-5", -5, true},
		{"1.500.000,50", 0, false},
		{"1.50.000", 0, false},
		{"abc", 0, false},
		{"", 0, false},
		{"Rp", 0, false},
		{"99999999999999999999", 0, false},
		{"1e400", 0, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseAmount(tc.in)
			if (err == nil) != tc.ok || got != tc.want {
				t.Errorf("ParseAmount(%q) = %d, %v; want %d, ok=%v", tc.in, got, err, tc.want, tc.ok)
			}
		})
	}
}

func TestParseDecimal(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"-5.4560", -5.456, true},
		{"-5,4560", -5.456, true},
		{"122,6077", 122.6077, true},
		{"\u22125,5", -5.5, true},
		{"1,234,5", 0, false},
		{"NaN", 0, false},
		{"Inf", 0, false},
		{"0x1p-2", 0, false},
		{"", 0, false},
	} {
		got, err := ParseDecimal(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseDecimal(%q) = %g, %v; want %g, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestParseDate(t *testing.T) {
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2024-03-01", d(2024, 3, 1), true},
		{"01/03/2024", d(2024, 3, 1), true},
		{"1/3/2024", d(2024, 3, 1), true},
		{"01-03-2024", d(2024, 3, 1), true},
		{"01.03.2024", d(2024, 3, 1), true},
		{"45352", d(2024, 3, 1), true},
		{"45352.0", d(2024, 3, 1), true},
		{"2024-03-01T00:00:00Z", d(2024, 3, 1), true},
		{"2024-03-01 00:00:00", d(2024, 3, 1), true},
		{"2024-03-01T10:00:00Z", time.Time{}, false},
		{"31/02/2024", time.Time{}, false},
		{"2024", time.Time{}, false},
		{"20240301", time.Time{}, false},
		{"kemarin", time.Time{}, false},
		{"", time.Time{}, false},
	} {
		got, err := ParseDate(tc.in)
		if (err == nil) != tc.ok || !got.Equal(tc.want) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"1.500.000", "Rp 1.500.000,00", "1,500,000.00", "1.5E+6", "-0", "9223372036854775807"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseAmount(s)
		if err == nil && n != 0 {
			// A plain rendering of the result reads back the same.
			back, err := ParseAmount(formatInt(n))
			if err != nil || back != n {
				t.Fatalf("ParseAmount(%q) = %d, but %q reads back as %d, %v", s, n, formatInt(n), back, err)
			}
		}
	})
}

func formatInt(n int64) string { return itoa(n) }

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	var b []byte
	for n != 0 {
		d := n % 10
		if d < 0 {
			d = -d
		}
		b = append([]byte{byte('0' + d)}, b...)
		n /= 10
	}
	if neg {
		b = append([]byte{'-'}, b...)
	}
	return string(b)
}

func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"-5.4560", "-5,4560", "122,6077", "1e5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { _, _ = ParseDecimal(s) })
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-03-01", "01/03/2024", "45352", "2024-03-01T00:00:00Z", "31/02/2024"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if d.Hour() != 0 || d.Minute() != 0 || d.Location() != time.UTC {
			t.Fatalf("ParseDate(%q) = %v: not a UTC calendar date", s, d)
		}
		if back, err := ParseDate(d.Format(time.DateOnly)); err != nil || !back.Equal(d) {
			t.Fatalf("ParseDate(%q) = %v does not read back as ISO: %v, %v", s, d, back, err)
		}
	})
}

func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{"kode;judul\nprj-1;Jalan\n", "\xef\xbb\xbfkode,judul\n\"a,b\",c\n", "a\n\"unterminated", "\xff\xfe"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tbl, err := readCSV(b)
		if err != nil {
			if _, ok := err.(*FileError); !ok {
				t.Fatalf("readCSV: %T %v, not a FileError", err, err)
			}
			return
		}
		for _, r := range tbl.rows {
			if r.line <= tbl.headerLine {
				t.Fatalf("row at line %d is not below the header at %d", r.line, tbl.headerLine)
			}
		}
	})
}
