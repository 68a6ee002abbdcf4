-- pushflow ClickHouse DDL: rows the jobs' ClickHouse sinks could never write (ClickHouse refused them for what they
-- are, not for being away), set aside here with the server's reason instead of being retried for ever. One row per
-- table and content (id = a hash of the content): a replay sets the same row aside once.
-- Applied like 001_users.sql (see there).
CREATE TABLE IF NOT EXISTS ${CLICKHOUSE_DATABASE}.rejected_rows
(
    table_name String,                          -- where the rows were to go
    id         String,                          -- SHA-256 of the rows' bytes
    error      String,                          -- ClickHouse's reason
    format     String,                          -- JSONEachRow (rows as text) or RowBinary (rows base64)
    rows       String,                          -- the rows, their first 64 KiB
    bytes      UInt64,                          -- their whole size
    at         DateTime('UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY (table_name, id);
