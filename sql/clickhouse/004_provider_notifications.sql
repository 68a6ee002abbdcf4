-- pushflow ClickHouse DDL: the notifications the provider created and their delivery as the provider reports
-- it. The delivery job writes a row when a notification is created (version 0); the status job writes it again
-- with the counts each time it polls (version = when it looked), so the newest look wins.
-- Applied like 001_users.sql (see there).
CREATE TABLE IF NOT EXISTS ${CLICKHOUSE_DATABASE}.provider_notifications
(
    notification_id String,
    campaign_id     UInt64,
    variant         String,
    request_id      String,                          -- the request that created it (also its idempotency key's source)
    recipients      UInt32,                          -- subscription ids the provider accepted
    sent_at         DateTime('UTC'),
    successful      UInt32,                          -- delivered to devices
    failed          UInt32,                          -- not delivered: the device unsubscribed
    errored         UInt32,
    converted       UInt32,                          -- clicked, as the provider counts it
    remaining       UInt32,                          -- not sent out yet
    checked_at      DateTime('UTC'),                 -- when the status job last looked (sent_at before it did)
    version         UInt64                           -- 0 from the delivery job, the look's epoch milliseconds after
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (campaign_id, notification_id);
-- Confirmed receipts on devices (OneSignal's `received`; 0 where the account does not report them). Added later: an
-- ADD COLUMN is applied only while the column is missing (18.16 has no IF NOT EXISTS for it).
ALTER TABLE ${CLICKHOUSE_DATABASE}.provider_notifications ADD COLUMN received UInt32 DEFAULT 0 AFTER converted;
