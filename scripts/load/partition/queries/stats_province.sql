-- projectStats(groupBy: [YEAR, KIND]) over one province.
SELECT code, provq, likeq, lon, lat, kindq, year, idq FROM partition_bench.pick WHERE n = :k \gset
SELECT year, kind, count(*), sum(budget_rupiah) FROM partition_bench.@T@ WHERE @PROV@ GROUP BY year, kind ORDER BY year, kind;
