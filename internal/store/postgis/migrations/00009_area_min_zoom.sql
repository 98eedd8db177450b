-- +goose Up
-- The lowest zoom whose tiles draw each area (internal/generalise.MinZoom:
-- the first zoom at which the larger side of its bound spans a pixel of a
-- 512 px tile), computed in Go by the seed and by `serasi import
-- boundaries`, so that PostGIS's ST_AsMVT query and the embedded store
-- leave out the same areas that are too small to see, and no area is left
-- to collapse on the tile grid. Rows already there draw at every zoom (0)
-- until the next seed or import writes their value.
ALTER TABLE provinsi ADD COLUMN min_zoom smallint NOT NULL DEFAULT 0 CHECK (min_zoom >= 0);
ALTER TABLE kabupaten_kota ADD COLUMN min_zoom smallint NOT NULL DEFAULT 0 CHECK (min_zoom >= 0);
ALTER TABLE kecamatan ADD COLUMN min_zoom smallint NOT NULL DEFAULT 0 CHECK (min_zoom >= 0);
ALTER TABLE kelurahan ADD COLUMN min_zoom smallint NOT NULL DEFAULT 0 CHECK (min_zoom >= 0);

-- +goose Down
ALTER TABLE kelurahan DROP COLUMN min_zoom;
ALTER TABLE kecamatan DROP COLUMN min_zoom;
ALTER TABLE kabupaten_kota DROP COLUMN min_zoom;
ALTER TABLE provinsi DROP COLUMN min_zoom;
