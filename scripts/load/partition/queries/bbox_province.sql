-- A province-sized box (3 x 3 degrees, about 330 km): the first page by id and the total.
SELECT code, provq, likeq, lon, lat, kindq, year, idq FROM partition_bench.pick WHERE n = :k \gset
SELECT id FROM partition_bench.@T@ WHERE geom && ST_MakeEnvelope(:lon - 1.5, :lat - 1.5, :lon + 1.5, :lat + 1.5, 4326) AND ST_Intersects(geom, ST_MakeEnvelope(:lon - 1.5, :lat - 1.5, :lon + 1.5, :lat + 1.5, 4326)) ORDER BY id LIMIT 50;
SELECT count(*) FROM partition_bench.@T@ WHERE geom && ST_MakeEnvelope(:lon - 1.5, :lat - 1.5, :lon + 1.5, :lat + 1.5, 4326) AND ST_Intersects(geom, ST_MakeEnvelope(:lon - 1.5, :lat - 1.5, :lon + 1.5, :lat + 1.5, 4326));
