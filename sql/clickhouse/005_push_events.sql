-- pushflow ClickHouse DDL: what the app reported of each push (the status job writes it), one row per event
-- id: a replayed event writes the same row. Count users with uniqExact(subscription_id), not rows.
-- Applied like 001_users.sql (see there).
CREATE TABLE IF NOT EXISTS ${CLICKHOUSE_DATABASE}.push_events
(
    event_id        String,
    campaign_id     UInt64,
    variant         String,
    subscription_id String,                          -- the install, as the provider knows it (users.push_token)
    type            Enum8('opened' = 1, 'clicked' = 2),
    at              DateTime('UTC'),                 -- when the user did it
    received_at     DateTime('UTC')                  -- when the status job read it (freshness)
)
ENGINE = ReplacingMergeTree
ORDER BY (campaign_id, event_id);
