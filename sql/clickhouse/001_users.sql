-- pushflow ClickHouse DDL: the `users` table (one row per user, newest `version` wins).
--
-- How files in sql/clickhouse/ are applied (by bin/pushflow `services up`):
--   * every file, in name order, on every start: each statement must be idempotent (IF NOT EXISTS);
--   * one statement per request: a statement ends with `;` at the END OF A LINE;
--   * the placeholder ${CLICKHOUSE_DATABASE} is replaced by the database name (env
--     CLICKHOUSE_DATABASE, default `pushflow`); statements also run with ?database=<that name>;
--   * must run on ClickHouse 18.16 (Debian's, the test server) and on a current ClickHouse:
--     no LowCardinality (18.16 rejects it without allow_experimental_low_cardinality_type),
--     no CODEC(...) (18.16: syntax error), no TTL, no DateTime64.
--
-- Column types are chosen for fast cohort counts (docs/measurements.md#measurements: what the numbers say): Enum8 platform,
-- FixedString(2) country, a sports bitmask and a numeric app version beside the readable values.
-- The writer (Java) fills both forms of a value; the filter compiler reads the fast one.
CREATE TABLE IF NOT EXISTS ${CLICKHOUSE_DATABASE}.users
(
    user_id         UInt64,
    app             String,                          -- e.g. 'windy-ios'
    platform        Enum8('ios' = 1, 'android' = 2),
    push_token      String,                          -- the OneSignal subscription id (device_token: below)
    token_valid     UInt8,                           -- 0/1
    subscribed      UInt8,                           -- 0/1
    is_pro          UInt8,                           -- 0/1
    country         FixedString(2),                  -- ISO 3166-1 alpha-2, upper case ('PT'); unknown = '' (two zero bytes)
    locale          String,                          -- BCP 47 language ('pt', 'en')
    timezone        String,                          -- IANA name ('Europe/Lisbon')
    app_version     String,                          -- as reported ('57.3.1')
    app_version_num UInt32,                          -- comparable form: major*1000000 + minor*1000 + patch, missing parts = 0,
                                                     -- minor/patch clamped to 0..999, major to 0..4294 ('57.3.1' -> 57003001)
    sports          Array(String),                   -- ['kitesurfing', 'sailing']
    sports_mask     UInt64,                          -- bit i set <=> sports holds the sport with bit i; the bit order is defined
                                                     -- in Java by io.pushflow.core.user.Sport (append only, never reorder)
    last_active_at  DateTime('UTC'),
    installed_at    DateTime('UTC'),
    version         UInt64                           -- ReplacingMergeTree version: the highest wins
)
ENGINE = ReplacingMergeTree(version)
ORDER BY user_id;
-- Direct sending (FCM, APNs) needs the device token beside the OneSignal subscription id in push_token. Added later: an
-- ADD COLUMN is applied only while the column is missing (18.16 has no IF NOT EXISTS for it); rows from before read as
-- '' and 'none' (reachable through OneSignal only) until an import or a user.changes message brings the token.
ALTER TABLE ${CLICKHOUSE_DATABASE}.users ADD COLUMN device_token String DEFAULT '' AFTER push_token;
ALTER TABLE ${CLICKHOUSE_DATABASE}.users ADD COLUMN device_token_kind Enum8('none' = 0, 'fcm' = 1, 'apns' = 2) DEFAULT 'none' AFTER device_token;
