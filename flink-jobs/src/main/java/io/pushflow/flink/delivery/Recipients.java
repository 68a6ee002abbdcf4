package io.pushflow.flink.delivery;

import io.pushflow.core.user.DeviceTokenKind;
import java.util.Arrays;
import java.util.List;

/**
 * Whom one variant's push goes to, from one batch: per user the id, the token the provider takes, the locale that picks
 * the text, and for a direct campaign the service the token belongs to ({@code services} is null for OneSignal).
 */
record Recipients(
        String batchId,
        long wave,
        String variant,
        long[] userIds,
        String[] tokens,
        String[] locales,
        DeviceTokenKind[] services) {

    static Recipients of(DeferredSends group) {
        DeviceTokenKind[] services = group.services == null
                ? null
                : Arrays.stream(group.services)
                        .map(code -> DeviceTokenKind.fromCode(code).orElseThrow())
                        .toArray(DeviceTokenKind[]::new);
        return new Recipients(
                group.batchId, group.wave, group.variant, group.userIds, group.pushTokens, group.locales, services);
    }

    int size() {
        return userIds.length;
    }

    /** The recipients at {@code rows}, in that order. */
    Recipients select(List<Integer> rows) {
        return new Recipients(
                batchId,
                wave,
                variant,
                rows.stream().mapToLong(i -> userIds[i]).toArray(),
                rows.stream().map(i -> tokens[i]).toArray(String[]::new),
                rows.stream().map(i -> locales[i]).toArray(String[]::new),
                services == null ? null : rows.stream().map(i -> services[i]).toArray(DeviceTokenKind[]::new));
    }

    /** These recipients waiting in the {@link QuietHoursQueue} until {@code notBeforeMillis}. */
    DeferredSends deferredUntil(long campaignId, long notBeforeMillis) {
        DeferredSends d = new DeferredSends();
        d.campaignId = campaignId;
        d.batchId = batchId;
        d.variant = variant;
        d.wave = wave;
        d.notBeforeMillis = notBeforeMillis;
        d.userIds = userIds;
        d.pushTokens = tokens;
        d.locales = locales;
        d.services = services == null
                ? null
                : Arrays.stream(services).map(DeviceTokenKind::code).toArray(String[]::new);
        return d;
    }
}
