-- Leases on background work, so that nodes sharing one database each do a due item once: a
-- node takes `item` until `expires_at` (Unix nanoseconds) and deletes the row when done; a
-- node that dies leaves a lease that others may take once it has expired.
CREATE TABLE job_leases (
    item       TEXT PRIMARY KEY NOT NULL,
    holder     TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
