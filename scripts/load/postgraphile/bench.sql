-- The schema PostGraphile serves in scripts/load/postgraphile/run: SQL
-- functions equivalent to serasi's kelurahanAt, projects(filter:{near}) and
-- nearestProjects over serasi's own tables. It lives in a schema of its own,
-- created and dropped by the run script, never in serasi's migrations.
DROP SCHEMA IF EXISTS postgraphile_bench CASCADE;
CREATE SCHEMA postgraphile_bench;

-- The kelurahan covering the point (boundary included), lowest code first:
-- serasi's rule.
CREATE FUNCTION postgraphile_bench.kelurahan_at(lon float8, lat float8)
RETURNS public.kelurahan
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
  SELECT k.* FROM public.kelurahan k
  WHERE ST_Covers(k.geom, ST_SetSRID(ST_MakePoint(lon, lat), 4326))
  ORDER BY k.code
  LIMIT 1
$$;

-- A project with its distance from the query point, like serasi's ProjectHit.
CREATE TYPE postgraphile_bench.project_hit AS (
  distance_meters float8,
  project public.project
);

-- The projects within radius metres of the point (on the spheroid), nearest
-- first, ties by id. PostGraphile pages it (first:) and counts it
-- (totalCount) itself.
CREATE FUNCTION postgraphile_bench.projects_near(lon float8, lat float8, radius float8)
RETURNS SETOF postgraphile_bench.project_hit
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
  SELECT ST_Distance(p.geog, q.pt), p
  FROM public.project p,
       (SELECT ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography AS pt) q
  WHERE ST_DWithin(p.geog, q.pt, radius)
  ORDER BY 1, p.id
$$;

-- The lim projects nearest to the point on the spheroid, ties by id: the
-- algorithm of serasi's NearestProjects, so that both do the same work. The
-- KNN operator <-> walks the index in sphere distance; a spheroid distance
-- is never below 0.994 × the sphere distance (see NearestProjects in
-- internal/store/postgis/project.go), so once the n-th candidate's sphere
-- distance × 0.994 exceeds the lim-th spheroid distance among the
-- candidates, no project outside them can be nearer.
CREATE FUNCTION postgraphile_bench.nearest_projects(lon float8, lat float8, lim integer)
RETURNS SETOF postgraphile_bench.project_hit
LANGUAGE plpgsql STABLE STRICT AS $$
DECLARE
  pt geography := ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography;
  n integer := lim + 8;
BEGIN
  LOOP
    -- Returns the rows only when the candidates prove them; else nothing.
    RETURN QUERY
      WITH knn AS (
        SELECT p, p.geog <-> pt AS sd, ST_Distance(p.geog, pt) AS d
        FROM public.project p ORDER BY p.geog <-> pt LIMIT n),
      top AS (SELECT * FROM knn ORDER BY d, (p).id LIMIT lim)
      SELECT top.d, top.p FROM top
      WHERE (SELECT count(*) < n OR max(sd) * 0.994 > (SELECT max(d) FROM top) FROM knn)
      ORDER BY top.d, (top.p).id;
    -- An empty table proves an empty answer; n then soon passes the guard.
    EXIT WHEN FOUND OR n > 10000000;
    n := n * 8;
  END LOOP;
END
$$;
