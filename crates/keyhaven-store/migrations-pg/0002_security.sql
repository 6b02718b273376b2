-- PostgreSQL twin of migrations/0002_security.sql (same version, same tables; BIGINT for INTEGER,
-- BYTEA for BLOB, an identity column for AUTOINCREMENT, byte-order collation for TEXT as in SQLite).
-- keyhaven schema v2: root of trust, principals and roles, record-integrity MACs, audit log.

-- Record-integrity MACs (HMAC-SHA-256 under a key derived from the system secret). Rows
-- written by schema v1 have none until adopted (only `serve --dev` adopts them).
ALTER TABLE vaults ADD COLUMN root_generation BIGINT NOT NULL DEFAULT 1;
ALTER TABLE vaults ADD COLUMN mac BYTEA;
ALTER TABLE keys ADD COLUMN mac BYTEA;
ALTER TABLE key_versions ADD COLUMN mac BYTEA;

-- How the instance is sealed (one row), and the system secret wrapped under the root key.
CREATE TABLE seal (
    id                    BIGINT PRIMARY KEY NOT NULL CHECK (id = 1),
    method                TEXT COLLATE "C" NOT NULL,              -- dev, passphrase, shamir, pkcs11
    params                TEXT COLLATE "C" NOT NULL,              -- JSON, non-secret
    root_generation       BIGINT NOT NULL,
    wrapped_system_secret BYTEA NOT NULL,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
);

-- Root key generations; `wrapped` is the root key under the unseal key (NULL for an HSM key).
CREATE TABLE root_keys (
    generation BIGINT PRIMARY KEY NOT NULL,
    wrapped    BYTEA,
    created_at BIGINT NOT NULL
);

CREATE TABLE principals (
    id           TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    name         TEXT COLLATE "C" NOT NULL UNIQUE,
    kind         TEXT COLLATE "C" NOT NULL,
    system_roles BIGINT NOT NULL,
    description  TEXT COLLATE "C",
    disabled     BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    mac          BYTEA NOT NULL
);

-- API tokens: only the SHA-256 of the token string is kept.
CREATE TABLE tokens (
    id           TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    principal_id TEXT COLLATE "C" NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
    name         TEXT COLLATE "C",
    token_hash   BYTEA NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT,
    revoked_at   BIGINT,
    last_used_at BIGINT,
    mac          BYTEA NOT NULL
);
CREATE INDEX tokens_principal ON tokens (principal_id, created_at);

CREATE TABLE role_bindings (
    vault_id     TEXT COLLATE "C" NOT NULL REFERENCES vaults(id) ON DELETE CASCADE,
    principal_id TEXT COLLATE "C" NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
    role         TEXT COLLATE "C" NOT NULL,
    granted_at   BIGINT NOT NULL,
    granted_by   TEXT COLLATE "C" NOT NULL,
    mac          BYTEA NOT NULL,
    PRIMARY KEY (vault_id, principal_id, role)
);
CREATE INDEX role_bindings_principal ON role_bindings (principal_id);

CREATE TABLE cert_bindings (
    id           TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    principal_id TEXT COLLATE "C" NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
    kind         TEXT COLLATE "C" NOT NULL,                       -- subject, fingerprint
    value        TEXT COLLATE "C" NOT NULL,
    created_at   BIGINT NOT NULL,
    mac          BYTEA NOT NULL,
    UNIQUE (kind, value)
);
CREATE INDEX cert_bindings_principal ON cert_bindings (principal_id);

-- The audit log: records are the leaves of an RFC 6962 Merkle tree in seq order (leaf index
-- seq - 1). They are written in batches, one row per batch: `count` consecutive records from
-- `first_seq`, each as u32 BE length || canonical bytes, and their 32-byte leaf hashes in the
-- same order (docs/FORMATS.md). One row per batch, not per record, keeps recording every
-- cryptographic use cheap; the separate hashes let checkpoints read 32 bytes per record.
CREATE TABLE audit_batches (
    first_seq BIGINT PRIMARY KEY NOT NULL,
    count     BIGINT NOT NULL,
    min_at    BIGINT NOT NULL,
    max_at    BIGINT NOT NULL,
    records   BYTEA NOT NULL,
    leaves    BYTEA NOT NULL
);

-- Which batches hold records of a key, principal, vault, action or outcome: what queries use
-- to find records without reading every batch. `audit verify` checks it against the records.
CREATE TABLE audit_index (
    kind      BIGINT NOT NULL,                       -- 1 key, 2 principal, 3 vault, 4 action, 5 outcome
    value     TEXT COLLATE "C" NOT NULL,
    first_seq BIGINT NOT NULL,
    PRIMARY KEY (kind, value, first_seq)
);

-- Signed tree heads, with the compact tree state after each.
CREATE TABLE audit_checkpoints (
    tree_size BIGINT PRIMARY KEY NOT NULL,
    root      BYTEA NOT NULL,
    at        BIGINT NOT NULL,
    signature BYTEA NOT NULL,
    frontier  BYTEA NOT NULL
);
