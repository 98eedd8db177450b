-- projectStats(groupBy: [YEAR, KIND]) over the whole country.
SELECT code, provq, likeq, lon, lat, kindq, year, idq FROM partition_bench.pick WHERE n = :k \gset
SELECT year, kind, count(*), sum(budget_rupiah) FROM partition_bench.@T@ GROUP BY year, kind ORDER BY year, kind;
