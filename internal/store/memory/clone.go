package memory

import (
	"time"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
)

// The store never hands out its own slices: every record leaves through one
// of these deep copies, so callers may change what they get.

func cloneSlice[T any](xs []T, clone func(T) T) []T {
	out := make([]T, len(xs))
	for i, x := range xs {
		out[i] = clone(x)
	}
	return out
}

func cloneProvinsi(p domain.Provinsi) domain.Provinsi {
	p.Geometry = cloneGeometry(p.Geometry)
	return p
}

func cloneKabupatenKota(k domain.KabupatenKota) domain.KabupatenKota {
	k.Geometry = cloneGeometry(k.Geometry)
	return k
}

func cloneKecamatan(k domain.Kecamatan) domain.Kecamatan {
	k.Geometry = cloneGeometry(k.Geometry)
	return k
}

func cloneKelurahan(k domain.Kelurahan) domain.Kelurahan {
	k.Geometry = cloneGeometry(k.Geometry)
	return k
}

func cloneForum(f domain.Forum) domain.Forum {
	if f.KelurahanCodes != nil {
		f.KelurahanCodes = append([]string(nil), f.KelurahanCodes...)
	}
	return f
}

func cloneProject(p domain.Project) domain.Project {
	p.Geometry = cloneGeometry(p.Geometry)
	p.StartDate = cloneTime(p.StartDate)
	p.FinishDate = cloneTime(p.FinishDate)
	return p
}

func cloneActivity(a domain.Activity) domain.Activity {
	if a.Location != nil {
		loc := *a.Location
		a.Location = &loc
	}
	return a
}

func cloneTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	c := *t
	return &c
}

// cloneGeometry deep-copies g like orb.Clone, but puts all the points of a
// geometry in one backing array, so a polygon costs two allocations however
// many rings it has (KelurahanAt is on the hot path of every lookup).
func cloneGeometry(g orb.Geometry) orb.Geometry {
	switch g := g.(type) {
	case nil:
		return nil
	case orb.Point, orb.Bound:
		return g
	case orb.MultiPoint:
		if g == nil {
			return g
		}
		return append(orb.MultiPoint(make([]orb.Point, 0, len(g))), g...)
	case orb.LineString:
		if g == nil {
			return g
		}
		return append(orb.LineString(make([]orb.Point, 0, len(g))), g...)
	case orb.Ring:
		if g == nil {
			return g
		}
		return append(orb.Ring(make([]orb.Point, 0, len(g))), g...)
	case orb.MultiLineString:
		if g == nil {
			return g
		}
		n := 0
		for _, ls := range g {
			n += len(ls)
		}
		pts := make([]orb.Point, 0, n)
		out := make(orb.MultiLineString, len(g))
		for i, ls := range g {
			pts, out[i] = carve(pts, ls)
		}
		return out
	case orb.Polygon:
		if g == nil {
			return g
		}
		pts := make([]orb.Point, 0, polygonPoints(g))
		out, _ := clonePolygon(pts, g)
		return out
	case orb.MultiPolygon:
		if g == nil {
			return g
		}
		n := 0
		for _, p := range g {
			n += polygonPoints(p)
		}
		pts := make([]orb.Point, 0, n)
		out := make(orb.MultiPolygon, len(g))
		for i, p := range g {
			out[i], pts = clonePolygon(pts, p)
		}
		return out
	case orb.Collection:
		if g == nil {
			return g
		}
		out := make(orb.Collection, len(g))
		for i, c := range g {
			out[i] = cloneGeometry(c)
		}
		return out
	}
	return orb.Clone(g)
}

func polygonPoints(p orb.Polygon) int {
	n := 0
	for _, r := range p {
		n += len(r)
	}
	return n
}

// carve appends src to pts and returns the grown pts and the part of it that
// holds the copy, capped so appending to the copy cannot touch its neighbour.
func carve(pts, src []orb.Point) ([]orb.Point, []orb.Point) {
	start := len(pts)
	pts = append(pts, src...)
	return pts, pts[start:len(pts):len(pts)]
}

func clonePolygon(pts []orb.Point, p orb.Polygon) (orb.Polygon, []orb.Point) {
	if p == nil {
		return nil, pts
	}
	out := make(orb.Polygon, len(p))
	for i, r := range p {
		var c []orb.Point
		pts, c = carve(pts, r)
		if r == nil {
			c = nil
		}
		out[i] = c
	}
	return out, pts
}
