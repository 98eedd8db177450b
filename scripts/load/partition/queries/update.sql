-- An update as the write flow makes it: read the current version by id,
-- then write the new one guarded by that version.
SELECT code, provq, likeq, lon, lat, kindq, year, idq FROM partition_bench.pick WHERE n = :k \gset
SELECT version AS v, quote_literal(left(kelurahan_code, 2)) AS pcq FROM partition_bench.@T@ WHERE id = :idq \gset
UPDATE partition_bench.@T@ SET budget_rupiah = budget_rupiah + 500000, version = version + 1
WHERE id = :idq AND version = :v@WKEY@;
