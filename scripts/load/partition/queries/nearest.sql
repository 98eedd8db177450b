-- The 10 projects nearest to a point (KNN on geography, as nearestProjects).
SELECT code, provq, likeq, lon, lat, kindq, year, idq FROM partition_bench.pick WHERE n = :k \gset
SELECT id, round(ST_Distance(geog, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography)::numeric, 3) AS m
FROM partition_bench.@T@ ORDER BY geog <-> ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography LIMIT 10;
