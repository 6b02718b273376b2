-- PostgreSQL twin of migrations/0006_keystores.sql (same version, same tables; BIGINT for INTEGER,
-- BYTEA for BLOB, an identity column for AUTOINCREMENT, byte-order collation for TEXT as in SQLite).
-- External keystores (PKCS#11 slots, remote KMIP servers, AWS KMS) per vault, the keystores
-- each key is distributed to, and the state of each distributed key version.

CREATE TABLE keystores (
    id                 TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    vault_id           TEXT COLLATE "C" NOT NULL REFERENCES vaults(id),
    name               TEXT COLLATE "C" NOT NULL,
    kind               TEXT COLLATE "C" NOT NULL,             -- pkcs11 | kmip | aws-kms
    placement          TEXT COLLATE "C" NOT NULL,             -- push | generate
    settings           TEXT COLLATE "C" NOT NULL,             -- JSON object, not secret
    sealed_credentials BYTEA NOT NULL,             -- JSON object sealed under the vault's KEK
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    revision           BIGINT NOT NULL,
    mac                BYTEA NOT NULL,
    health             TEXT COLLATE "C" NOT NULL DEFAULT 'unknown', -- ok | error | unknown (not MAC'd)
    health_message     TEXT COLLATE "C",
    health_checked_at  BIGINT
);
CREATE UNIQUE INDEX keystores_vault_name ON keystores (vault_id, name);

-- The keystores a template's keys are distributed to (JSON array of names; NULL: none).
ALTER TABLE key_templates ADD COLUMN keystores TEXT COLLATE "C";

-- The keystores a key is distributed to.
CREATE TABLE key_targets (
    key_id      TEXT COLLATE "C" NOT NULL REFERENCES keys(id) ON DELETE CASCADE,
    keystore_id TEXT COLLATE "C" NOT NULL REFERENCES keystores(id),
    added_at    BIGINT NOT NULL,
    mac         BYTEA NOT NULL,                    -- binds the key to the keystore
    PRIMARY KEY (key_id, keystore_id)
);
CREATE INDEX key_targets_keystore ON key_targets (keystore_id);

-- One row per (key, keystore, version): what keyhaven last applied there and what it last saw.
CREATE TABLE key_distributions (
    key_id          TEXT COLLATE "C" NOT NULL REFERENCES keys(id) ON DELETE CASCADE,
    keystore_id     TEXT COLLATE "C" NOT NULL REFERENCES keystores(id),
    version         BIGINT NOT NULL,
    remote_id       TEXT COLLATE "C",                         -- NULL until created in the keystore
    applied         TEXT COLLATE "C" NOT NULL,                -- absent | enabled | disabled | destroyed
    remote_state    TEXT COLLATE "C",                         -- last seen: enabled, disabled, missing ...
    check_value     TEXT COLLATE "C",                         -- key check value keyhaven expects (push)
    out_of_sync     TEXT COLLATE "C",                         -- NULL when in sync, else the reason
    last_error      TEXT COLLATE "C",
    last_checked_at BIGINT,
    attempts        BIGINT NOT NULL DEFAULT 0,   -- failed attempts in a row
    next_attempt_at BIGINT,                      -- backoff after a failure
    destroy_until   BIGINT,                      -- when the keystore finishes a deletion
    mac             BYTEA NOT NULL,                -- binds remote_id and check_value to the row
    PRIMARY KEY (key_id, keystore_id, version)
);
CREATE INDEX key_distributions_out_of_sync ON key_distributions (key_id) WHERE out_of_sync IS NOT NULL;
