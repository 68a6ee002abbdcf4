package io.pushflow.flink.provider;

import io.pushflow.flink.JobSetting;
import io.pushflow.provider.OneSignalClient;
import io.pushflow.provider.PushProvider;
import java.io.Serializable;
import java.net.URI;
import java.time.Duration;

/** Creates the push provider on the task manager (clients hold connections, which do not serialize). */
public interface ProviderFactory extends Serializable {

    PushProvider open();

    /** OneSignal's REST API; the key is kept out of {@code toString}, so it never reaches a log. */
    record OneSignal(String apiUrl, String appId, String restApiKey, Duration timeout, int maxAttempts)
            implements ProviderFactory {

        public static final String DEFAULT_API_URL = "https://api.onesignal.com";

        /** ONESIGNAL_API_URL, ONESIGNAL_APP_ID, ONESIGNAL_REST_API_KEY, ONESIGNAL_MAX_ATTEMPTS. */
        public static OneSignal fromEnvironment() {
            return new OneSignal(
                    JobSetting.ONESIGNAL_API_URL.value(),
                    JobSetting.ONESIGNAL_APP_ID.value(),
                    JobSetting.ONESIGNAL_REST_API_KEY.value(),
                    Duration.ofSeconds(10),
                    JobSetting.ONESIGNAL_MAX_ATTEMPTS.intValue());
        }

        @Override
        public PushProvider open() {
            return new OneSignalClient(
                    URI.create(apiUrl), appId, restApiKey, timeout, maxAttempts, d -> Thread.sleep(d.toMillis()));
        }

        @Override
        public String toString() {
            return "OneSignal[" + apiUrl + ", app " + appId + "]";
        }
    }
}
