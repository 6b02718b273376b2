-- keyhaven schema v2: root of trust, principals and roles, record-integrity MACs, audit log.

-- Record-integrity MACs (HMAC-SHA-256 under a key derived from the system secret). Rows
-- written by schema v1 have none until adopted (only `serve --dev` adopts them).
ALTER TABLE vaults ADD COLUMN root_generation INTEGER NOT NULL DEFAULT 1;
ALTER TABLE vaults ADD COLUMN mac BLOB;
ALTER TABLE keys ADD COLUMN mac BLOB;
ALTER TABLE key_versions ADD COLUMN mac BLOB;

-- How the instance is sealed (one row), and the system secret wrapped under the root key.
CREATE TABLE seal (
    id                    INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    method                TEXT NOT NULL,              -- dev, passphrase, shamir, pkcs11
    params                TEXT NOT NULL,              -- JSON, non-secret
    root_generation       INTEGER NOT NULL,
    wrapped_system_secret BLOB NOT NULL,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL
);

-- Root key generations; `wrapped` is the root key under the unseal key (NULL for an HSM key).
CREATE TABLE root_keys (
    generation INTEGER PRIMARY KEY NOT NULL,
    wrapped    BLOB,
    created_at INTEGER NOT NULL
);

CREATE TABLE principals (
    id           TEXT PRIMARY KEY NOT NULL,
    name         TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL,
    system_roles INTEGER NOT NULL,
    description  TEXT,
    disabled     INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    mac          BLOB NOT NULL
);

-- API tokens: only the SHA-256 of the token string is kept.
CREATE TABLE tokens (
    id           TEXT PRIMARY KEY NOT NULL,
    principal_id TEXT NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
    name         TEXT,
    token_hash   BLOB NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER,
    revoked_at   INTEGER,
    last_used_at INTEGER,
    mac          BLOB NOT NULL
);
CREATE INDEX tokens_principal ON tokens (principal_id, created_at);

CREATE TABLE role_bindings (
    vault_id     TEXT NOT NULL REFERENCES vaults(id) ON DELETE CASCADE,
    principal_id TEXT NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
    role         TEXT NOT NULL,
    granted_at   INTEGER NOT NULL,
    granted_by   TEXT NOT NULL,
    mac          BLOB NOT NULL,
    PRIMARY KEY (vault_id, principal_id, role)
);
CREATE INDEX role_bindings_principal ON role_bindings (principal_id);

CREATE TABLE cert_bindings (
    id           TEXT PRIMARY KEY NOT NULL,
    principal_id TEXT NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,                       -- subject, fingerprint
    value        TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    mac          BLOB NOT NULL,
    UNIQUE (kind, value)
);
CREATE INDEX cert_bindings_principal ON cert_bindings (principal_id);

-- The audit log: records are the leaves of an RFC 6962 Merkle tree in seq order (leaf index
-- seq - 1). They are written in batches, one row per batch: `count` consecutive records from
-- `first_seq`, each as u32 BE length || canonical bytes, and their 32-byte leaf hashes in the
-- same order (docs/FORMATS.md). One row per batch, not per record, keeps recording every
-- cryptographic use cheap; the separate hashes let checkpoints read 32 bytes per record.
CREATE TABLE audit_batches (
    first_seq INTEGER PRIMARY KEY NOT NULL,
    count     INTEGER NOT NULL,
    min_at    INTEGER NOT NULL,
    max_at    INTEGER NOT NULL,
    records   BLOB NOT NULL,
    leaves    BLOB NOT NULL
);

-- Which batches hold records of a key, principal, vault, action or outcome: what queries use
-- to find records without reading every batch. `audit verify` checks it against the records.
CREATE TABLE audit_index (
    kind      INTEGER NOT NULL,                       -- 1 key, 2 principal, 3 vault, 4 action, 5 outcome
    value     TEXT NOT NULL,
    first_seq INTEGER NOT NULL,
    PRIMARY KEY (kind, value, first_seq)
) WITHOUT ROWID;

-- Signed tree heads, with the compact tree state after each.
CREATE TABLE audit_checkpoints (
    tree_size INTEGER PRIMARY KEY NOT NULL,
    root      BLOB NOT NULL,
    at        INTEGER NOT NULL,
    signature BLOB NOT NULL,
    frontier  BLOB NOT NULL
);
