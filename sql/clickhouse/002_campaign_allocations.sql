-- pushflow ClickHouse DDL: each variant's share of each wave of a campaign (the dispatch job writes it; the
-- statistics read it as a time series). A replayed wave writes the same key again; the table keeps one row.
-- Applied like 001_users.sql (see there): idempotent, one statement per request, ${CLICKHOUSE_DATABASE} replaced.
CREATE TABLE IF NOT EXISTS ${CLICKHOUSE_DATABASE}.campaign_allocations
(
    campaign_id UInt64,
    wave        UInt64,
    variant     String,
    share       Float64,                          -- the policy's share of this wave for the variant, 0..1
    users       UInt32,                           -- users of the wave given to the variant
    at          DateTime('UTC')                   -- when the wave went out
)
ENGINE = ReplacingMergeTree
ORDER BY (campaign_id, wave, variant);
