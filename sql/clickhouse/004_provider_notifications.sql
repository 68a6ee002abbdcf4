-- pushflow ClickHouse DDL: the notifications the provider created (the delivery job writes them; the status job
-- polls their delivery counts). Applied like 001_users.sql (see there).
CREATE TABLE IF NOT EXISTS ${CLICKHOUSE_DATABASE}.provider_notifications
(
    notification_id String,
    campaign_id     UInt64,
    variant         String,
    request_id      String,                          -- the request that created it (also its idempotency key's source)
    recipients      UInt32,                          -- subscription ids the provider accepted
    sent_at         DateTime('UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY (campaign_id, notification_id);
