-- The configuration schema of the admin service (MySQL 8 / MariaDB 10.11). Times are UTC.

CREATE TABLE cohorts (
    id          BIGINT AUTO_INCREMENT PRIMARY KEY,
    name        VARCHAR(200)  NOT NULL,
    description VARCHAR(2000) NULL,
    filter_json MEDIUMTEXT    NOT NULL,
    version     BIGINT        NOT NULL,
    created_at  DATETIME(3)   NOT NULL,
    created_by  VARCHAR(100)  NOT NULL,
    updated_at  DATETIME(3)   NOT NULL,
    updated_by  VARCHAR(100)  NOT NULL,
    UNIQUE KEY uk_cohorts_name (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE pushes (
    id             BIGINT AUTO_INCREMENT PRIMARY KEY,
    name           VARCHAR(200)  NOT NULL,
    default_locale VARCHAR(16)   NOT NULL,
    texts_json     MEDIUMTEXT    NOT NULL,
    deep_link      VARCHAR(2000) NULL,
    image_url      VARCHAR(2000) NULL,
    data_json      TEXT          NULL,
    version        BIGINT        NOT NULL,
    created_at     DATETIME(3)   NOT NULL,
    created_by     VARCHAR(100)  NOT NULL,
    updated_at     DATETIME(3)   NOT NULL,
    updated_by     VARCHAR(100)  NOT NULL,
    UNIQUE KEY uk_pushes_name (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE campaigns (
    id                           BIGINT AUTO_INCREMENT PRIMARY KEY,
    name                         VARCHAR(200) NOT NULL,
    app                          VARCHAR(100) NOT NULL,
    cohort_id                    BIGINT       NOT NULL,
    status                       VARCHAR(16)  NOT NULL,
    split_type                   VARCHAR(16)  NOT NULL,
    metric                       VARCHAR(16)  NOT NULL,
    test_share                   DOUBLE       NULL,
    test_duration_seconds        BIGINT       NULL,
    min_share                    DOUBLE       NULL,
    burn_in                      INT          NULL,
    holdout_share                DOUBLE       NOT NULL,
    start_at                     DATETIME(3)  NULL,
    duration_seconds             BIGINT       NOT NULL,
    send_rate_limit              INT          NULL,
    quiet_start                  CHAR(5)      NULL,
    quiet_end                    CHAR(5)      NULL,
    frequency_cap_count          INT          NULL,
    frequency_cap_period_seconds BIGINT       NULL,
    provider                     VARCHAR(32)  NOT NULL,
    launched_at                  DATETIME(3)  NULL,
    ended_at                     DATETIME(3)  NULL,
    version                      BIGINT       NOT NULL,
    created_at                   DATETIME(3)  NOT NULL,
    created_by                   VARCHAR(100) NOT NULL,
    updated_at                   DATETIME(3)  NOT NULL,
    updated_by                   VARCHAR(100) NOT NULL,
    KEY idx_campaigns_status (status, id),
    CONSTRAINT fk_campaigns_cohort FOREIGN KEY (cohort_id) REFERENCES cohorts (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE campaign_variants (
    id          BIGINT AUTO_INCREMENT PRIMARY KEY,
    campaign_id BIGINT     NOT NULL,
    variant_key VARCHAR(8) NOT NULL,
    push_id     BIGINT     NOT NULL,
    weight      DOUBLE     NOT NULL,
    UNIQUE KEY uk_variant (campaign_id, variant_key),
    CONSTRAINT fk_variants_campaign FOREIGN KEY (campaign_id) REFERENCES campaigns (id) ON DELETE CASCADE,
    CONSTRAINT fk_variants_push FOREIGN KEY (push_id) REFERENCES pushes (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Transactional outbox: a command is written with the state change it reports and relayed to RabbitMQ after.
CREATE TABLE command_outbox (
    id           BIGINT AUTO_INCREMENT PRIMARY KEY,
    command_id   CHAR(36)      NOT NULL,
    campaign_id  BIGINT        NOT NULL,
    command_type VARCHAR(16)   NOT NULL,
    payload      MEDIUMTEXT    NOT NULL,
    created_at   DATETIME(3)   NOT NULL,
    published_at DATETIME(3)   NULL,
    attempts     INT           NOT NULL,
    last_error   VARCHAR(1000) NULL,
    UNIQUE KEY uk_outbox_command (command_id),
    KEY idx_outbox_pending (published_at, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE audit_log (
    id          BIGINT AUTO_INCREMENT PRIMARY KEY,
    entity_type VARCHAR(16)  NOT NULL,
    entity_id   BIGINT       NOT NULL,
    action      VARCHAR(32)  NOT NULL,
    actor       VARCHAR(100) NOT NULL,
    at          DATETIME(3)  NOT NULL,
    details     MEDIUMTEXT   NULL,
    KEY idx_audit_entity (entity_type, entity_id, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
