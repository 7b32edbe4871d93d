-- The health check's write probe (db.rs, `Database::probe_write`): while
-- writes fail, `/healthz` inserts a row of a few kilobytes here and deletes
-- it in one committed transaction, to find out whether a receipt could be
-- stored again. Always empty between probes; nothing about any visitor.
-- Plain SQL that SQLite and PostgreSQL both run.
CREATE TABLE write_probe (
    filler TEXT NOT NULL
);
