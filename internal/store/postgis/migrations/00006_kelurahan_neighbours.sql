-- Which kelurahan share a border (Kelurahan.neighbours), computed once: the
-- spheroid distance between two polygons of hundreds of vertices takes about
-- a millisecond a pair, too slow to ask per request. Kelurahan change only
-- when seeded, and Seed refreshes this view after loading them.
--
-- Two kelurahan are neighbours when their polygons come within 25 m on the
-- spheroid: store.NeighbourToleranceMeters, which the memory store uses and
-- the conformance suite holds both stores to. The planar ST_DWithin in
-- degrees (25 m is under 0.0005° anywhere up to 60° of latitude) only lets
-- the GiST index on geom find the candidate pairs.

-- +goose Up
CREATE MATERIALIZED VIEW kelurahan_neighbour AS
SELECT a.code AS code, b.code AS neighbour
FROM kelurahan a
JOIN kelurahan b ON b.code <> a.code
 AND ST_DWithin(a.geom, b.geom, 0.0005)
 AND ST_DWithin(a.geom::geography, b.geom::geography, 25);

CREATE UNIQUE INDEX kelurahan_neighbour_idx ON kelurahan_neighbour (code, neighbour);

-- +goose Down
DROP MATERIALIZED VIEW kelurahan_neighbour;
