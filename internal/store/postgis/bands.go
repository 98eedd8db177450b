package postgis

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/lib/pq"
	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/boundaries"
	"github.com/serasi/serasi/internal/generalise"
)

// importBands writes the generalised geometries of s (when it has them)
// into area_band (migration 00008) for every imported area: rows that
// differ are rewritten, so importing the same set again changes nothing.
func importBands(ctx context.Context, tx *sql.Tx, s *boundaries.Set) error {
	g := s.Generalised
	if g.Kelurahans == nil {
		return nil
	}
	var rows [][]any
	var layers, codes []string
	add := func(layer string, code string, set []orb.Geometry) error {
		layers, codes = append(layers, layer), append(codes, code)
		for band, geom := range set {
			if band >= len(generalise.Bands) || generalise.Bands[band].Tolerance == 0 || geom == nil {
				continue
			}
			b, err := wkbBytes(geom)
			if err != nil {
				return fmt.Errorf("%s %s band %d: %w", layer, code, band, err)
			}
			rows = append(rows, []any{layer, code, band, b})
		}
		return nil
	}
	for i, p := range s.Provinsis {
		if i < len(g.Provinsis) {
			if err := add("provinsi", p.Code, g.Provinsis[i]); err != nil {
				return err
			}
		}
	}
	for i, k := range s.KabupatenKotas {
		if i < len(g.KabupatenKotas) {
			if err := add("kabupaten_kota", k.Code, g.KabupatenKotas[i]); err != nil {
				return err
			}
		}
	}
	for i, k := range s.Kecamatans {
		if i < len(g.Kecamatans) {
			if err := add("kecamatan", k.Code, g.Kecamatans[i]); err != nil {
				return err
			}
		}
	}
	for i, k := range s.Kelurahans {
		if i < len(g.Kelurahans) {
			if err := add("kelurahan", k.Code, g.Kelurahans[i]); err != nil {
				return err
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE seed_area_band (layer text, code text, band smallint, geom bytea) ON COMMIT DROP`); err != nil {
		return err
	}
	if err := copyRows(ctx, tx, "seed_area_band", rows); err != nil {
		return err
	}
	// Bands of the imported areas that the import no longer has go.
	if _, err := tx.ExecContext(ctx, `DELETE FROM area_band a
		USING unnest($1::text[], $2::text[]) AS i(layer, code)
		WHERE a.layer = i.layer AND a.code = i.code
		  AND NOT EXISTS (SELECT 1 FROM seed_area_band s WHERE s.layer = a.layer AND s.code = a.code AND s.band = a.band)`,
		pq.StringArray(layers), pq.StringArray(codes)); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO area_band AS a (layer, code, band, geom)
		SELECT layer, code, band, ST_GeomFromWKB(geom, 4326) FROM seed_area_band
		ON CONFLICT (layer, code, band) DO UPDATE SET geom = EXCLUDED.geom
		WHERE a.geom IS DISTINCT FROM EXCLUDED.geom`)
	return err
}
