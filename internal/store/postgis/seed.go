package postgis

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/generalise"
)

// Seed loads ds into a migrated database, in one transaction. It is
// idempotent: a record that is already there as it is in ds is left alone
// (not rewritten, its version not bumped); a record that differs is updated
// (version + 1); a missing one is inserted. Records that are in the database
// but not in ds stay, so synthetic projects seeded once survive a later seed
// of the sample data.
//
// Rows travel by COPY into temporary staging tables and are merged with one
// INSERT ... ON CONFLICT per table, so 100,000 projects take seconds.
//
// The areas above the kelurahan (provinsi, kabupaten/kota, kecamatan) are
// only inserted where missing: ImportBoundaries is what changes them, and a
// seed after an import must not put Baubau's derived areas back.
func Seed(ctx context.Context, db *sql.DB, ds *dataset.Dataset) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("postgis: seed: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit this is a no-op
	kelurahanChanged := false
	for _, step := range seedSteps {
		if step.table == "kelurahan" {
			c, err := step.runCounted(ctx, tx, ds)
			if err != nil {
				return fmt.Errorf("postgis: seed %s: %w", step.table, err)
			}
			kelurahanChanged = c.Inserted+c.Updated > 0
			continue
		}
		if err := step.run(ctx, tx, ds); err != nil {
			return fmt.Errorf("postgis: seed %s: %w", step.table, err)
		}
	}
	// The neighbour relation follows the kelurahan just loaded (migration
	// 00006); at national size a refresh takes minutes, so only when they
	// changed.
	if kelurahanChanged {
		if _, err := tx.ExecContext(ctx, `REFRESH MATERIALIZED VIEW kelurahan_neighbour`); err != nil {
			return fmt.Errorf("postgis: seed: kelurahan neighbours: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("postgis: seed: %w", err)
	}
	// Fresh statistics for the planner and a fresh visibility map right
	// after a bulk load, rather than once autovacuum has come by: the hot
	// queries run on generic plans (see preparedStatements), made from the
	// statistics there are when a connection first prepares them. VACUUM
	// cannot run in the transaction.
	if _, err := db.ExecContext(ctx, `VACUUM (ANALYZE) provinsi, kabupaten_kota, kecamatan, kelurahan, forum, forum_kelurahan, project, activity`); err != nil {
		return fmt.Errorf("postgis: seed: vacuum: %w", err)
	}
	return nil
}

// seedStep stages the rows of one table and merges them.
type seedStep struct {
	table string
	// staging is the column list of the temporary table, which has the
	// table's columns with geometries as WKB (bytea).
	staging string
	rows    func(ds *dataset.Dataset) ([][]any, error)
	// merge moves the staged rows into the table.
	merge string
}

func (st seedStep) run(ctx context.Context, tx *sql.Tx, ds *dataset.Dataset) error {
	rows, err := st.rows(ds)
	if err != nil {
		return err
	}
	stage := "seed_" + st.table
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE `+stage+` (`+st.staging+`) ON COMMIT DROP`); err != nil {
		return err
	}
	if err := copyRows(ctx, tx, stage, rows); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, st.merge)
	return err
}

// copyRows sends rows to table with COPY FROM STDIN (lib/pq buffers them).
func copyRows(ctx context.Context, tx *sql.Tx, table string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `COPY `+table+` FROM STDIN`)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if _, err := stmt.ExecContext(ctx, r...); err != nil {
			stmt.Close()
			return err
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		stmt.Close()
		return err
	}
	return stmt.Close()
}

func wkbBytes(g orb.Geometry) ([]byte, error) {
	if g == nil {
		return nil, fmt.Errorf("missing geometry")
	}
	return wkb.Marshal(g)
}

func optDate(t *time.Time) any {
	if t == nil {
		return nil
	}
	return dateText(t.UTC())
}

func optString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// The merges of the area tables that update what differs, for
// ImportBoundaries. Seed only inserts the areas that are missing: the
// embedded ones are Baubau's, partly derived (Sulawesi Tenggara is only its
// part in Baubau), and must not overwrite boundaries imported before.
const (
	provinsiMerge = `INSERT INTO provinsi AS t (code, name, geom, area_sq_m, derived, min_zoom)
			SELECT code, name, ST_GeomFromWKB(geom, 4326), area_sq_m, derived, min_zoom FROM seed_provinsi
			ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, geom = EXCLUDED.geom,
				area_sq_m = EXCLUDED.area_sq_m, derived = EXCLUDED.derived, min_zoom = EXCLUDED.min_zoom
			WHERE (t.name, t.geom, t.area_sq_m, t.derived, t.min_zoom) IS DISTINCT FROM
				(EXCLUDED.name, EXCLUDED.geom, EXCLUDED.area_sq_m, EXCLUDED.derived, EXCLUDED.min_zoom)`
	kabupatenKotaMerge = `INSERT INTO kabupaten_kota AS t (code, name, provinsi_code, geom, area_sq_m, derived, min_zoom)
			SELECT code, name, provinsi_code, ST_GeomFromWKB(geom, 4326), area_sq_m, derived, min_zoom FROM seed_kabupaten_kota
			ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, provinsi_code = EXCLUDED.provinsi_code,
				geom = EXCLUDED.geom, area_sq_m = EXCLUDED.area_sq_m, derived = EXCLUDED.derived, min_zoom = EXCLUDED.min_zoom
			WHERE (t.name, t.provinsi_code, t.geom, t.area_sq_m, t.derived, t.min_zoom) IS DISTINCT FROM
				(EXCLUDED.name, EXCLUDED.provinsi_code, EXCLUDED.geom, EXCLUDED.area_sq_m, EXCLUDED.derived, EXCLUDED.min_zoom)`
	kecamatanMerge = `INSERT INTO kecamatan AS t (code, name, geom, area_sq_m, min_zoom)
			SELECT code, name, ST_GeomFromWKB(geom, 4326), area_sq_m, min_zoom FROM seed_kecamatan
			ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, geom = EXCLUDED.geom, area_sq_m = EXCLUDED.area_sq_m,
				min_zoom = EXCLUDED.min_zoom
			WHERE (t.name, t.geom, t.area_sq_m, t.min_zoom) IS DISTINCT FROM
				(EXCLUDED.name, EXCLUDED.geom, EXCLUDED.area_sq_m, EXCLUDED.min_zoom)`
	// seedMinZoom is the seed's conflict clause for the areas above the
	// kelurahan: it writes only the min zoom (migration 00009) of a row
	// that still has the seeded geometry, of which it is a function.
	seedMinZoom = ` ON CONFLICT (code) DO UPDATE SET min_zoom = EXCLUDED.min_zoom
			WHERE t.min_zoom IS DISTINCT FROM EXCLUDED.min_zoom AND t.geom = EXCLUDED.geom`
)

// minZoom is the column min_zoom of an area (migration 00009).
func minZoom(g orb.Geometry) int { return generalise.MinZoom(g.Bound()) }

// The steps run in foreign-key order. Each merge updates a row only when
// something differs (IS DISTINCT FROM on the whole record; geometry equality
// is exact, vertex by vertex, since PostGIS 2.4).
var seedSteps = []seedStep{
	{
		table:   "provinsi",
		staging: "code text, name text, geom bytea, area_sq_m double precision, derived boolean, min_zoom smallint",
		rows: func(ds *dataset.Dataset) ([][]any, error) {
			out := make([][]any, len(ds.Provinsis))
			for i, p := range ds.Provinsis {
				g, err := wkbBytes(p.Geometry)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", p.Code, err)
				}
				out[i] = []any{p.Code, p.Name, g, p.AreaSqM, p.Derived, minZoom(p.Geometry)}
			}
			return out, nil
		},
		merge: `INSERT INTO provinsi AS t (code, name, geom, area_sq_m, derived, min_zoom)
			SELECT code, name, ST_GeomFromWKB(geom, 4326), area_sq_m, derived, min_zoom FROM seed_provinsi` + seedMinZoom,
	},
	{
		table:   "kabupaten_kota",
		staging: "code text, name text, provinsi_code text, geom bytea, area_sq_m double precision, derived boolean, min_zoom smallint",
		rows: func(ds *dataset.Dataset) ([][]any, error) {
			out := make([][]any, len(ds.KabupatenKotas))
			for i, k := range ds.KabupatenKotas {
				g, err := wkbBytes(k.Geometry)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", k.Code, err)
				}
				out[i] = []any{k.Code, k.Name, k.ProvinsiCode, g, k.AreaSqM, k.Derived, minZoom(k.Geometry)}
			}
			return out, nil
		},
		merge: `INSERT INTO kabupaten_kota AS t (code, name, provinsi_code, geom, area_sq_m, derived, min_zoom)
			SELECT code, name, provinsi_code, ST_GeomFromWKB(geom, 4326), area_sq_m, derived, min_zoom FROM seed_kabupaten_kota` + seedMinZoom,
	},
	{
		table:   "kecamatan",
		staging: "code text, name text, geom bytea, area_sq_m double precision, min_zoom smallint",
		rows: func(ds *dataset.Dataset) ([][]any, error) {
			out := make([][]any, len(ds.Kecamatans))
			for i, k := range ds.Kecamatans {
				g, err := wkbBytes(k.Geometry)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", k.Code, err)
				}
				out[i] = []any{k.Code, k.Name, g, k.AreaSqM, minZoom(k.Geometry)}
			}
			return out, nil
		},
		merge: `INSERT INTO kecamatan AS t (code, name, geom, area_sq_m, min_zoom)
			SELECT code, name, ST_GeomFromWKB(geom, 4326), area_sq_m, min_zoom FROM seed_kecamatan` + seedMinZoom,
	},
	{
		table:   "kelurahan",
		staging: "code text, name text, kecamatan_code text, geom bytea, centroid bytea, area_sq_m double precision, conflict_prone boolean, min_zoom smallint",
		rows: func(ds *dataset.Dataset) ([][]any, error) {
			out := make([][]any, len(ds.Kelurahans))
			for i, k := range ds.Kelurahans {
				g, err := wkbBytes(k.Geometry)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", k.Code, err)
				}
				c, err := wkbBytes(k.Centroid)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", k.Code, err)
				}
				out[i] = []any{k.Code, k.Name, k.KecamatanCode, g, c, k.AreaSqM, k.ConflictProne, minZoom(k.Geometry)}
			}
			return out, nil
		},
		merge: `INSERT INTO kelurahan AS t (code, name, kecamatan_code, geom, centroid, area_sq_m, conflict_prone, min_zoom)
			SELECT code, name, kecamatan_code, ST_GeomFromWKB(geom, 4326), ST_GeomFromWKB(centroid, 4326), area_sq_m, conflict_prone, min_zoom
			FROM seed_kelurahan
			ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, kecamatan_code = EXCLUDED.kecamatan_code,
				geom = EXCLUDED.geom, centroid = EXCLUDED.centroid, area_sq_m = EXCLUDED.area_sq_m,
				conflict_prone = EXCLUDED.conflict_prone, min_zoom = EXCLUDED.min_zoom
			WHERE (t.name, t.kecamatan_code, t.geom, t.centroid, t.area_sq_m, t.conflict_prone, t.min_zoom)
				IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.kecamatan_code, EXCLUDED.geom, EXCLUDED.centroid,
					EXCLUDED.area_sq_m, EXCLUDED.conflict_prone, EXCLUDED.min_zoom)`,
	},
	{
		table:   "forum",
		staging: "id text, name text, year_formed integer, status text, member_count integer, secretariat bytea, description text",
		rows: func(ds *dataset.Dataset) ([][]any, error) {
			out := make([][]any, len(ds.Forums))
			for i, f := range ds.Forums {
				g, err := wkbBytes(f.Secretariat)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", f.ID, err)
				}
				out[i] = []any{f.ID, f.Name, f.YearFormed, string(f.Status), f.MemberCount, g, f.Description}
			}
			return out, nil
		},
		merge: `INSERT INTO forum AS t (id, name, year_formed, status, member_count, secretariat, description)
			SELECT id, name, year_formed, status, member_count, ST_GeomFromWKB(secretariat, 4326), description
			FROM seed_forum
			ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, year_formed = EXCLUDED.year_formed,
				status = EXCLUDED.status, member_count = EXCLUDED.member_count,
				secretariat = EXCLUDED.secretariat, description = EXCLUDED.description, version = t.version + 1
			WHERE (t.name, t.year_formed, t.status, t.member_count, t.secretariat, t.description)
				IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.year_formed, EXCLUDED.status, EXCLUDED.member_count,
					EXCLUDED.secretariat, EXCLUDED.description)`,
	},
	{
		// The kelurahan each seeded forum serves become exactly those of ds.
		table:   "forum_kelurahan",
		staging: "forum_id text, kelurahan_code text, position integer",
		rows: func(ds *dataset.Dataset) ([][]any, error) {
			var out [][]any
			for _, f := range ds.Forums {
				for i, c := range f.KelurahanCodes {
					out = append(out, []any{f.ID, c, i})
				}
			}
			return out, nil
		},
		merge: `WITH gone AS (
				DELETE FROM forum_kelurahan fk
				WHERE fk.forum_id IN (SELECT id FROM seed_forum)
				AND NOT EXISTS (SELECT 1 FROM seed_forum_kelurahan s
					WHERE s.forum_id = fk.forum_id AND s.kelurahan_code = fk.kelurahan_code))
			INSERT INTO forum_kelurahan AS t (forum_id, kelurahan_code, position)
			SELECT forum_id, kelurahan_code, position FROM seed_forum_kelurahan
			ON CONFLICT (forum_id, kelurahan_code) DO UPDATE SET position = EXCLUDED.position
			WHERE t.position IS DISTINCT FROM EXCLUDED.position`,
	},
	{
		table: "project",
		staging: `id text, title text, kind text, geom bytea, kelurahan_code text, forum_id text, year integer,
			budget_rupiah bigint, status text, start_date date, finish_date date, beneficiaries integer, description text`,
		rows: func(ds *dataset.Dataset) ([][]any, error) {
			out := make([][]any, len(ds.Projects))
			for i, p := range ds.Projects {
				g, err := wkbBytes(p.Geometry)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", p.ID, err)
				}
				out[i] = []any{p.ID, p.Title, string(p.Kind), g, p.KelurahanCode, optString(p.ForumID), p.Year,
					p.BudgetRupiah, string(p.Status), optDate(p.StartDate), optDate(p.FinishDate), p.Beneficiaries, p.Description}
			}
			return out, nil
		},
		merge: `INSERT INTO project AS t (id, title, kind, geom, kelurahan_code, forum_id, year, budget_rupiah,
				status, start_date, finish_date, beneficiaries, description)
			SELECT id, title, kind, ST_GeomFromWKB(geom, 4326), kelurahan_code, forum_id, year, budget_rupiah,
				status, start_date, finish_date, beneficiaries, description
			FROM seed_project
			ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, kind = EXCLUDED.kind, geom = EXCLUDED.geom,
				kelurahan_code = EXCLUDED.kelurahan_code, forum_id = EXCLUDED.forum_id, year = EXCLUDED.year,
				budget_rupiah = EXCLUDED.budget_rupiah, status = EXCLUDED.status, start_date = EXCLUDED.start_date,
				finish_date = EXCLUDED.finish_date, beneficiaries = EXCLUDED.beneficiaries,
				description = EXCLUDED.description, version = t.version + 1
			WHERE (t.title, t.kind, t.geom, t.kelurahan_code, t.forum_id, t.year, t.budget_rupiah, t.status,
					t.start_date, t.finish_date, t.beneficiaries, t.description)
				IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.kind, EXCLUDED.geom, EXCLUDED.kelurahan_code,
					EXCLUDED.forum_id, EXCLUDED.year, EXCLUDED.budget_rupiah, EXCLUDED.status,
					EXCLUDED.start_date, EXCLUDED.finish_date, EXCLUDED.beneficiaries, EXCLUDED.description)`,
	},
	{
		table: "activity",
		staging: `id text, title text, forum_id text, kind text, date date, participants integer, location bytea,
			kelurahan_code text, description text`,
		rows: func(ds *dataset.Dataset) ([][]any, error) {
			out := make([][]any, len(ds.Activities))
			for i, a := range ds.Activities {
				var loc any
				if a.Location != nil {
					g, err := wkbBytes(*a.Location)
					if err != nil {
						return nil, fmt.Errorf("%s: %w", a.ID, err)
					}
					loc = g
				}
				out[i] = []any{a.ID, a.Title, a.ForumID, string(a.Kind), dateText(a.Date.UTC()), a.Participants, loc,
					a.KelurahanCode, a.Description}
			}
			return out, nil
		},
		merge: `INSERT INTO activity AS t (id, title, forum_id, kind, date, participants, location, kelurahan_code, description)
			SELECT id, title, forum_id, kind, date, participants, ST_GeomFromWKB(location, 4326), kelurahan_code, description
			FROM seed_activity
			ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, forum_id = EXCLUDED.forum_id, kind = EXCLUDED.kind,
				date = EXCLUDED.date, participants = EXCLUDED.participants, location = EXCLUDED.location,
				kelurahan_code = EXCLUDED.kelurahan_code, description = EXCLUDED.description, version = t.version + 1
			WHERE (t.title, t.forum_id, t.kind, t.date, t.participants, t.location, t.kelurahan_code, t.description)
				IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.forum_id, EXCLUDED.kind, EXCLUDED.date, EXCLUDED.participants,
					EXCLUDED.location, EXCLUDED.kelurahan_code, EXCLUDED.description)`,
	},
}
