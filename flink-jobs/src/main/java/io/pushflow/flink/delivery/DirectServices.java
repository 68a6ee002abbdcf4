package io.pushflow.flink.delivery;

import io.pushflow.core.user.DeviceTokenKind;
import io.pushflow.flink.JobSetting;
import io.pushflow.provider.apns.ApnsSender;
import io.pushflow.provider.apns.ApnsSettings;
import io.pushflow.provider.device.DeviceSender;
import io.pushflow.provider.fcm.FcmSender;
import io.pushflow.provider.fcm.FcmSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Where a direct campaign's pushes go: Apple's Push Notification service for APNs device tokens and Firebase Cloud
 * Messaging for FCM registration tokens, each opened on the task manager when the first push for it comes. The
 * secrets stay in files (the .p8 signing key, the service account JSON) that every task manager reads; this record
 * holds only their paths, so it can travel in the job graph and be logged. A service left unconfigured fails its
 * pushes with a message that names the settings.
 *
 * @param apns         the APNs settings, or null when APNs is not configured
 * @param fcm          the FCM settings, or null when FCM is not configured
 * @param settingsFile where the APNS_* and FCM_* settings are read from when a service is not configured otherwise
 *                     ({@code KEY=VALUE} lines, {@code export} allowed), on the task manager when it first sends to
 *                     the service: the provider simulator writes one; empty for none
 */
public record DirectServices(Apns apns, Fcm fcm, String settingsFile) implements Serializable {

    public static final DirectServices NONE = new DirectServices(null, null, "");

    public DirectServices {
        settingsFile = settingsFile == null ? "" : settingsFile;
    }

    /**
     * @param signingKeyFile   the team's .p8 key (PKCS#8 PEM)
     * @param trustedCertFile  a PEM certificate to trust instead of the JVM's CAs (a fake's), or empty
     */
    public record Apns(
            String host,
            int port,
            String topic,
            String teamId,
            String keyId,
            String signingKeyFile,
            String trustedCertFile,
            int connections,
            int streams)
            implements Serializable {
        ApnsSettings settings() {
            return ApnsSettings.of(host, port, topic, teamId, keyId, read(signingKeyFile), trusted(trustedCertFile))
                    .withConcurrency(connections, streams);
        }
    }

    /**
     * @param serviceAccountFile the service account's JSON key (its {@code token_uri} is where access tokens come from)
     * @param trustedCertFile    a PEM certificate to trust instead of the JVM's CAs (a fake's), or empty
     */
    public record Fcm(
            String endpoint,
            String projectId,
            String serviceAccountFile,
            String trustedCertFile,
            int connections,
            int streams)
            implements Serializable {
        FcmSettings settings() {
            return FcmSettings.of(URI.create(endpoint), projectId, read(serviceAccountFile), trusted(trustedCertFile))
                    .withConcurrency(connections, streams);
        }
    }

    /** APNS_* and FCM_*: a service is configured when its key file is set (APNS_SIGNING_KEY_FILE, FCM_SERVICE_ACCOUNT_FILE). */
    public static DirectServices fromEnvironment() {
        return from(Map.of());
    }

    /** As {@link #fromEnvironment}, with {@code given} (e.g. the provider simulator's) before the environment. */
    public static DirectServices from(Map<String, String> given) {
        Function<JobSetting, String> value = s -> given.containsKey(s.name()) ? given.get(s.name()) : s.value();
        Apns apns = value.apply(JobSetting.APNS_SIGNING_KEY_FILE).isBlank()
                ? null
                : new Apns(
                        value.apply(JobSetting.APNS_HOST),
                        Integer.parseInt(value.apply(JobSetting.APNS_PORT)),
                        value.apply(JobSetting.APNS_TOPIC),
                        value.apply(JobSetting.APNS_TEAM_ID),
                        value.apply(JobSetting.APNS_KEY_ID),
                        value.apply(JobSetting.APNS_SIGNING_KEY_FILE),
                        value.apply(JobSetting.APNS_TRUST_CERT_FILE),
                        Integer.parseInt(value.apply(JobSetting.APNS_CONNECTIONS)),
                        Integer.parseInt(value.apply(JobSetting.APNS_STREAMS)));
        Fcm fcm = value.apply(JobSetting.FCM_SERVICE_ACCOUNT_FILE).isBlank()
                ? null
                : new Fcm(
                        value.apply(JobSetting.FCM_ENDPOINT),
                        value.apply(JobSetting.FCM_PROJECT_ID),
                        value.apply(JobSetting.FCM_SERVICE_ACCOUNT_FILE),
                        value.apply(JobSetting.FCM_TRUST_CERT_FILE),
                        Integer.parseInt(value.apply(JobSetting.FCM_CONNECTIONS)),
                        Integer.parseInt(value.apply(JobSetting.FCM_STREAMS)));
        return new DirectServices(
                apns, fcm, given.containsKey("DIRECT_SETTINGS_FILE") ? "" : JobSetting.DIRECT_SETTINGS_FILE.value());
    }

    /** The settings of a file of {@code KEY=VALUE} lines (blank lines, {@code #} comments and {@code export} allowed). */
    static Map<String, String> readSettings(String file) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String line : read(file).split("\\R")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            l = l.startsWith("export ") ? l.substring("export ".length()).strip() : l;
            int eq = l.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(file + ": not a KEY=VALUE line: " + l);
            }
            settings.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
        }
        settings.put("DIRECT_SETTINGS_FILE", "");
        return settings;
    }

    /** A client for {@code service}; throws when it is not configured or its settings are wrong, with the reason. */
    public DeviceSender open(DeviceTokenKind service) throws IOException {
        if ((service == DeviceTokenKind.APNS ? apns : fcm) == null && !settingsFile.isBlank()) {
            return from(readSettings(settingsFile)).open(service);
        }
        switch (service) {
            case APNS -> {
                if (apns == null) {
                    throw new IllegalStateException(
                            "direct sending to APNs is not configured (set APNS_SIGNING_KEY_FILE, APNS_KEY_ID, "
                                    + "APNS_TEAM_ID, APNS_TOPIC)");
                }
                return new ApnsSender(apns.settings());
            }
            case FCM -> {
                if (fcm == null) {
                    throw new IllegalStateException(
                            "direct sending to FCM is not configured (set FCM_SERVICE_ACCOUNT_FILE, FCM_PROJECT_ID)");
                }
                return new FcmSender(fcm.settings());
            }
            default -> throw new IllegalArgumentException("no service sends to tokens of kind " + service);
        }
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static List<X509Certificate> trusted(String file) {
        if (file == null || file.isBlank()) {
            return List.of();
        }
        try {
            return List.of((X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(read(file).getBytes(StandardCharsets.US_ASCII))));
        } catch (CertificateException e) {
            throw new IllegalArgumentException(file + " is not a PEM certificate: " + e.getMessage(), e);
        }
    }
}
