-- The projects table as migrations 00002 and 00004 make it (same columns,
-- CHECKs, generated columns and indexes), in the benchmark schema. run
-- fills the placeholders: the table name, the key (and, for the partitioned
-- table, the partition key column) and the PARTITION BY clause or nothing.
CREATE TABLE partition_bench.@T@ (
    id             text COLLATE "C" NOT NULL CHECK (id <> ''),
    title          text COLLATE "C" NOT NULL,
    kind           text COLLATE "C" NOT NULL CHECK (kind IN (
                       'VILLAGE_ROAD', 'WORSHIP_FACILITY_REHABILITATION', 'SPORTS_FIELD',
                       'DRAINAGE_REHABILITATION', 'CLEAN_WATER_SUPPLY', 'NEIGHBOURHOOD_LIGHTING',
                       'HARMONY_MONUMENT')),
    geom           geometry(Geometry, 4326) NOT NULL
                   CHECK (ST_IsValid(geom) AND GeometryType(geom) IN ('POINT', 'LINESTRING', 'POLYGON')),
    geog           geography GENERATED ALWAYS AS (geom::geography) STORED,
    kelurahan_code text COLLATE "C" NOT NULL REFERENCES partition_bench.kelurahan (code),
    kecamatan_code text COLLATE "C" GENERATED ALWAYS AS (left(kelurahan_code, 8)) STORED,
    forum_id       text COLLATE "C" REFERENCES partition_bench.forum (id),
    year           integer NOT NULL CHECK (year >= 2015),
    budget_rupiah  bigint NOT NULL CHECK (budget_rupiah >= 0),
    status         text COLLATE "C" NOT NULL CHECK (status IN ('PLANNED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED')),
    start_date     date,
    finish_date    date CHECK (finish_date >= start_date),
    beneficiaries  integer NOT NULL CHECK (beneficiaries >= 0),
    description    text COLLATE "C" NOT NULL DEFAULT '',
    version        integer NOT NULL DEFAULT 1,
    geom_utm       geometry(Geometry, 32751) GENERATED ALWAYS AS (
                       CASE WHEN geom @ ST_MakeEnvelope(121, -8, 125, -3, 4326) THEN ST_Transform(geom, 32751) END
                   ) STORED,
    @KEY@
) @PARTITION@;

CREATE INDEX @T@_geom_idx ON partition_bench.@T@ USING gist (geom);
CREATE INDEX @T@_geog_idx ON partition_bench.@T@ USING gist (geog);
CREATE INDEX @T@_kelurahan_idx ON partition_bench.@T@ (kelurahan_code);
CREATE INDEX @T@_kecamatan_idx ON partition_bench.@T@ (kecamatan_code);
CREATE INDEX @T@_forum_idx ON partition_bench.@T@ (forum_id);
CREATE INDEX @T@_kind_idx ON partition_bench.@T@ (kind);
CREATE INDEX @T@_status_idx ON partition_bench.@T@ (status);
CREATE INDEX @T@_year_idx ON partition_bench.@T@ (year, id);
CREATE INDEX @T@_budget_idx ON partition_bench.@T@ (budget_rupiah, id);
CREATE INDEX @T@_title_idx ON partition_bench.@T@ (title, id);
CREATE INDEX @T@_geom_utm_idx ON partition_bench.@T@ USING gist (geom_utm) WHERE geom_utm IS NOT NULL;
CREATE INDEX @T@_geog_far_idx ON partition_bench.@T@ USING gist (geog) WHERE geom_utm IS NULL;
