-- How the visitor decided and under which privacy signal (format version 1,
-- both optional): `via` is banner | tool | api | embed, `signal` is gpc | dnt.
-- NULL when not sent: every receipt stored before this migration, a receipt
-- from an older widget, and (`signal`) a browser that sent no signal.
-- Plain SQL that SQLite and PostgreSQL both run.
ALTER TABLE receipts ADD COLUMN via TEXT NULL;
ALTER TABLE receipts ADD COLUMN signal TEXT NULL;
