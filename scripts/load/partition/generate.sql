-- The benchmark schema, the kelurahan of the whole country (code, name,
-- centroid: the source's own lat/lng) and :projects generated projects in
-- partition_bench.src, which both tables are loaded from. Variables:
-- :projects, :seed (-1..1); the kelurahan (code, name, lon, lat as TSV) come on
-- standard input.
\set ON_ERROR_STOP on
DROP SCHEMA IF EXISTS partition_bench CASCADE;
CREATE SCHEMA partition_bench;
CREATE EXTENSION IF NOT EXISTS postgis;

-- Only what the project table's foreign keys need: the benchmark is about
-- the projects, and the kelurahan polygons are not read by any query here.
CREATE TABLE partition_bench.kelurahan (
    code     text COLLATE "C" PRIMARY KEY CHECK (code ~ '^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}$'),
    name     text COLLATE "C" NOT NULL,
    centroid geometry(Point, 4326) NOT NULL
);
CREATE TABLE partition_bench.forum (id text COLLATE "C" PRIMARY KEY);

CREATE TEMP TABLE kel_in (code text, name text, lon float8, lat float8);
\copy kel_in FROM pstdin
INSERT INTO partition_bench.kelurahan
SELECT code, name, ST_SetSRID(ST_MakePoint(lon, lat), 4326) FROM kel_in;

-- Kinds in turn, kelurahan uniformly at random (the program works per
-- kelurahan), years 2015..2024, budgets, statuses and dates as
-- internal/geobuild/synthetic.go draws them; the geometry starts within
-- about 500 m of the kelurahan's centroid: a point, a 200-500 m line in
-- three segments (roads, drains) or a rotated 100 x 60 m field.
SELECT setseed(:seed) AS seeded \gset
CREATE TABLE partition_bench.src AS
WITH kel AS (
    SELECT (row_number() OVER (ORDER BY code))::int - 1 AS i, code, name,
           ST_X(centroid) AS lon, ST_Y(centroid) AS lat
    FROM partition_bench.kelurahan
), draw AS MATERIALIZED (
    SELECT s, (ARRAY['VILLAGE_ROAD', 'WORSHIP_FACILITY_REHABILITATION', 'SPORTS_FIELD',
                     'DRAINAGE_REHABILITATION', 'CLEAN_WATER_SUPPLY', 'NEIGHBOURHOOD_LIGHTING',
                     'HARMONY_MONUMENT'])[1 + (s - 1) % 7] AS kind,
           floor(random() * (SELECT count(*) FROM kel))::int AS ki,
           random() - 0.5 AS dx, random() - 0.5 AS dy, random() * 2 * pi() AS heading,
           random() AS size, random() - 0.5 AS turn1, random() - 0.5 AS turn2,
           2015 + floor(random() * 10)::int AS year, random() AS rb, 50 + floor(random() * 1500)::int AS benef,
           (ARRAY['PLANNED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED'])[1 + floor(random() * 4)::int] AS status,
           floor(random() * 300)::int AS start_day, 20 + floor(random() * 150)::int AS days
    FROM generate_series(1, :projects) s
), placed AS (
    SELECT d.*, k.code, k.name, k.lon + d.dx * 0.009 AS x, k.lat + d.dy * 0.009 AS y,
           111320 * cos(radians(k.lat)) AS m_lon, 111320.0 AS m_lat
    FROM draw d JOIN kel k ON k.i = d.ki
)
SELECT format('syn-%s', lpad(s::text, 7, '0')) AS id,
       format('%s %s #%s', CASE kind
           WHEN 'VILLAGE_ROAD' THEN 'Jalan lingkungan'
           WHEN 'WORSHIP_FACILITY_REHABILITATION' THEN 'Rehabilitasi sarana ibadah'
           WHEN 'SPORTS_FIELD' THEN 'Lapangan olahraga'
           WHEN 'DRAINAGE_REHABILITATION' THEN 'Rehabilitasi drainase lingkungan'
           WHEN 'CLEAN_WATER_SUPPLY' THEN 'Penyediaan air bersih'
           WHEN 'NEIGHBOURHOOD_LIGHTING' THEN 'Penerangan lingkungan'
           ELSE 'Tugu keserasian sosial' END, name, s) AS title,
       kind,
       CASE
       WHEN kind IN ('VILLAGE_ROAD', 'DRAINAGE_REHABILITATION') THEN ST_SetSRID(ST_MakeLine(ARRAY[
           ST_MakePoint(x, y),
           ST_MakePoint(x + seg * cos(heading) / m_lon, y + seg * sin(heading) / m_lat),
           ST_MakePoint(x + seg * (cos(heading) + cos(heading + turn1)) / m_lon,
                        y + seg * (sin(heading) + sin(heading + turn1)) / m_lat),
           ST_MakePoint(x + seg * (cos(heading) + cos(heading + turn1) + cos(heading + turn1 + turn2)) / m_lon,
                        y + seg * (sin(heading) + sin(heading + turn1) + sin(heading + turn1 + turn2)) / m_lat)]), 4326)
       WHEN kind = 'SPORTS_FIELD' THEN ST_ForcePolygonCCW(ST_Rotate(
           ST_MakeEnvelope(x, y, x + (90 + 20 * size) / m_lon, y + (55 + 10 * size) / m_lat, 4326),
           heading, ST_MakePoint(x, y)))
       ELSE ST_SetSRID(ST_MakePoint(x, y), 4326)
       END AS geom,
       code AS kelurahan_code, year,
       (CASE kind
           WHEN 'VILLAGE_ROAD' THEN 150 WHEN 'WORSHIP_FACILITY_REHABILITATION' THEN 75
           WHEN 'SPORTS_FIELD' THEN 100 WHEN 'DRAINAGE_REHABILITATION' THEN 100 ELSE 50 END * 1000000::bigint)
       + floor(rb * (CASE kind
           WHEN 'VILLAGE_ROAD' THEN 350 WHEN 'WORSHIP_FACILITY_REHABILITATION' THEN 225
           WHEN 'SPORTS_FIELD' THEN 300 WHEN 'DRAINAGE_REHABILITATION' THEN 250
           WHEN 'CLEAN_WATER_SUPPLY' THEN 150 WHEN 'NEIGHBOURHOOD_LIGHTING' THEN 100 ELSE 70 END * 2 + 1))::bigint * 500000
           AS budget_rupiah,
       status,
       CASE WHEN status <> 'PLANNED' THEN make_date(year, 1, 1) + start_day END AS start_date,
       CASE WHEN status = 'COMPLETED' THEN make_date(year, 1, 1) + start_day + days END AS finish_date,
       benef AS beneficiaries,
       'Synthetic benchmark record.' AS description
FROM placed, LATERAL (SELECT (200 + 300 * size) / 3 AS seg) l;
ALTER TABLE partition_bench.src ADD PRIMARY KEY (id);

-- The request stream's parameters: 1,000 kelurahan drawn at random (so a
-- province is asked in proportion to its kelurahan), each with a point near
-- it, a kind and a year; pick(n) is read by every request script.
CREATE TABLE partition_bench.pick AS
SELECT (row_number() OVER ())::int AS n, code,
       quote_literal(left(code, 2)) AS provq, quote_literal(left(code, 2) || '.%') AS likeq,
       ST_X(centroid) + (random() - 0.5) * 0.01 AS lon, ST_Y(centroid) + (random() - 0.5) * 0.01 AS lat,
       quote_literal((ARRAY['VILLAGE_ROAD', 'WORSHIP_FACILITY_REHABILITATION', 'SPORTS_FIELD',
                     'DRAINAGE_REHABILITATION', 'CLEAN_WATER_SUPPLY', 'NEIGHBOURHOOD_LIGHTING',
                     'HARMONY_MONUMENT'])[1 + floor(random() * 7)::int]) AS kindq,
       2015 + floor(random() * 10)::int AS year,
       quote_literal(format('syn-%s', lpad((1 + floor(random() * :projects))::text, 7, '0'))) AS idq
FROM (SELECT * FROM partition_bench.kelurahan ORDER BY random() LIMIT 1000) k;
ALTER TABLE partition_bench.pick ADD PRIMARY KEY (n);

-- The extent of each province, grown by 0.05 degrees: no generated project
-- reaches farther than 0.01 degrees from its kelurahan's centroid. serasi
-- would ask the provinsi polygons (migration 00007) instead; the queries
-- bbox_*_pruned find the partitions a box meets here.
CREATE TABLE partition_bench.provinsi_box AS
SELECT left(code, 2) AS code, ST_Expand(ST_SetSRID(ST_Extent(centroid), 4326), 0.05) AS box
FROM partition_bench.kelurahan GROUP BY 1;
CREATE INDEX provinsi_box_idx ON partition_bench.provinsi_box USING gist (box);
ANALYZE partition_bench.src, partition_bench.pick, partition_bench.kelurahan, partition_bench.provinsi_box;
