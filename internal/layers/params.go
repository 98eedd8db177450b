package layers

import (
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
)

// checkParams refuses names the layer does not know, so that a typo
// (kind=ROAD on a layer without kinds) is an error rather than a silently
// unfiltered answer.
func (l *Layer) checkParams(v url.Values) error {
	for name := range v {
		if _, ok := l.Param(name); !ok {
			names := make([]string, 0, len(l.Params))
			for _, p := range l.Params {
				names = append(names, p.Name)
			}
			return domain.Invalid(name, "unknown parameter %q for layer %s (filters: %s)", name, l.Name, strings.Join(names, ", "))
		}
	}
	return nil
}

// values reads a layer's filter parameters; every error names the
// parameter as the client spelt it.
type values struct {
	l *Layer
	v url.Values
}

// raw returns the values given under p's name and aliases, and the name used.
func (r values) raw(name string) ([]string, string) {
	p, _ := r.l.Param(name)
	var out []string
	used := name
	for _, n := range append([]string{p.Name}, p.Aliases...) {
		if vs, ok := r.v[n]; ok {
			out = append(out, vs...)
			used = n
		}
	}
	return out, used
}

// list splits comma-separated and repeated values; empty items are dropped.
func (r values) list(name string) []string {
	vs, _ := r.raw(name)
	var out []string
	for _, v := range vs {
		for item := range strings.SplitSeq(v, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
	}
	return out
}

func (r values) one(name string) (string, string, error) {
	vs, used := r.raw(name)
	switch len(vs) {
	case 0:
		return "", used, nil
	case 1:
		v := strings.TrimSpace(vs[0])
		if v == "" {
			return "", used, domain.Invalid(used, "must not be empty")
		}
		return v, used, nil
	}
	return "", used, domain.Invalid(used, "given more than once")
}

func (r values) str(name string) (string, error) {
	v, _, err := r.one(name)
	return v, err
}

func (r values) int(name string) (*int, error) {
	v, used, err := r.one(name)
	if err != nil || v == "" {
		return nil, err
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return nil, domain.Invalid(used, "%q is not an integer", v)
	}
	return &n, nil
}

func (r values) bool(name string) (*bool, error) {
	v, used, err := r.one(name)
	if err != nil || v == "" {
		return nil, err
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return nil, domain.Invalid(used, "%q is not true or false", v)
	}
	return &b, nil
}

func (r values) date(name string) (*time.Time, error) {
	v, used, err := r.one(name)
	if err != nil || v == "" {
		return nil, err
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return nil, domain.Invalid(used, "%q is not a date (YYYY-MM-DD)", v)
	}
	return &t, nil
}

// enum returns the listed values converted to T, refusing any not in valid.
func enum[T ~string](r values, name string, valid []T) ([]T, error) {
	var out []T
	for _, s := range r.list(name) {
		t := T(strings.ToUpper(s))
		if !slices.Contains(valid, t) {
			_, used := r.raw(name)
			return nil, domain.Invalid(used, "unknown value %q (one of %s)", s, joinEnum(valid))
		}
		out = append(out, t)
	}
	return out, nil
}

func joinEnum[T ~string](vs []T) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

func enumStrings[T ~string](vs []T) []string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return s
}

// ParseBBox parses "minLon,minLat,maxLon,maxLat". Six numbers (a 3D box, as
// OGC API allows) are accepted and the heights ignored.
func ParseBBox(param, s string) (*orb.Bound, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 && len(parts) != 6 {
		return nil, domain.Invalid(param, "must be minLon,minLat,maxLon,maxLat")
	}
	n := make([]float64, len(parts))
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, domain.Invalid(param, "%q is not a number", p)
		}
		n[i] = f
	}
	if len(n) == 6 {
		n = []float64{n[0], n[1], n[3], n[4]}
	}
	b := &orb.Bound{Min: orb.Point{n[0], n[1]}, Max: orb.Point{n[2], n[3]}}
	if b.Min[0] < -180 || b.Max[0] > 180 || b.Min[1] < -90 || b.Max[1] > 90 {
		return nil, domain.Invalid(param, "coordinates must be within -180..180 and -90..90")
	}
	if b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1] {
		return nil, domain.Invalid(param, "minimum must not exceed maximum (antimeridian-crossing boxes are not supported)")
	}
	return b, nil
}

// ParseInt parses an integer query parameter within [min, max]; "" gives def.
func ParseInt(param, s string, def, min, max int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, domain.Invalid(param, "%q is not an integer", s)
	}
	if n < min || n > max {
		return 0, domain.Invalid(param, "must be between %d and %d", min, max)
	}
	return n, nil
}

// ParseFloat parses a number query parameter within [min, max]; "" gives def.
func ParseFloat(param, s string, def, min, max float64) (float64, error) {
	if s == "" {
		return def, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) {
		return 0, domain.Invalid(param, "%q is not a number", s)
	}
	if f < min || f > max {
		return 0, domain.Invalid(param, "must be between %g and %g", min, max)
	}
	return f, nil
}
