-- pushflow ClickHouse DDL: the ledger of direct sends (APNs, FCM). Neither service takes an idempotency key, so the
-- delivery job writes a request here before its first push leaves (phase 1, handed) and again with every device's
-- answer (phase 2, answered); a request replayed after a restart is looked up first and never sent a second time.
-- Applied like 001_users.sql (see there).
CREATE TABLE IF NOT EXISTS ${CLICKHOUSE_DATABASE}.direct_requests
(
    campaign_id UInt64,
    request_id  String,                              -- the delivery job's request id (batch, variant, language, service)
    service     String,                              -- apns | fcm
    phase       UInt8,                               -- 1: handed to the service's client; 2: every device answered
    devices     UInt32,
    statuses    String,                              -- phase 2: one letter per device in the request's order: S sent,
                                                     -- I token invalid, F failed, R retries exhausted, U unconfirmed
    reasons     String,                              -- phase 2: JSON object, device index -> the service's reason
    at          DateTime('UTC')
)
ENGINE = ReplacingMergeTree(phase)
ORDER BY (campaign_id, request_id);
