-- Import keys for wrapped import (BYOK, docs/IMPORT.md): RSA key pairs a vault hands out so that
-- clients can wrap key material for it. The private key is sealed under the vault's KEK; the
-- record carries an integrity MAC like every other security-relevant row. A key is issued
-- until expires_at and accepted for unwrapping for a day more; expired rows are deleted by the
-- service. Times are Unix nanoseconds like every other time column.
CREATE TABLE import_keys (
    id             TEXT PRIMARY KEY NOT NULL,
    vault_id       TEXT NOT NULL REFERENCES vaults(id) ON DELETE CASCADE,
    sealed_private BLOB NOT NULL,
    public_key     BLOB NOT NULL,
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    mac            BLOB NOT NULL
);
CREATE INDEX import_keys_vault_expires ON import_keys (vault_id, expires_at);
CREATE INDEX import_keys_expires ON import_keys (expires_at);
