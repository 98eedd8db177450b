package postgis

import (
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lib/pq"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// where collects the conditions of a query and their bind parameters. The
// conditions are fixed SQL fragments of this package; callers' values only
// ever enter through bind, as $n parameters.
type where struct {
	conds []string
	args  []any
}

// bind adds a parameter and returns its placeholder.
func (w *where) bind(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

// geom binds g as WKB and returns the SQL expression of the geometry.
func (w *where) geom(g orb.Geometry) string {
	return "ST_GeomFromWKB(" + w.bind(wkb.Value(g)) + ", 4326)"
}

// envelope binds a validated bbox and returns the SQL expression of its box.
func (w *where) envelope(b orb.Bound) string {
	return fmt.Sprintf("ST_MakeEnvelope(%s, %s, %s, %s, 4326)",
		w.bind(b.Min[0]), w.bind(b.Min[1]), w.bind(b.Max[0]), w.bind(b.Max[1]))
}

// and adds a condition; format's %s verbs take the placeholders.
func (w *where) and(format string, placeholders ...any) {
	w.conds = append(w.conds, fmt.Sprintf(format, placeholders...))
}

// sql returns " WHERE a AND b ..." or "".
func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// eq adds "column = value" for a caller's string.
func (w *where) eq(column, value string) {
	if !storable(value) {
		w.and("false")
		return
	}
	w.and(column+" = %s", w.bind(value))
}

// under adds "column is a code under parent" (74.72 for 74.72.02.1001) as a
// range, which the C-collated primary key index answers: every such code
// lies between parent+"." and parent+"/", '/' being the byte after '.'. A
// parent that is not of the level's length (2 for a provinsi, 5 for a
// kabupaten/kota) has no code under it, as in the memory store, which
// compares the code's own prefix.
func (w *where) under(column, parent string, length int) {
	if !storable(parent) || len(parent) != length {
		w.and("false")
		return
	}
	w.and(column+" >= %s AND "+column+" < %s", w.bind(parent+"."), w.bind(parent+"/"))
}

// storable reports whether PostgreSQL can take s as text at all: it refuses
// NUL bytes and invalid UTF-8 with an error. Such a string cannot equal any
// stored key, so lookups answer "not found" as the memory store does.
func storable(s string) bool { return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 }

// textArray binds a list of string-like values as a text[] parameter,
// leaving out values that cannot be stored (and so match nothing).
func textArray[T ~string](xs []T) any {
	a := make(pq.StringArray, 0, len(xs))
	for _, x := range xs {
		if storable(string(x)) {
			a = append(a, string(x))
		}
	}
	return a
}

// asDate turns a date column, which lib/pq returns at midnight in a fixed
// zone, into the calendar date at 00:00 UTC that the domain uses.
func asDate(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func nullDate(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	d := asDate(t.Time)
	return &d
}

// dateText formats a calendar date as PostgreSQL reads it.
func dateText(t time.Time) string { return t.Format("2006-01-02") }

// firstDateFrom returns the first calendar date whose midnight UTC is not
// before t: the dates d with d >= t.
func firstDateFrom(t time.Time) time.Time {
	t = t.UTC()
	d := asDate(t)
	if d.Before(t) {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// lastDateTo returns the last calendar date whose midnight UTC is not after
// t: the dates d with d <= t.
func lastDateTo(t time.Time) time.Time { return asDate(t.UTC()) }
