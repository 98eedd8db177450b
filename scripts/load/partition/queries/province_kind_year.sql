-- The projects of one province of one kind in one year: the first page by id and the total.
SELECT code, provq, likeq, lon, lat, kindq, year, idq FROM partition_bench.pick WHERE n = :k \gset
SELECT id FROM partition_bench.@T@ WHERE @PROV@ AND kind = :kindq AND year = :year ORDER BY id LIMIT 50;
SELECT count(*) FROM partition_bench.@T@ WHERE @PROV@ AND kind = :kindq AND year = :year;
