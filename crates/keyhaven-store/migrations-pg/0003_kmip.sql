-- PostgreSQL twin of migrations/0003_kmip.sql (same version, same tables; BIGINT for INTEGER,
-- BYTEA for BLOB, an identity column for AUTOINCREMENT, byte-order collation for TEXT as in SQLite).
-- KMIP: object kinds, exportability, links and the KMIP interface's own attributes.
-- An empty object_kind reads as the default for the key's algorithm (what REST creates).
ALTER TABLE keys ADD COLUMN object_kind TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE keys ADD COLUMN exportable BIGINT NOT NULL DEFAULT 0;
ALTER TABLE keys ADD COLUMN links TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE keys ADD COLUMN kmip_attributes BYTEA;
