package io.pushflow.core.campaign;

/**
 * Where a campaign's rewards come from, so the same click is never counted twice when both sources report it.
 * <ul>
 *   <li>{@code PROVIDER}: the provider's own count of each notification's clicks (OneSignal's {@code converted}),
 *       polled; works with no app instrumentation, counts clicks only.</li>
 *   <li>{@code APP}: the app's engagement events on {@code push.events} (first open and first click per install).</li>
 *   <li>{@code AUTO} (default): per variant, the larger of the two running counts. Both count the same clicks and
 *       each may lag or miss some (polling pace, app versions that do not report), so the larger is the better
 *       estimate and never the sum. Opens exist only as app events, so OPENS with AUTO uses the app's.</li>
 * </ul>
 */
public enum RewardSource {
    PROVIDER,
    APP,
    AUTO;

    /** The running reward of a variant under this source for {@code metric}. */
    public long reward(Metric metric, long appOpens, long appClicks, long providerClicks) {
        if (metric == Metric.OPENS) {
            return appOpens;
        }
        return switch (this) {
            case PROVIDER -> providerClicks;
            case APP -> appClicks;
            case AUTO -> Math.max(appClicks, providerClicks);
        };
    }

    /** Whether the provider can count {@code metric} (it reports clicks only). */
    public boolean supports(Metric metric) {
        return this != PROVIDER || metric == Metric.CLICKS;
    }
}
