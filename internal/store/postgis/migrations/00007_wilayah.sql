-- The levels above the kecamatan: provinsi and kabupaten/kota, and the links
-- of the existing tables to them (the national hierarchy, issue 14).
--
-- The derived parts of a code are generated columns, so they cannot disagree
-- with the code: kecamatan.kabupaten_kota_code is its first five characters,
-- kabupaten_kota.kind follows the Kemendagri numbering (second segment 71 and
-- above is a kota), kelurahan.jenis too (fourth segment 1xxx is a kelurahan;
-- 2xxx and the desa adat 3xxx are desa). The code CHECKs of 00001 already
-- accept every province.
--
-- area_sq_m is held to PostGIS's spheroidal area within 1e-5 here (it was 1e-6
-- in 00001): over the 91,019 national polygons internal/geodesy and
-- ST_Area(geography) differ by at most 2.7e-6 (12 polygons above 1e-6, all
-- with long edges, the largest 4,000 m² on 1.9 km²), while Baubau's stay in
-- the ninth digit.
--
-- The neighbour view of 00006 is rebuilt to measure each pair once (a.code <
-- b.code) and list it both ways: at national size its refresh is the
-- spheroid distance of about half a million candidate pairs, and measuring
-- each twice doubled it. The rule and the rows are those of 00006.
--
-- A kecamatan need not have its kabupaten/kota row (no foreign key): a
-- database seeded before this migration has none until the next seed or
-- `serasi import boundaries`.

-- +goose Up
CREATE TABLE provinsi (
    code      text COLLATE "C" PRIMARY KEY CHECK (code ~ '^[0-9]{2}$'),
    name      text COLLATE "C" NOT NULL,
    geom      geometry(Geometry, 4326) NOT NULL
              CHECK (ST_IsValid(geom) AND GeometryType(geom) IN ('POLYGON', 'MULTIPOLYGON')),
    area_sq_m double precision NOT NULL,
    -- derived: the source had no polygon, geom is the union of its kabupaten/kota.
    derived   boolean NOT NULL DEFAULT false,
    CONSTRAINT provinsi_area CHECK (abs(area_sq_m - ST_Area(geom::geography, true)) <= 1e-5 * area_sq_m)
);

CREATE TABLE kabupaten_kota (
    code          text COLLATE "C" PRIMARY KEY CHECK (code ~ '^[0-9]{2}\.[0-9]{2}$'),
    name          text COLLATE "C" NOT NULL,
    provinsi_code text COLLATE "C" NOT NULL REFERENCES provinsi (code),
    kind          text COLLATE "C" NOT NULL
                  GENERATED ALWAYS AS (CASE WHEN substr(code, 4, 2) >= '71' THEN 'KOTA' ELSE 'KABUPATEN' END) STORED,
    geom          geometry(Geometry, 4326) NOT NULL
                  CHECK (ST_IsValid(geom) AND GeometryType(geom) IN ('POLYGON', 'MULTIPOLYGON')),
    area_sq_m     double precision NOT NULL,
    derived       boolean NOT NULL DEFAULT false,
    CHECK (left(code, 2) = provinsi_code),
    CONSTRAINT kabupaten_kota_area CHECK (abs(area_sq_m - ST_Area(geom::geography, true)) <= 1e-5 * area_sq_m)
);

CREATE INDEX provinsi_geom_idx ON provinsi USING gist (geom);
CREATE INDEX kabupaten_kota_geom_idx ON kabupaten_kota USING gist (geom);
CREATE INDEX kabupaten_kota_provinsi_code_idx ON kabupaten_kota (provinsi_code);

ALTER TABLE kecamatan
    ADD COLUMN kabupaten_kota_code text COLLATE "C" NOT NULL GENERATED ALWAYS AS (left(code, 5)) STORED;
CREATE INDEX kecamatan_kabupaten_kota_code_idx ON kecamatan (kabupaten_kota_code);
CREATE INDEX kecamatan_geom_idx ON kecamatan USING gist (geom);

ALTER TABLE kelurahan
    ADD COLUMN jenis text COLLATE "C" NOT NULL
    GENERATED ALWAYS AS (CASE WHEN substr(code, 10, 1) = '1' THEN 'KELURAHAN' ELSE 'DESA' END) STORED;
ALTER TABLE kelurahan ADD CONSTRAINT kelurahan_jenis_code CHECK (substr(code, 10, 1) IN ('1', '2', '3'));

ALTER TABLE kecamatan DROP CONSTRAINT kecamatan_check,
    ADD CONSTRAINT kecamatan_area CHECK (abs(area_sq_m - ST_Area(geom::geography, true)) <= 1e-5 * area_sq_m);
ALTER TABLE kelurahan DROP CONSTRAINT kelurahan_check,
    ADD CONSTRAINT kelurahan_area CHECK (abs(area_sq_m - ST_Area(geom::geography, true)) <= 1e-5 * area_sq_m);

DROP MATERIALIZED VIEW kelurahan_neighbour;
CREATE MATERIALIZED VIEW kelurahan_neighbour AS
WITH pair AS (
    SELECT a.code AS a, b.code AS b
    FROM kelurahan a
    JOIN kelurahan b ON b.code > a.code
     AND ST_DWithin(a.geom, b.geom, 0.0005)
     AND ST_DWithin(a.geom::geography, b.geom::geography, 25))
SELECT a AS code, b AS neighbour FROM pair
UNION ALL
SELECT b, a FROM pair;
CREATE UNIQUE INDEX kelurahan_neighbour_idx ON kelurahan_neighbour (code, neighbour);

-- +goose Down
DROP MATERIALIZED VIEW kelurahan_neighbour;
CREATE MATERIALIZED VIEW kelurahan_neighbour AS
SELECT a.code AS code, b.code AS neighbour
FROM kelurahan a
JOIN kelurahan b ON b.code <> a.code
 AND ST_DWithin(a.geom, b.geom, 0.0005)
 AND ST_DWithin(a.geom::geography, b.geom::geography, 25);
CREATE UNIQUE INDEX kelurahan_neighbour_idx ON kelurahan_neighbour (code, neighbour);
ALTER TABLE kelurahan DROP CONSTRAINT kelurahan_area,
    ADD CONSTRAINT kelurahan_check CHECK (abs(area_sq_m - ST_Area(geom::geography, true)) <= 1e-6 * area_sq_m);
ALTER TABLE kecamatan DROP CONSTRAINT kecamatan_area,
    ADD CONSTRAINT kecamatan_check CHECK (abs(area_sq_m - ST_Area(geom::geography, true)) <= 1e-6 * area_sq_m);
ALTER TABLE kelurahan DROP CONSTRAINT kelurahan_jenis_code;
ALTER TABLE kelurahan DROP COLUMN jenis;
DROP INDEX kecamatan_geom_idx;
ALTER TABLE kecamatan DROP COLUMN kabupaten_kota_code;
DROP TABLE kabupaten_kota;
DROP TABLE provinsi;
