package export

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	_ "modernc.org/sqlite" // the pure-Go SQLite driver, "sqlite"
)

// GeoPackage 1.3 (OGC 12-128r18): an SQLite file with the application id
// "GPKG", the spatial reference systems table (4326 and the two the
// standard requires), gpkg_contents, gpkg_geometry_columns and a feature
// table whose geometries are GeoPackage binary: a small header with the
// envelope, then WKB (orb's encoder).
const (
	gpkgApplicationID = 0x47504B47 // "GPKG"
	gpkgUserVersion   = 10300
	srsWGS84          = 4326
)

var gpkgSchema = []string{
	`CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
	  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)`,
	`INSERT INTO gpkg_spatial_ref_sys VALUES
	  ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
	  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
	  ('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')`,
	`CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
	  description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
	  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
	  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))`,
	`CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
	  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
	  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
	  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
	  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))`,
}

// gpkgColumn is the SQL column name of a sheet column: GIS tools prefer
// names without spaces.
func gpkgColumn(key string) string { return strings.ReplaceAll(key, " ", "_") }

// writeGPKG builds the GeoPackage in a temporary file (SQLite needs one)
// and copies it to w.
func writeGPKG(ctx context.Context, w io.Writer, src *source) error {
	tmp, err := os.CreateTemp("", "serasi-export-*.gpkg")
	if err != nil {
		return err
	}
	path := tmp.Name()
	tmp.Close()
	defer os.Remove(path)
	defer os.Remove(path + "-journal")
	if err := buildGPKG(ctx, path, src); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

func buildGPKG(ctx context.Context, path string, src *source) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	stmts := append([]string{
		fmt.Sprintf("PRAGMA application_id = %d", gpkgApplicationID),
		fmt.Sprintf("PRAGMA user_version = %d", gpkgUserVersion),
	}, gpkgSchema...)
	table := string(src.layer)
	var cols, marks []string
	var defs []string
	for _, c := range src.columns {
		if c.Key == "lintang" || c.Key == "bujur" || c.Key == "geometri" {
			continue // the geometry column holds them
		}
		defs = append(defs, fmt.Sprintf("%q %s", gpkgColumn(c.Key), sqlType(c.Key)))
		cols = append(cols, fmt.Sprintf("%q", gpkgColumn(c.Key)))
		marks = append(marks, "?")
	}
	stmts = append(stmts, fmt.Sprintf(`CREATE TABLE %q (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom GEOMETRY, %s)`, table, strings.Join(defs, ", ")))
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("export: gpkg: %w", err)
		}
	}
	ins, err := tx.PrepareContext(ctx, fmt.Sprintf(`INSERT INTO %q (geom, %s) VALUES (?, %s)`, table, strings.Join(cols, ", "), strings.Join(marks, ", ")))
	if err != nil {
		return err
	}
	defer ins.Close()
	var extent orb.Bound
	have := false
	args := make([]any, 0, len(cols)+1)
	err = src.each(ctx, func(r record) error {
		if err := src.check(r); err != nil {
			return err
		}
		args = args[:0]
		if r.geometry == nil {
			args = append(args, nil)
		} else {
			b, err := gpkgBinary(r.geometry)
			if err != nil {
				return err
			}
			args = append(args, b)
			if bd := r.geometry.Bound(); !have {
				extent, have = bd, true
			} else {
				extent = extent.Union(bd)
			}
		}
		for i, c := range src.columns {
			if c.Key == "lintang" || c.Key == "bujur" || c.Key == "geometri" {
				continue
			}
			v := r.values[i]
			if t, ok := v.(time.Time); ok {
				v = t.Format(time.DateOnly)
			}
			args = append(args, v)
		}
		_, err := ins.ExecContext(ctx, args...)
		return err
	})
	if err != nil {
		return err
	}
	var minX, minY, maxX, maxY any
	if have {
		minX, minY, maxX, maxY = extent.Min[0], extent.Min[1], extent.Max[0], extent.Max[1]
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id)
		VALUES (?, 'features', ?, ?, ?, ?, ?, ?, ?)`, table, table, "serasi: "+src.layer.Title(), minX, minY, maxX, maxY, srsWGS84); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, ?, 0, 0)`, table, geometryTypeName(src), srsWGS84); err != nil {
		return err
	}
	return tx.Commit()
}

func sqlType(key string) string {
	switch key {
	case "tahun", "anggaran", "penerima manfaat", "tahun dibentuk", "jumlah anggota", "peserta", "versi":
		return "INTEGER"
	case "tanggal", "tanggal mulai", "tanggal selesai":
		return "DATE"
	}
	return "TEXT"
}

// geometryTypeName is POINT for forums and activities; projects mix
// points, lines and polygons.
func geometryTypeName(src *source) string {
	if src.layer == "projects" {
		return "GEOMETRY"
	}
	return "POINT"
}

// gpkgBinary is the GeoPackage binary form of g: "GP", version 0, flags
// (little endian, an [minx, maxx, miny, maxy] envelope; an empty point has
// none and NaN coordinates), the SRS id, the envelope, then WKB.
func gpkgBinary(g orb.Geometry) ([]byte, error) {
	body, err := wkb.Marshal(g, binary.LittleEndian)
	if err != nil {
		return nil, err
	}
	_, isPoint := g.(orb.Point)
	envelope := !isPoint // a point's envelope is the point itself: optional
	out := make([]byte, 0, 8+32+len(body))
	flags := byte(0x01) // little endian
	if envelope {
		flags |= 1 << 1
	}
	out = append(out, 'G', 'P', 0, flags)
	out = binary.LittleEndian.AppendUint32(out, srsWGS84)
	if envelope {
		b := g.Bound()
		for _, v := range []float64{b.Min[0], b.Max[0], b.Min[1], b.Max[1]} {
			out = binary.LittleEndian.AppendUint64(out, math.Float64bits(v))
		}
	}
	return append(out, body...), nil
}
