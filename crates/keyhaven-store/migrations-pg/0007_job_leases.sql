-- PostgreSQL twin of migrations/0007_job_leases.sql (same version, same tables; BIGINT for INTEGER,
-- BYTEA for BLOB, an identity column for AUTOINCREMENT, byte-order collation for TEXT as in SQLite).
-- Leases on background work, so that nodes sharing one database each do a due item once: a
-- node takes `item` until `expires_at` (Unix nanoseconds) and deletes the row when done; a
-- node that dies leaves a lease that others may take once it has expired.
CREATE TABLE job_leases (
    item       TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    holder     TEXT COLLATE "C" NOT NULL,
    expires_at BIGINT NOT NULL
);
