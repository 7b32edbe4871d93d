-- A consent id's receipts in order of arrival: lookups read them in this
-- order (the last to arrive is the decision in force), and the retention
-- purge asks, for each old receipt, whether a later one of its id arrived.
-- Both then read a few index entries instead of sorting or scanning.
-- Plain SQL that SQLite and PostgreSQL both run.
CREATE INDEX receipts_by_consent_arrival ON receipts (consent_id, received_at, decided_at);
