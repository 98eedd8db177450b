-- Administrative areas: kecamatan and their kelurahan.
--
-- Text keys and names use the "C" collation so that ORDER BY sorts byte-wise,
-- exactly as the memory store's strings.Compare does, whatever the database's
-- default locale is.
--
-- area_sq_m is the geodesic area on the WGS 84 ellipsoid as internal/geodesy
-- computes it when the data is loaded, stored rather than generated with
-- ST_Area(geom::geography): the two algorithms differ in the ninth
-- significant digit, and both stores must answer the same number. The CHECK
-- keeps it honest against PostGIS (to a millionth).

-- +goose Up
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE kecamatan (
    code      text COLLATE "C" PRIMARY KEY CHECK (code ~ '^[0-9]{2}\.[0-9]{2}\.[0-9]{2}$'),
    name      text COLLATE "C" NOT NULL,
    geom      geometry(Geometry, 4326) NOT NULL
              CHECK (ST_IsValid(geom) AND GeometryType(geom) IN ('POLYGON', 'MULTIPOLYGON')),
    area_sq_m double precision NOT NULL,
    CHECK (abs(area_sq_m - ST_Area(geom::geography, true)) <= 1e-6 * area_sq_m)
);

CREATE TABLE kelurahan (
    code           text COLLATE "C" PRIMARY KEY CHECK (code ~ '^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}$'),
    name           text COLLATE "C" NOT NULL,
    kecamatan_code text COLLATE "C" NOT NULL REFERENCES kecamatan (code),
    geom           geometry(Geometry, 4326) NOT NULL
                   CHECK (ST_IsValid(geom) AND GeometryType(geom) IN ('POLYGON', 'MULTIPOLYGON')),
    -- The planar area centroid computed when the geodata is normalised; kept as
    -- given (not ST_Centroid) so both stores return the same coordinates.
    centroid       geometry(Point, 4326) NOT NULL,
    conflict_prone boolean NOT NULL DEFAULT false,
    area_sq_m      double precision NOT NULL,
    CHECK (abs(area_sq_m - ST_Area(geom::geography, true)) <= 1e-6 * area_sq_m),
    CHECK (left(code, 8) = kecamatan_code)
);

CREATE INDEX kelurahan_geom_idx ON kelurahan USING gist (geom);
CREATE INDEX kelurahan_kecamatan_code_idx ON kelurahan (kecamatan_code);

-- +goose Down
DROP TABLE kelurahan;
DROP TABLE kecamatan;
-- The postgis extension stays: it may have been there before us, and other
-- schemas in the database may use it.
