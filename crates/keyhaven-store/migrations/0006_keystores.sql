-- External keystores (PKCS#11 slots, remote KMIP servers, AWS KMS) per vault, the keystores
-- each key is distributed to, and the state of each distributed key version.

CREATE TABLE keystores (
    id                 TEXT PRIMARY KEY NOT NULL,
    vault_id           TEXT NOT NULL REFERENCES vaults(id),
    name               TEXT NOT NULL,
    kind               TEXT NOT NULL,             -- pkcs11 | kmip | aws-kms
    placement          TEXT NOT NULL,             -- push | generate
    settings           TEXT NOT NULL,             -- JSON object, not secret
    sealed_credentials BLOB NOT NULL,             -- JSON object sealed under the vault's KEK
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    revision           INTEGER NOT NULL,
    mac                BLOB NOT NULL,
    health             TEXT NOT NULL DEFAULT 'unknown', -- ok | error | unknown (not MAC'd)
    health_message     TEXT,
    health_checked_at  INTEGER
);
CREATE UNIQUE INDEX keystores_vault_name ON keystores (vault_id, name);

-- The keystores a template's keys are distributed to (JSON array of names; NULL: none).
ALTER TABLE key_templates ADD COLUMN keystores TEXT;

-- The keystores a key is distributed to.
CREATE TABLE key_targets (
    key_id      TEXT NOT NULL REFERENCES keys(id) ON DELETE CASCADE,
    keystore_id TEXT NOT NULL REFERENCES keystores(id),
    added_at    INTEGER NOT NULL,
    mac         BLOB NOT NULL,                    -- binds the key to the keystore
    PRIMARY KEY (key_id, keystore_id)
);
CREATE INDEX key_targets_keystore ON key_targets (keystore_id);

-- One row per (key, keystore, version): what keyhaven last applied there and what it last saw.
CREATE TABLE key_distributions (
    key_id          TEXT NOT NULL REFERENCES keys(id) ON DELETE CASCADE,
    keystore_id     TEXT NOT NULL REFERENCES keystores(id),
    version         INTEGER NOT NULL,
    remote_id       TEXT,                         -- NULL until created in the keystore
    applied         TEXT NOT NULL,                -- absent | enabled | disabled | destroyed
    remote_state    TEXT,                         -- last seen: enabled, disabled, missing ...
    check_value     TEXT,                         -- key check value keyhaven expects (push)
    out_of_sync     TEXT,                         -- NULL when in sync, else the reason
    last_error      TEXT,
    last_checked_at INTEGER,
    attempts        INTEGER NOT NULL DEFAULT 0,   -- failed attempts in a row
    next_attempt_at INTEGER,                      -- backoff after a failure
    destroy_until   INTEGER,                      -- when the keystore finishes a deletion
    mac             BLOB NOT NULL,                -- binds remote_id and check_value to the row
    PRIMARY KEY (key_id, keystore_id, version)
);
CREATE INDEX key_distributions_out_of_sync ON key_distributions (key_id) WHERE out_of_sync IS NOT NULL;
