package io.pushflow.flink;

import io.pushflow.core.Environment;
import io.pushflow.flink.status.EngagementCheck;
import io.pushflow.provider.apns.ApnsSettings;
import io.pushflow.provider.fcm.FcmSettings;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Every environment variable the three jobs read, with its default: the one list a deployment (docker-compose.yml,
 * {@code bin/pushflow cluster}) has to satisfy. The jobs' {@code Settings.fromEnvironment} read through it; the
 * ClickHouse settings are read by {@link io.pushflow.store.ClickHouse.Config#fromEnvironment}, under the same names
 * and defaults.
 */
public enum JobSetting {
    RABBITMQ_HOST("127.0.0.1", Scope.ADDRESS),
    RABBITMQ_PORT("5672", Scope.TUNING),
    RABBITMQ_USER("guest", Scope.CREDENTIAL),
    RABBITMQ_PASSWORD("guest", Scope.CREDENTIAL),
    RABBITMQ_VHOST("/", Scope.TUNING),
    /** 1,000 for dispatch, 5,000 for status. */
    RABBITMQ_PREFETCH(null, Scope.TUNING),
    PUSHFLOW_QUEUE_PREFIX("", Scope.TUNING),
    CLICKHOUSE_URL("http://127.0.0.1:8123", Scope.ADDRESS),
    CLICKHOUSE_USER("default", Scope.CREDENTIAL),
    CLICKHOUSE_PASSWORD("", Scope.CREDENTIAL),
    CLICKHOUSE_DATABASE("pushflow", Scope.TUNING),
    ONESIGNAL_API_URL("https://api.onesignal.com", Scope.ADDRESS),
    ONESIGNAL_APP_ID("", Scope.CREDENTIAL),
    ONESIGNAL_REST_API_KEY("", Scope.CREDENTIAL),
    ONESIGNAL_MAX_ATTEMPTS("8", Scope.TUNING),
    /** Direct sending to APNs (a DIRECT campaign's iOS users) is configured when the signing key file is set. */
    APNS_HOST("api.push.apple.com", Scope.ADDRESS),
    APNS_PORT("443", Scope.TUNING),
    APNS_TOPIC("", Scope.CREDENTIAL),
    APNS_TEAM_ID("", Scope.CREDENTIAL),
    APNS_KEY_ID("", Scope.CREDENTIAL),
    APNS_SIGNING_KEY_FILE("", Scope.CREDENTIAL),
    /** Only to trust a fake's certificate (the provider simulator's). */
    APNS_TRUST_CERT_FILE("", Scope.TUNING),
    APNS_CONNECTIONS(Integer.toString(ApnsSettings.DEFAULT_CONNECTIONS), Scope.TUNING),
    APNS_STREAMS(Integer.toString(ApnsSettings.DEFAULT_STREAMS_PER_CONNECTION), Scope.TUNING),
    /** Direct sending to FCM (a DIRECT campaign's Android users) is configured when the service account file is set. */
    FCM_ENDPOINT(FcmSettings.PRODUCTION_ENDPOINT.toString(), Scope.ADDRESS),
    FCM_PROJECT_ID("", Scope.CREDENTIAL),
    FCM_SERVICE_ACCOUNT_FILE("", Scope.CREDENTIAL),
    FCM_TRUST_CERT_FILE("", Scope.TUNING),
    FCM_CONNECTIONS(Integer.toString(FcmSettings.DEFAULT_CONNECTIONS), Scope.TUNING),
    FCM_STREAMS(Integer.toString(FcmSettings.DEFAULT_STREAMS_PER_CONNECTION), Scope.TUNING),
    /** APNS_* and FCM_* from a file of KEY=VALUE lines, read when a TaskManager first sends directly (the simulator writes one). */
    DIRECT_SETTINGS_FILE("", Scope.TUNING),
    CHECKPOINT_DIR("file:///tmp/pushflow/checkpoints", Scope.SHARED_DIRECTORY),
    CHECKPOINT_INTERVAL_MS("2000", Scope.TUNING),
    STATE_BACKEND("rocksdb", Scope.TUNING),
    DISPATCH_WAVE_INTERVAL_MS("10000", Scope.TUNING),
    DISPATCH_MAX_WAVE("100000", Scope.TUNING),
    DISPATCH_BATCH_SIZE("1000", Scope.TUNING),
    DELIVERY_SEND_THREADS("16", Scope.TUNING),
    DELIVERY_IN_FLIGHT("64", Scope.TUNING),
    DELIVERY_PREFETCH("1000", Scope.TUNING),
    STATUS_FIRST_LOOK_MS("2000", Scope.TUNING),
    STATUS_MAX_PAUSE_MS("30000", Scope.TUNING),
    STATUS_CLICK_WINDOW_MS("3600000", Scope.TUNING),
    STATUS_LOOKS_IN_FLIGHT("16", Scope.TUNING),
    STATUS_EVENT_GRACE_MS(Long.toString(EngagementCheck.GRACE.toMillis()), Scope.TUNING),
    FEEDBACK_INTERVAL_MS("2000", Scope.TUNING),
    FEEDBACK_CLICK_DELAY_MS("30000", Scope.TUNING),
    /** FEEDBACK_CLICK_DELAY_MS's value. */
    FEEDBACK_OPEN_DELAY_MS(null, Scope.TUNING),
    /** FEEDBACK_CLICK_DELAY_MS + STATUS_MAX_PAUSE_MS. */
    FEEDBACK_PROVIDER_DELAY_MS(null, Scope.TUNING);

    /** What a deployment must do about a setting. */
    public enum Scope {
        /** Defaults to an address on this machine (or the provider's public API): a deployment points it at its own service. */
        ADDRESS,
        /** The deployment's own account. */
        CREDENTIAL,
        /** Defaults to a local directory: every JobManager and TaskManager must reach the same one. */
        SHARED_DIRECTORY,
        /** Its default works anywhere. */
        TUNING
    }

    private final String fallback;
    private final Scope scope;

    JobSetting(String fallback, Scope scope) {
        this.fallback = fallback;
        this.scope = scope;
    }

    /** The default; null where it depends on the job or on other settings (see the constant). */
    public String fallback() {
        return fallback;
    }

    public Scope scope() {
        return scope;
    }

    /** What a deployment has to set (everything but tuning). */
    public static List<JobSetting> deploymentSpecific() {
        return Arrays.stream(values()).filter(s -> s.scope != Scope.TUNING).toList();
    }

    public String value() {
        if (fallback == null) {
            throw new IllegalStateException(name() + " has no single default: read it with value(fallback)");
        }
        return Environment.value(name(), fallback);
    }

    public String value(String otherFallback) {
        return Environment.value(name(), otherFallback);
    }

    public int intValue() {
        return Integer.parseInt(value());
    }

    public Duration millis() {
        return Duration.ofMillis(Long.parseLong(value()));
    }

    public Duration millis(Duration otherFallback) {
        return Duration.ofMillis(Long.parseLong(value(Long.toString(otherFallback.toMillis()))));
    }
}
