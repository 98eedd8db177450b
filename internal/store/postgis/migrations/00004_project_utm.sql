-- A planar copy of each project in UTM zone 51S (EPSG:32751, the zone of
-- Kota Baubau), so that counting the projects within a radius (the
-- totalCount of projects(near:)) decides almost every project with a cheap
-- planar distance instead of a spheroid one; see nearCount in nearest.go
-- for the bound that keeps the count exact.
--
-- Only geometries inside 121..125 E, 3..8 S get a copy: there UTM 51S
-- scales lengths by 0.9996 to 1.0003, and the bound is proved for that
-- box. Anything else (the API refuses writes outside the city, but a row
-- may come from elsewhere) keeps NULL and is counted on the spheroid
-- through a small partial index.

-- +goose Up
ALTER TABLE project ADD COLUMN geom_utm geometry(Geometry, 32751)
    GENERATED ALWAYS AS (
        CASE WHEN geom @ ST_MakeEnvelope(121, -8, 125, -3, 4326) THEN ST_Transform(geom, 32751) END
    ) STORED;
-- Partial both: the planner would otherwise find the rows without a copy
-- by a scan of the whole geom_utm index (GiST keeps NULLs) rather than
-- through project_geog_far_idx. geom_utm && x implies NOT NULL, so the
-- counting query still matches the first.
CREATE INDEX project_geom_utm_idx ON project USING gist (geom_utm) WHERE geom_utm IS NOT NULL;
CREATE INDEX project_geog_far_idx ON project USING gist (geog) WHERE geom_utm IS NULL;

-- +goose Down
DROP INDEX project_geog_far_idx;
DROP INDEX project_geom_utm_idx;
ALTER TABLE project DROP COLUMN geom_utm;
