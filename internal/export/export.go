// Package export writes forums, projects and activities for planners: CSV
// and XLSX with Indonesian headers and labels (the columns an import reads
// back, so export → import is a no-op), GeoJSON, and GeoPackage for QGIS
// and GDAL. Records are read through store.Store with the filters of the
// map layers (layers.ParseFilters).
package export

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/importer"
	"github.com/serasi/serasi/internal/layers"
	"github.com/serasi/serasi/internal/store"
)

// Format is an export format.
type Format string

const (
	CSV     Format = "csv"
	XLSX    Format = "xlsx"
	GeoJSON Format = "geojson"
	GPKG    Format = "gpkg"
)

// Formats lists every export format.
var Formats = []Format{CSV, XLSX, GeoJSON, GPKG}

// ParseFormat reads a format name or extension.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s || "."+string(f) == s {
			return f, nil
		}
	}
	if s == "json" {
		return GeoJSON, nil
	}
	return "", domain.Invalid("format", "unknown export format %q (csv, xlsx, geojson or gpkg)", s)
}

// ContentType is the media type of a format.
func (f Format) ContentType() string {
	switch f {
	case CSV:
		return "text/csv; charset=utf-8"
	case XLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case GeoJSON:
		return "application/geo+json"
	case GPKG:
		return "application/geopackage+sqlite3"
	}
	return "application/octet-stream"
}

// Write writes the records of layer matching filters to w in format f.
func Write(ctx context.Context, st store.Store, w io.Writer, layer importer.Layer, f Format, filters layers.Filters) error {
	src, err := newSource(ctx, st, layer, filters)
	if err != nil {
		return err
	}
	switch f {
	case CSV:
		return writeCSV(ctx, w, src)
	case XLSX:
		return writeXLSX(ctx, w, src)
	case GeoJSON:
		return writeGeoJSON(ctx, w, src)
	case GPKG:
		return writeGPKG(ctx, w, src)
	}
	return domain.Invalid("format", "unknown export format %q", f)
}

// record is one exported row: a value per column (string, int64, float64,
// time.Time or nil) and the record's geometry (nil for none).
type record struct {
	values   []any
	geometry orb.Geometry
}

// source yields the records of one layer in id (activities: date) order.
type source struct {
	layer   importer.Layer
	columns []importer.Column
	each    func(ctx context.Context, fn func(record) error) error
}

func newSource(ctx context.Context, st store.Store, layer importer.Layer, filters layers.Filters) (*source, error) {
	kels, err := st.Kelurahans(ctx, domain.KelurahanFilter{})
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(kels))
	for _, k := range kels {
		names[k.Code] = k.Name
	}
	src := &source{layer: layer, columns: importer.Columns(layer)}
	switch layer {
	case importer.Projects:
		if _, err := store.ValidateProjectFilter(filters.Project, domain.ProjectOrder{}); err != nil {
			return nil, err
		}
		src.each = func(ctx context.Context, fn func(record) error) error {
			// Pages by key, uncounted: each page starts where the last
			// ended instead of counting and skipping every match again.
			f := filters.Project
			for {
				page, err := st.Projects(ctx, f, domain.ProjectOrder{Field: domain.OrderByID}, domain.Page{Limit: store.MaxPageSize, NoCount: true})
				if err != nil {
					return err
				}
				for _, h := range page.Items {
					if err := fn(projectRecord(h.Project, names)); err != nil {
						return err
					}
				}
				if len(page.Items) < store.MaxPageSize {
					return nil
				}
				f.IDAfter = page.Items[len(page.Items)-1].ID
			}
		}
	case importer.Forums:
		if err := store.ValidateForumFilter(filters.Forum); err != nil {
			return nil, err
		}
		src.each = func(ctx context.Context, fn func(record) error) error {
			forums, err := st.Forums(ctx, filters.Forum)
			if err != nil {
				return err
			}
			for _, f := range forums {
				if filters.BBox != nil && !filters.BBox.Contains(f.Secretariat) {
					continue
				}
				if err := fn(forumRecord(f, names)); err != nil {
					return err
				}
			}
			return nil
		}
	case importer.Activities:
		if err := store.ValidateActivityFilter(filters.Activity); err != nil {
			return nil, err
		}
		src.each = func(ctx context.Context, fn func(record) error) error {
			for off := 0; ; {
				page, err := st.Activities(ctx, filters.Activity, domain.Page{Offset: off, Limit: store.MaxPageSize})
				if err != nil {
					return err
				}
				for _, a := range page.Items {
					if err := fn(activityRecord(a, names)); err != nil {
						return err
					}
				}
				off += len(page.Items)
				if len(page.Items) < store.MaxPageSize || off >= page.TotalCount {
					return nil
				}
			}
		}
	default:
		return nil, domain.NotFound("layer", string(layer))
	}
	return src, nil
}

// position returns lintang, bujur and geometri: the coordinates of a
// point, the WKT of anything else.
func position(g orb.Geometry) (lat, lon, geom any) {
	switch g := g.(type) {
	case nil:
		return nil, nil, nil
	case orb.Point:
		return g[1], g[0], nil
	}
	return nil, nil, wkt.MarshalString(g)
}

func date(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

func text(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func projectRecord(p domain.Project, names map[string]string) record {
	lat, lon, geom := position(p.Geometry)
	// The order of importer.Columns(Projects).
	return record{geometry: p.Geometry, values: []any{
		p.ID, p.Title, p.Kind.LabelID(), int64(p.Year), p.BudgetRupiah, p.Status.LabelID(),
		p.KelurahanCode, names[p.KelurahanCode], text(p.ForumID), date(p.StartDate), date(p.FinishDate),
		int64(p.Beneficiaries), text(p.Description), lat, lon, geom, int64(p.Version),
	}}
}

func forumRecord(f domain.Forum, names map[string]string) record {
	codes, kelNames := "", ""
	for i, c := range f.KelurahanCodes {
		if i > 0 {
			codes += "|"
			kelNames += "|"
		}
		codes += c
		kelNames += names[c]
	}
	return record{geometry: f.Secretariat, values: []any{
		f.ID, f.Name, codes, kelNames, int64(f.YearFormed), f.Status.LabelID(), int64(f.MemberCount),
		text(f.Description), f.Secretariat[1], f.Secretariat[0], nil, int64(f.Version),
	}}
}

func activityRecord(a domain.Activity, names map[string]string) record {
	var g orb.Geometry
	if a.Location != nil {
		g = *a.Location
	}
	lat, lon, geom := position(g)
	return record{geometry: g, values: []any{
		a.ID, a.Title, a.ForumID, a.Kind.LabelID(), a.Date.UTC(), int64(a.Participants),
		a.KelurahanCode, names[a.KelurahanCode], text(a.Description), lat, lon, geom, int64(a.Version),
	}}
}

// check makes sure a record has a value per column (a test runs it over
// every layer; a column added without its value is caught there).
func (s *source) check(r record) error {
	if len(r.values) != len(s.columns) {
		return fmt.Errorf("export: %s record has %d values for %d columns", s.layer, len(r.values), len(s.columns))
	}
	return nil
}
