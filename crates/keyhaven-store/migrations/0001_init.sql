-- keyhaven schema v1. Times are Unix nanoseconds (UTC). Ids are lowercase hyphenated UUIDs,
-- whose text order equals their byte order (UUIDv7: creation order).

CREATE TABLE vaults (
    id                       TEXT PRIMARY KEY NOT NULL,
    name                     TEXT NOT NULL UNIQUE,
    pending_destruction_days INTEGER NOT NULL,
    sealed_kek               BLOB NOT NULL,
    created_at               INTEGER NOT NULL,
    updated_at               INTEGER NOT NULL
);

CREATE TABLE keys (
    id                     TEXT PRIMARY KEY NOT NULL,
    vault_id               TEXT NOT NULL REFERENCES vaults(id),
    name                   TEXT NOT NULL,
    description            TEXT,
    algorithm              TEXT NOT NULL,
    usage                  INTEGER NOT NULL,
    state                  INTEGER NOT NULL,          -- seed state code (0,1,3,4,5,6)
    destroy_at             INTEGER,
    activation_date        INTEGER,
    deactivation_date      INTEGER,
    protect_stop_date      INTEGER,
    process_start_date     INTEGER,
    compromise_date        INTEGER,
    destroyed_at           INTEGER,
    primary_version        INTEGER NOT NULL,
    min_decryption_version INTEGER NOT NULL,
    origin                 TEXT NOT NULL,
    created_at             INTEGER NOT NULL,
    updated_at             INTEGER NOT NULL,
    last_used_at           INTEGER,
    revision               INTEGER NOT NULL,
    next_due_at            INTEGER                    -- earliest time-driven transition
);
CREATE UNIQUE INDEX keys_vault_name ON keys (vault_id, name);
CREATE INDEX keys_vault_id ON keys (vault_id, id);
CREATE INDEX keys_due ON keys (next_due_at) WHERE next_due_at IS NOT NULL;

CREATE TABLE key_tags (
    key_id TEXT NOT NULL REFERENCES keys(id) ON DELETE CASCADE,
    tag    TEXT NOT NULL,
    value  TEXT NOT NULL,
    PRIMARY KEY (key_id, tag)
);
CREATE INDEX key_tags_tag ON key_tags (tag, value, key_id);

CREATE TABLE key_versions (
    key_id          TEXT NOT NULL REFERENCES keys(id) ON DELETE CASCADE,
    version         INTEGER NOT NULL,
    sealed_material BLOB,                             -- NULL once destroyed
    public_key      BLOB,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (key_id, version)
);

-- Kept after a purge (no foreign key): the trail of what happened to a removed key.
CREATE TABLE key_history (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    key_id     TEXT NOT NULL,
    at         INTEGER NOT NULL,
    action     TEXT NOT NULL,
    from_state INTEGER,
    to_state   INTEGER NOT NULL,
    actor      TEXT NOT NULL,
    cause      TEXT NOT NULL,
    reason     TEXT
);
CREATE INDEX key_history_key ON key_history (key_id, seq);
