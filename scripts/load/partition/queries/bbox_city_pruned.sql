-- bbox_city as it would be on a partitioned table: first the provinces the
-- box meets (serasi would ask its provinsi polygons, here their extents),
-- then the box within those partitions only. On the plain table only the
-- query of bbox_city runs.
SELECT code, provq, likeq, lon, lat, kindq, year, idq FROM partition_bench.pick WHERE n = :k \gset
@PARTONLY@SELECT coalesce(string_agg(quote_literal(code), ', '), 'NULL') AS provs FROM partition_bench.provinsi_box WHERE box && ST_MakeEnvelope(:lon - 0.05, :lat - 0.05, :lon + 0.05, :lat + 0.05, 4326) \gset
SELECT id FROM partition_bench.@T@ WHERE geom && ST_MakeEnvelope(:lon - 0.05, :lat - 0.05, :lon + 0.05, :lat + 0.05, 4326) AND ST_Intersects(geom, ST_MakeEnvelope(:lon - 0.05, :lat - 0.05, :lon + 0.05, :lat + 0.05, 4326))@INPROVS@ ORDER BY id LIMIT 50;
SELECT count(*) FROM partition_bench.@T@ WHERE geom && ST_MakeEnvelope(:lon - 0.05, :lat - 0.05, :lon + 0.05, :lat + 0.05, 4326) AND ST_Intersects(geom, ST_MakeEnvelope(:lon - 0.05, :lat - 0.05, :lon + 0.05, :lat + 0.05, 4326))@INPROVS@;
