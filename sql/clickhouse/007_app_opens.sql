-- pushflow ClickHouse DDL: the app's reports that an install opened the app (app_open events on push.events), with
-- or without a push behind it. One row per event id: a replayed event writes the same row. Holdout lift compares
-- the share of pushed and of held-out installs that opened the app after their wave.
-- Applied like 001_users.sql (see there).
CREATE TABLE IF NOT EXISTS ${CLICKHOUSE_DATABASE}.app_opens
(
    event_id        String,
    subscription_id String,                          -- the install, as the provider knows it (users.push_token)
    campaign_id     UInt64,                          -- the push that opened the app, else 0
    variant         String,                          -- its variant, else ''
    at              DateTime('UTC'),                 -- when the app was opened
    received_at     DateTime('UTC')                  -- when the status job read it
)
ENGINE = ReplacingMergeTree
ORDER BY (subscription_id, event_id);
