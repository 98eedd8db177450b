-- One new project in a kelurahan of the stream (a point at the stream's point).
SELECT code, provq, likeq, lon, lat, kindq, year, idq FROM partition_bench.pick WHERE n = :k \gset
INSERT INTO partition_bench.@T@ (id, title, kind, geom, kelurahan_code, year, budget_rupiah, status, beneficiaries@ICOL@)
SELECT 'ins-' || nextval('partition_bench.@T@_ins_seq'), 'Penerangan lingkungan ' || code, 'NEIGHBOURHOOD_LIGHTING',
       ST_SetSRID(ST_MakePoint(lon, lat), 4326), code, year, 75000000, 'PLANNED', 300@IVAL@
FROM partition_bench.pick WHERE n = :k;
