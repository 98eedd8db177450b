// Package generalise precomputes the simplified geometries that national
// boundary tiles draw at low zoom, once at import, so that both stores
// store, and serve, the same geometry per zoom band (PostGIS then needs no
// ST_Simplify at request time), as tile servers do for national layers.
//
// The boundary import (internal/boundaries) calls
//
//	set, stats := generalise.All(g) // g: the normalised Polygon/MultiPolygon
//
// and store set[i] for Bands[i] (the last band is g itself, not copied);
// a tile at zoom z draws set.ForZoom(z), i.e. set[BandIndex(z)]. Sum the
// Stats over the import and report them. Geometries is the same without
// the stats, the form of boundaries.Options.Generalise.
//
// The rules, the same for every geometry and both stores:
//
//   - each ring is simplified by Douglas–Peucker at the band's Tolerance
//     (degrees; one pixel of a 512 px tile at the band's deepest zoom);
//   - a hole that collapses (fewer than four positions or no area) is
//     dropped; so is a part of a MultiPolygon whose exterior collapses,
//     except the largest part (by planar area before simplification),
//     which is simplified again at half the tolerance until it survives,
//     so no kelurahan ever disappears from a band;
//   - the result is oriented per RFC 7946 (exterior rings counter-
//     clockwise) and must be valid in the OGC sense (as ST_IsValid); if
//     it is not, the whole geometry is simplified again at half the
//     tolerance, and after MaxRetries halvings the original is kept.
//
// Besides its geometry per band, each area has a min zoom (MinZoom of the
// bound of its original geometry): a tile below it does not draw the area
// at all, in either store, so an area too small to see is left out by one
// rule rather than by whichever encoder's grid it collapses on.
package generalise
