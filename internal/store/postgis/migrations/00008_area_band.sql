-- +goose Up
-- The generalised geometries of the areas per zoom band (internal/generalise),
-- computed once in Go by `serasi import boundaries`, so that PostGIS draws
-- low-zoom tiles from the same geometry as the embedded store instead of
-- simplifying the originals at every request. band indexes generalise.Bands;
-- the last band is the original geometry and has no row. Empty until a
-- boundary import: tiles then draw the original geometry.
CREATE TABLE area_band (
    layer text COLLATE "C" NOT NULL CHECK (layer IN ('provinsi', 'kabupaten_kota', 'kecamatan', 'kelurahan')),
    code  text COLLATE "C" NOT NULL,
    band  smallint NOT NULL CHECK (band >= 0),
    geom  geometry(Geometry, 4326) NOT NULL,
    PRIMARY KEY (layer, code, band)
);

-- +goose Down
DROP TABLE area_band;
