-- PostgreSQL twin of migrations/0004_policy.sql (same version, same tables; BIGINT for INTEGER,
-- BYTEA for BLOB, an identity column for AUTOINCREMENT, byte-order collation for TEXT as in SQLite).
-- Templates, cryptoperiods, automatic rotation, usage counts and per-vault crypto policy.
-- Durations are whole seconds; times are Unix nanoseconds like every other time column.
ALTER TABLE keys ADD COLUMN template TEXT COLLATE "C";
ALTER TABLE keys ADD COLUMN cryptoperiod_secs BIGINT;
ALTER TABLE keys ADD COLUMN rotation_interval_secs BIGINT;
ALTER TABLE keys ADD COLUMN rotate_before_secs BIGINT;
ALTER TABLE keys ADD COLUMN use_limit BIGINT;
ALTER TABLE keys ADD COLUMN next_rotation_at BIGINT;

-- Times a version applied protection (encrypt, sign, MAC, wrap, data key...), added in
-- batches by the background job: never one write per operation.
ALTER TABLE key_versions ADD COLUMN use_count BIGINT NOT NULL DEFAULT 0;

CREATE TABLE key_templates (
    id                     TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    vault_id               TEXT COLLATE "C" NOT NULL REFERENCES vaults(id),
    name                   TEXT COLLATE "C" NOT NULL,
    description            TEXT COLLATE "C",
    naming_scheme          TEXT COLLATE "C",
    algorithm              TEXT COLLATE "C" NOT NULL,
    usage                  BIGINT,
    initial_state          TEXT COLLATE "C" NOT NULL,
    activate_after_secs    BIGINT,
    cryptoperiod_secs      BIGINT,
    rotation_interval_secs BIGINT,
    rotate_before_secs     BIGINT,
    use_limit              BIGINT,
    tags                   TEXT COLLATE "C" NOT NULL,            -- JSON object
    archived               BIGINT NOT NULL DEFAULT 0,
    seq                    BIGINT NOT NULL DEFAULT 0, -- last {seq} handed out
    created_at             BIGINT NOT NULL,
    updated_at             BIGINT NOT NULL,
    revision               BIGINT NOT NULL,
    mac                    BYTEA NOT NULL
);
CREATE UNIQUE INDEX key_templates_vault_name ON key_templates (vault_id, name);

-- A vault's override of the server's crypto policy (it can only tighten it).
CREATE TABLE vault_policies (
    vault_id   TEXT COLLATE "C" PRIMARY KEY NOT NULL REFERENCES vaults(id),
    document   TEXT COLLATE "C" NOT NULL,
    updated_at BIGINT NOT NULL,
    mac        BYTEA NOT NULL
);
