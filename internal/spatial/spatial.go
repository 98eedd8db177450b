// Package spatial holds the planar side of serasi's geometry handling:
// GeoJSON input with client-safe errors, validity checks, RFC 7946
// orientation, rendering for the wire, and the predicates Covers,
// Intersects and ContainsPoint, which follow PostGIS's ST_Covers and
// ST_Intersects on the geometry type (planar, in lon/lat degrees) so that
// both stores give the same answers.
//
// Exact planar semantics come from github.com/peterstace/simplefeatures
// (a pure-Go implementation of the OGC simple features model, as GEOS is
// for PostGIS); the cases on the hot path, a point against a polygon, are
// written out here with an exact orientation test, as GEOS has one.
package spatial

import (
	"errors"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/geom"
)

// MaxVertices bounds the positions of one input geometry, counted over all
// its parts and rings, so that one request cannot make validation or the
// predicates arbitrarily slow.
const MaxVertices = 10_000

// toSF converts an orb geometry to a simplefeatures one, without
// validating it. Rings and Bounds become polygons, a Collection a
// GeometryCollection.
func toSF(g orb.Geometry) (geom.Geometry, error) {
	switch g := g.(type) {
	case orb.Point:
		return geom.NewPoint(geom.Coordinates{XY: geom.XY{X: g[0], Y: g[1]}, Type: geom.DimXY}).AsGeometry(), nil
	case orb.MultiPoint:
		pts := make([]geom.Point, len(g))
		for i, p := range g {
			pts[i] = geom.NewPoint(geom.Coordinates{XY: geom.XY{X: p[0], Y: p[1]}, Type: geom.DimXY})
		}
		return geom.NewMultiPoint(pts).AsGeometry(), nil
	case orb.LineString:
		return sfLine(g).AsGeometry(), nil
	case orb.MultiLineString:
		lines := make([]geom.LineString, len(g))
		for i, ls := range g {
			lines[i] = sfLine(ls)
		}
		return geom.NewMultiLineString(lines).AsGeometry(), nil
	case orb.Ring:
		return sfPolygon(orb.Polygon{g}).AsGeometry(), nil
	case orb.Polygon:
		return sfPolygon(g).AsGeometry(), nil
	case orb.MultiPolygon:
		polys := make([]geom.Polygon, len(g))
		for i, p := range g {
			polys[i] = sfPolygon(p)
		}
		return geom.NewMultiPolygon(polys).AsGeometry(), nil
	case orb.Bound:
		return sfPolygon(g.ToPolygon()).AsGeometry(), nil
	case orb.Collection:
		gs := make([]geom.Geometry, len(g))
		for i, m := range g {
			sg, err := toSF(m)
			if err != nil {
				return geom.Geometry{}, err
			}
			gs[i] = sg
		}
		return geom.NewGeometryCollection(gs).AsGeometry(), nil
	}
	return geom.Geometry{}, fmt.Errorf("spatial: unsupported geometry type %T", g)
}

func sfLine(ls orb.LineString) geom.LineString {
	flat := make([]float64, 0, 2*len(ls))
	for _, p := range ls {
		flat = append(flat, p[0], p[1])
	}
	return geom.NewLineString(geom.NewSequence(flat, geom.DimXY))
}

func sfPolygon(p orb.Polygon) geom.Polygon {
	rings := make([]geom.LineString, len(p))
	for i, r := range p {
		rings[i] = sfLine(orb.LineString(r))
	}
	return geom.NewPolygon(rings)
}

var errPredicate = errors.New("spatial: predicate failed")
