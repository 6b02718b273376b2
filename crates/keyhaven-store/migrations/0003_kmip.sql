-- KMIP: object kinds, exportability, links and the KMIP interface's own attributes.
-- An empty object_kind reads as the default for the key's algorithm (what REST creates).
ALTER TABLE keys ADD COLUMN object_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE keys ADD COLUMN exportable INTEGER NOT NULL DEFAULT 0;
ALTER TABLE keys ADD COLUMN links TEXT NOT NULL DEFAULT '';
ALTER TABLE keys ADD COLUMN kmip_attributes BLOB;
