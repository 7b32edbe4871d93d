-- One row per decision a widget reported. The same SQL runs on SQLite and
-- PostgreSQL: times are Unix milliseconds (BIGINT), choices are JSON text.
-- No IP address, no user agent, nothing about the visitor but their choice.
CREATE TABLE receipts (
    consent_id  TEXT   NOT NULL, -- 22 characters of base64url, random
    decided_at  BIGINT NOT NULL, -- the widget's decidedAt
    expires_at  BIGINT NOT NULL, -- the widget's expiresAt
    received_at BIGINT NOT NULL, -- the server's clock when it arrived
    revision    BIGINT NOT NULL,
    method      TEXT   NOT NULL, -- accept-all | reject-all | custom
    categories  TEXT   NOT NULL, -- {"necessary":true,...} in the order sent
    services    TEXT,            -- {"analytics.matomo":false,...} or NULL
    url         TEXT   NOT NULL, -- page origin (or origin and path)
    language    TEXT,            -- BCP 47 tag or NULL
    -- A visitor's change of mind is a new decidedAt; the same decision sent
    -- twice is stored once.
    PRIMARY KEY (consent_id, decided_at)
);

-- Exports and the retention purge select by arrival time.
CREATE INDEX receipts_by_received_at ON receipts (received_at);
