-- The durable change feed: one row per forum, project or activity that a
-- committed write created, changed or deleted, inserted in the write's own
-- transaction (store.Flow), with the bounding boxes ({minX,minY,maxX,maxY},
-- WGS 84) of what it showed on a map before and after. Writers take a
-- transaction-level advisory lock before inserting (see AppendChanges in
-- tx.go), so sequence numbers commit in order and a reader that resumes
-- after seq N misses nothing. NOTIFY serasi_changes wakes the followers.
--
-- An import (store.Flow.ApplyBatch) is audited as one IMPORT entry of
-- record type BATCH.

-- +goose Up
CREATE TABLE change_log (
    seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL,
    record_type text COLLATE "C" NOT NULL CHECK (record_type IN ('FORUM', 'PROJECT', 'ACTIVITY')),
    record_id   text COLLATE "C" NOT NULL,
    operation   text COLLATE "C" NOT NULL CHECK (operation IN ('CREATE', 'UPDATE', 'ARCHIVE', 'DELETE')),
    version     integer NOT NULL,
    old_bbox    float8[] CHECK (old_bbox IS NULL OR cardinality(old_bbox) = 4),
    new_bbox    float8[] CHECK (new_bbox IS NULL OR cardinality(new_bbox) = 4)
);

CREATE INDEX change_log_at_idx ON change_log (at);

ALTER TABLE audit_log DROP CONSTRAINT audit_log_operation_check,
    ADD CONSTRAINT audit_log_operation_check
    CHECK (operation IN ('CREATE', 'UPDATE', 'ARCHIVE', 'DELETE', 'REVOKE', 'IMPORT'));
ALTER TABLE audit_log DROP CONSTRAINT audit_log_record_type_check,
    ADD CONSTRAINT audit_log_record_type_check
    CHECK (record_type IN ('FORUM', 'PROJECT', 'ACTIVITY', 'TOKEN', 'BATCH'));

-- +goose Down
DELETE FROM audit_log WHERE operation = 'IMPORT' OR record_type = 'BATCH';
ALTER TABLE audit_log DROP CONSTRAINT audit_log_record_type_check,
    ADD CONSTRAINT audit_log_record_type_check
    CHECK (record_type IN ('FORUM', 'PROJECT', 'ACTIVITY', 'TOKEN'));
ALTER TABLE audit_log DROP CONSTRAINT audit_log_operation_check,
    ADD CONSTRAINT audit_log_operation_check
    CHECK (operation IN ('CREATE', 'UPDATE', 'ARCHIVE', 'DELETE', 'REVOKE'));
DROP TABLE change_log;
