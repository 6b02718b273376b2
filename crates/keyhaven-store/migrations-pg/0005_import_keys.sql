-- PostgreSQL twin of migrations/0005_import_keys.sql (same version, same tables; BIGINT for INTEGER,
-- BYTEA for BLOB, an identity column for AUTOINCREMENT, byte-order collation for TEXT as in SQLite).
-- Import keys for wrapped import (BYOK, docs/IMPORT.md): RSA key pairs a vault hands out so that
-- clients can wrap key material for it. The private key is sealed under the vault's KEK; the
-- record carries an integrity MAC like every other security-relevant row. A key is issued
-- until expires_at and accepted for unwrapping for a day more; expired rows are deleted by the
-- service. Times are Unix nanoseconds like every other time column.
CREATE TABLE import_keys (
    id             TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    vault_id       TEXT COLLATE "C" NOT NULL REFERENCES vaults(id) ON DELETE CASCADE,
    sealed_private BYTEA NOT NULL,
    public_key     BYTEA NOT NULL,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    mac            BYTEA NOT NULL
);
CREATE INDEX import_keys_vault_expires ON import_keys (vault_id, expires_at);
CREATE INDEX import_keys_expires ON import_keys (expires_at);
