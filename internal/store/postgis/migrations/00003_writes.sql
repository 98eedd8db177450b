-- Writes: API tokens and the audit trail.
--
-- A token is kept as the SHA-256 of its plaintext (the plaintext is shown
-- once, when it is created); store.ParseToken finds its id in the
-- plaintext, and the hash is compared in constant time in Go.
--
-- audit_log has one row per successful mutation, inserted in the
-- mutation's own transaction. before/after hold the record as
-- store.MarshalRecord writes it; token_id is not a foreign key because
-- system actors (the command line) have none, and a token's entries must
-- outlive it.

-- +goose Up
CREATE TABLE api_token (
    id         text COLLATE "C" PRIMARY KEY CHECK (id <> ''),
    name       text COLLATE "C" NOT NULL CHECK (name <> ''),
    role       text COLLATE "C" NOT NULL CHECK (role IN ('VIEWER', 'EDITOR', 'ADMIN')),
    hash       bytea NOT NULL CHECK (length(hash) = 32),
    created_at timestamptz NOT NULL,
    created_by text COLLATE "C" NOT NULL,
    revoked_at timestamptz
);

CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL,
    token_id    text COLLATE "C",
    actor_name  text COLLATE "C" NOT NULL,
    operation   text COLLATE "C" NOT NULL CHECK (operation IN ('CREATE', 'UPDATE', 'ARCHIVE', 'DELETE', 'REVOKE')),
    record_type text COLLATE "C" NOT NULL CHECK (record_type IN ('FORUM', 'PROJECT', 'ACTIVITY', 'TOKEN')),
    record_id   text COLLATE "C" NOT NULL,
    before      jsonb,
    after       jsonb
);

CREATE INDEX audit_log_record_idx ON audit_log (record_type, record_id, id);
CREATE INDEX audit_log_record_id_idx ON audit_log (record_id, id);
CREATE INDEX audit_log_token_idx ON audit_log (token_id, id);
CREATE INDEX audit_log_at_idx ON audit_log (at);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE api_token;
