-- What pg_tileserv and pg_featureserv read in scripts/load/peers/run: the
-- schema peers over serasi's tables, dropped when the run ends. Each holds one
-- geometry column, geom (both servers take a table's last one, and serasi's
-- project table also has geog and geom_utm), and the properties serasi serves
-- for the same layer.
DROP SCHEMA IF EXISTS peers CASCADE;
CREATE SCHEMA peers;

-- pg_tileserv: views, so that it reads serasi's rows and indexes. The
-- properties are those of serasi's tiles less the Indonesian labels (which
-- serasi looks up per feature, an extra cost the peer is spared).
CREATE VIEW peers.projects AS
SELECT p.id, p.title, p.kind, p.status, p.year, p.budget_rupiah AS "budgetRupiah", p.beneficiaries,
       p.forum_id AS "forumId", p.kelurahan_code AS "kelurahanCode", p.kecamatan_code AS "kecamatanCode",
       to_char(p.start_date, 'YYYY-MM-DD') AS "startDate", to_char(p.finish_date, 'YYYY-MM-DD') AS "finishDate",
       p.geom
FROM project p;

CREATE VIEW peers.kelurahan AS
SELECT k.code AS kode, k.name AS nama, k.kecamatan_code AS "kecamatanCode",
       trunc(k.area_sq_m * 10 + 0.5) / 10 AS "areaSqM", k.conflict_prone AS "conflictProne", k.geom
FROM kelurahan k;

-- pg_featureserv: a table, because it serves a single feature only by a
-- primary key, which a view has not. The copy carries every property of
-- serasi's OGC API projects (labels included, computed once here), and the
-- indexes serasi's project table has for these requests (primary key, GiST).
CREATE TABLE peers.projects_fs AS
SELECT p.id, p.title, p.kind, p.status, p.year, p.budget_rupiah AS "budgetRupiah", p.beneficiaries,
       p.forum_id AS "forumId", p.kelurahan_code AS "kelurahanCode", p.kecamatan_code AS "kecamatanCode",
       to_char(p.start_date, 'YYYY-MM-DD') AS "startDate", to_char(p.finish_date, 'YYYY-MM-DD') AS "finishDate",
       p.description, p.geom
FROM project p;
ALTER TABLE peers.projects_fs ADD PRIMARY KEY (id);
CREATE INDEX ON peers.projects_fs USING gist (geom);
ANALYZE peers.projects_fs;
