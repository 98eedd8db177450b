-- +goose Up
-- The exact bound of every kelurahan vertex, which each write checks a
-- geometry against (store.Lookup.CityBound). Scanning the vertices on every
-- write cost a Baubau write most of its time and a national one seconds;
-- kelurahan change only by seed and boundary import, so a statement-level
-- trigger keeps this one row current. geom::box3d is computed from the
-- vertices in double precision, not from the float4 box cached in the
-- geometry, so the bound equals the embedded store's.
CREATE TABLE kelurahan_extent (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    min_x float8, min_y float8, max_x float8, max_y float8
);

-- +goose StatementBegin
CREATE FUNCTION kelurahan_extent_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO kelurahan_extent AS e (only_row, min_x, min_y, max_x, max_y)
    SELECT true, min(ST_XMin(b)), min(ST_YMin(b)), max(ST_XMax(b)), max(ST_YMax(b))
    FROM (SELECT geom::box3d AS b FROM kelurahan) k
    ON CONFLICT (only_row) DO UPDATE
        SET min_x = EXCLUDED.min_x, min_y = EXCLUDED.min_y, max_x = EXCLUDED.max_x, max_y = EXCLUDED.max_y;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER kelurahan_extent_refresh
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON kelurahan
    FOR EACH STATEMENT EXECUTE FUNCTION kelurahan_extent_refresh();

INSERT INTO kelurahan_extent (only_row, min_x, min_y, max_x, max_y)
SELECT true, min(ST_XMin(b)), min(ST_YMin(b)), max(ST_XMax(b)), max(ST_YMax(b))
FROM (SELECT geom::box3d AS b FROM kelurahan) k;

-- +goose Down
DROP TRIGGER kelurahan_extent_refresh ON kelurahan;
DROP FUNCTION kelurahan_extent_refresh();
DROP TABLE kelurahan_extent;
