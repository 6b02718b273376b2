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

-- The audit log: leaves of an RFC 6962 Merkle tree in seq order (leaf index = seq - 1).
-- AUTOINCREMENT: a seq is never reused, so a deleted record leaves a visible gap.
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,
    request_id  TEXT,
    principal   TEXT,
    source      TEXT,
    action      TEXT NOT NULL,
    route       TEXT,
    vault       TEXT,
    key_id      TEXT,
    key_version INTEGER,
    outcome     TEXT NOT NULL,
    code        TEXT,
    detail      TEXT,
    leaf_hash   BLOB NOT NULL
);
CREATE INDEX audit_key ON audit_log (key_id, seq) WHERE key_id IS NOT NULL;
CREATE INDEX audit_principal ON audit_log (principal, seq);
CREATE INDEX audit_vault ON audit_log (vault, seq) WHERE vault IS NOT NULL;
CREATE INDEX audit_at ON audit_log (at);

-- Signed tree heads, with the compact tree state after each.
CREATE TABLE audit_checkpoints (
    tree_size INTEGER PRIMARY KEY NOT NULL,
    root      BLOB NOT NULL,
    at        INTEGER NOT NULL,
    signature BLOB NOT NULL,
    frontier  BLOB NOT NULL
);
