-- pushflow ClickHouse DDL: each variant's running totals of installs that opened and clicked (first time only,
-- counted exactly by the status job) and of deliveries, written every feedback interval. The newest version
-- wins; a replay writes the same or larger totals. The statistics read this instead of counting distinct
-- installs over push_events, which costs seconds at 10 million events (see docs/measurements.md).
-- Applied like 001_users.sql (see there).
CREATE TABLE IF NOT EXISTS ${CLICKHOUSE_DATABASE}.variant_totals
(
    campaign_id UInt64,
    variant     String,
    delivered   UInt64,
    opened      UInt64,
    clicked     UInt64,
    at          DateTime('UTC'),                 -- when these totals were written
    version     UInt64                           -- epoch milliseconds of the write
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (campaign_id, variant);
-- Clicks the provider counted (the growth of its notifications' `converted`), beside the app's. Added later: an
-- ADD COLUMN is applied only while the column is missing.
ALTER TABLE ${CLICKHOUSE_DATABASE}.variant_totals ADD COLUMN provider_clicked UInt64 DEFAULT 0 AFTER clicked;
