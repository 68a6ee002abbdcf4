-- pushflow ClickHouse DDL: every write of variant_totals kept by its time (the status job writes both), so the
-- statistics can draw a variant's opens and clicks over time from the same running totals the bandit learns from,
-- whichever source counts them. A replay writes the same second again; the newest version wins.
-- Applied like 001_users.sql (see there).
CREATE TABLE IF NOT EXISTS ${CLICKHOUSE_DATABASE}.variant_totals_history
(
    campaign_id      UInt64,
    variant          String,
    delivered        UInt64,
    opened           UInt64,                     -- the app's first opens so far
    clicked          UInt64,                     -- the app's first clicks so far
    provider_clicked UInt64,                     -- the provider's clicks so far
    at               DateTime('UTC'),
    version          UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (campaign_id, variant, at);
