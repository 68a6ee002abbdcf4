-- pushflow ClickHouse DDL: one outcome row per campaign and audience member (the delivery job writes it).
-- Applied like 001_users.sql (see there): idempotent, one statement per request, ${CLICKHOUSE_DATABASE} replaced.
-- A replay writes the same (campaign_id, user_id) again and the table keeps one row; `rank` makes a real outcome
-- win over a `duplicate` row of the same user (0), so a user released twice still counts once, as sent.
-- Count with FINAL or uniqExact(user_id) where merges may not have happened yet.
CREATE TABLE IF NOT EXISTS ${CLICKHOUSE_DATABASE}.push_sends
(
    campaign_id     UInt64,
    user_id         UInt64,
    variant         String,                          -- the variant key ('A', 'B', ...) or 'holdout'
    wave            UInt64,
    batch_id        String,                          -- the outbox batch the user came in
    outcome         Enum8('sent' = 1, 'failed' = 2, 'skipped' = 3),
    reason          String,                          -- for skipped: unsubscribed, invalid_token, left_cohort, quiet_hours,
                                                     -- frequency_cap, campaign_stopped, holdout, duplicate,
                                                     -- no_device_token (DIRECT), no_push_token (ONESIGNAL); else ''
    notification_id String,                          -- the provider's notification id for sent (apns:/fcm:<request> direct)
    error           String,                          -- the provider's error for failed
    at              DateTime('UTC'),
    rank            UInt8                            -- ReplacingMergeTree version: 1 for an outcome, 0 for a duplicate
)
ENGINE = ReplacingMergeTree(rank)
ORDER BY (campaign_id, user_id);
