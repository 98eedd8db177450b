-- A city-sized box (0.1 x 0.1 degrees, about 11 km): the first page by id and the total.
SELECT code, provq, likeq, lon, lat, kindq, year, idq FROM partition_bench.pick WHERE n = :k \gset
SELECT id FROM partition_bench.@T@ WHERE geom && ST_MakeEnvelope(:lon - 0.05, :lat - 0.05, :lon + 0.05, :lat + 0.05, 4326) AND ST_Intersects(geom, ST_MakeEnvelope(:lon - 0.05, :lat - 0.05, :lon + 0.05, :lat + 0.05, 4326)) ORDER BY id LIMIT 50;
SELECT count(*) FROM partition_bench.@T@ WHERE geom && ST_MakeEnvelope(:lon - 0.05, :lat - 0.05, :lon + 0.05, :lat + 0.05, 4326) AND ST_Intersects(geom, ST_MakeEnvelope(:lon - 0.05, :lat - 0.05, :lon + 0.05, :lat + 0.05, 4326));
