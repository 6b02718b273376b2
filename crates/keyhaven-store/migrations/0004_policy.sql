-- Templates, cryptoperiods, automatic rotation, usage counts and per-vault crypto policy.
-- Durations are whole seconds; times are Unix nanoseconds like every other time column.
ALTER TABLE keys ADD COLUMN template TEXT;
ALTER TABLE keys ADD COLUMN cryptoperiod_secs INTEGER;
ALTER TABLE keys ADD COLUMN rotation_interval_secs INTEGER;
ALTER TABLE keys ADD COLUMN rotate_before_secs INTEGER;
ALTER TABLE keys ADD COLUMN use_limit INTEGER;
ALTER TABLE keys ADD COLUMN next_rotation_at INTEGER;

-- Times a version applied protection (encrypt, sign, MAC, wrap, data key...), added in
-- batches by the background job: never one write per operation.
ALTER TABLE key_versions ADD COLUMN use_count INTEGER NOT NULL DEFAULT 0;

CREATE TABLE key_templates (
    id                     TEXT PRIMARY KEY NOT NULL,
    vault_id               TEXT NOT NULL REFERENCES vaults(id),
    name                   TEXT NOT NULL,
    description            TEXT,
    naming_scheme          TEXT,
    algorithm              TEXT NOT NULL,
    usage                  INTEGER,
    initial_state          TEXT NOT NULL,
    activate_after_secs    INTEGER,
    cryptoperiod_secs      INTEGER,
    rotation_interval_secs INTEGER,
    rotate_before_secs     INTEGER,
    use_limit              INTEGER,
    tags                   TEXT NOT NULL,            -- JSON object
    archived               INTEGER NOT NULL DEFAULT 0,
    seq                    INTEGER NOT NULL DEFAULT 0, -- last {seq} handed out
    created_at             INTEGER NOT NULL,
    updated_at             INTEGER NOT NULL,
    revision               INTEGER NOT NULL,
    mac                    BLOB NOT NULL
);
CREATE UNIQUE INDEX key_templates_vault_name ON key_templates (vault_id, name);

-- A vault's override of the server's crypto policy (it can only tighten it).
CREATE TABLE vault_policies (
    vault_id   TEXT PRIMARY KEY NOT NULL REFERENCES vaults(id),
    document   TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    mac        BLOB NOT NULL
);
