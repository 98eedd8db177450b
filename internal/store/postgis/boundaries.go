package postgis

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/serasi/serasi/internal/boundaries"
	"github.com/serasi/serasi/internal/dataset"
)

// BoundaryCounts says what ImportBoundaries did to one table.
type BoundaryCounts struct {
	Table             string
	Inserted, Updated int64
	Unchanged         int64
	NotInImport       int64 // rows already there whose code the import lacks, left as they are
}

// ImportBoundaries loads the four area levels of s into a migrated
// database in one transaction: COPY into staging tables, then one INSERT
// ... ON CONFLICT per table that rewrites a row only when it differs, so
// importing the same set again changes nothing (every row Unchanged).
// kelurahan.conflict_prone, program data, is left alone; rows the import
// lacks stay (program records may point at them). When any kelurahan
// changed, the neighbour view (migration 00006) is refreshed.
func ImportBoundaries(ctx context.Context, db *sql.DB, s *boundaries.Set) ([]BoundaryCounts, error) {
	ds := &dataset.Dataset{Provinsis: s.Provinsis, KabupatenKotas: s.KabupatenKotas, Kecamatans: s.Kecamatans, Kelurahans: s.Kelurahans}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("postgis: import boundaries: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit this is a no-op
	var out []BoundaryCounts
	kelurahanChanged := false
	for _, step := range boundarySteps() {
		c, err := step.runCounted(ctx, tx, ds)
		if err != nil {
			return nil, fmt.Errorf("postgis: import boundaries %s: %w", step.table, err)
		}
		out = append(out, c)
		if step.table == "kelurahan" && c.Inserted+c.Updated > 0 {
			kelurahanChanged = true
		}
	}
	if err := importBands(ctx, tx, s); err != nil {
		return nil, fmt.Errorf("postgis: import boundaries: generalised bands: %w", err)
	}
	if kelurahanChanged {
		if _, err := tx.ExecContext(ctx, `REFRESH MATERIALIZED VIEW kelurahan_neighbour`); err != nil {
			return nil, fmt.Errorf("postgis: import boundaries: kelurahan neighbours: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("postgis: import boundaries: %w", err)
	}
	if _, err := db.ExecContext(ctx, `VACUUM (ANALYZE) provinsi, kabupaten_kota, kecamatan, kelurahan`); err != nil {
		return nil, fmt.Errorf("postgis: import boundaries: vacuum: %w", err)
	}
	return out, nil
}

// boundarySteps are the seed steps of the four area tables, merging to
// update what differs, and keeping kelurahan.conflict_prone.
func boundarySteps() []seedStep {
	steps := make([]seedStep, 0, 4)
	for _, st := range seedSteps {
		switch st.table {
		case "provinsi":
			st.merge = provinsiMerge
			steps = append(steps, st)
		case "kabupaten_kota":
			st.merge = kabupatenKotaMerge
			steps = append(steps, st)
		case "kecamatan":
			st.merge = kecamatanMerge
			steps = append(steps, st)
		case "kelurahan":
			st.merge = `INSERT INTO kelurahan AS t (code, name, kecamatan_code, geom, centroid, area_sq_m, min_zoom)
			SELECT code, name, kecamatan_code, ST_GeomFromWKB(geom, 4326), ST_GeomFromWKB(centroid, 4326), area_sq_m, min_zoom
			FROM seed_kelurahan
			ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, kecamatan_code = EXCLUDED.kecamatan_code,
				geom = EXCLUDED.geom, centroid = EXCLUDED.centroid, area_sq_m = EXCLUDED.area_sq_m, min_zoom = EXCLUDED.min_zoom
			WHERE (t.name, t.kecamatan_code, t.geom, t.centroid, t.area_sq_m, t.min_zoom)
				IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.kecamatan_code, EXCLUDED.geom, EXCLUDED.centroid, EXCLUDED.area_sq_m,
					EXCLUDED.min_zoom)`
			steps = append(steps, st)
		}
	}
	return steps
}

// runCounted is run, counting what the merge inserts and updates.
func (st seedStep) runCounted(ctx context.Context, tx *sql.Tx, ds *dataset.Dataset) (BoundaryCounts, error) {
	c := BoundaryCounts{Table: st.table}
	rows, err := st.rows(ds)
	if err != nil {
		return c, err
	}
	stage := "seed_" + st.table
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE `+stage+` (`+st.staging+`) ON COMMIT DROP`); err != nil {
		return c, err
	}
	if err := copyRows(ctx, tx, stage, rows); err != nil {
		return c, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM `+stage+` s WHERE NOT EXISTS (SELECT 1 FROM `+st.table+` t WHERE t.code = s.code)),
		(SELECT count(*) FROM `+st.table+` t WHERE NOT EXISTS (SELECT 1 FROM `+stage+` s WHERE s.code = t.code))`).
		Scan(&c.Inserted, &c.NotInImport); err != nil {
		return c, err
	}
	res, err := tx.ExecContext(ctx, st.merge)
	if err != nil {
		return c, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return c, err
	}
	c.Updated = n - c.Inserted
	c.Unchanged = int64(len(rows)) - n
	return c, nil
}
