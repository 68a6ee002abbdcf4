-- Keys the app (or its event collector) posts engagement events with. Only a SHA-256 of each key is stored: the key
-- itself is shown once, when it is made. Revoking a key deletes its row (the audit log keeps who did it and when).
CREATE TABLE app_keys (
    id           BIGINT AUTO_INCREMENT PRIMARY KEY,
    name         VARCHAR(100) NOT NULL,
    key_prefix   VARCHAR(16)  NOT NULL,
    key_hash     CHAR(64)     NOT NULL,
    created_at   DATETIME(3)  NOT NULL,
    created_by   VARCHAR(100) NOT NULL,
    last_used_at DATETIME(3)  NULL,
    UNIQUE KEY uk_app_keys_name (name),
    UNIQUE KEY uk_app_keys_hash (key_hash)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
