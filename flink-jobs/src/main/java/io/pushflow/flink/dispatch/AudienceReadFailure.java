package io.pushflow.flink.dispatch;

import io.pushflow.store.ClickHouseException;

/**
 * What a failed read of a campaign's audience means. A statement ClickHouse turned down (the cohort compiled to SQL it
 * refuses) fails the campaign, with the reason, never the job; a server that is away, slow or busy only slows the
 * campaign: the wave is tried again after a pause that doubles up to {@value #MAX_RETRY_MILLIS} ms.
 *
 * @param campaignFailure why the campaign fails; null when the read is tried again
 * @param retryAfterMillis how long the wave waits before it reads again
 */
record AudienceReadFailure(String campaignFailure, long retryAfterMillis) {

    /** The longest pause between tries while ClickHouse does not answer the audience reads. */
    static final long MAX_RETRY_MILLIS = 60_000;

    private static final int MAX_REASON_LENGTH = 300;

    /** {@code inARow}: the reads that failed in a row, this one included. */
    static AudienceReadFailure of(RuntimeException e, int inARow) {
        if (e instanceof ClickHouseException clickHouse && !clickHouse.refused()) {
            return new AudienceReadFailure(null, Math.min(MAX_RETRY_MILLIS, 500L << Math.min(inARow, 10)));
        }
        String why = e instanceof ClickHouseException clickHouse
                ? "ClickHouse refused the cohort's query (code " + clickHouse.serverCode() + "): "
                        + clickHouse.serverMessage()
                : e.toString();
        return new AudienceReadFailure("its audience cannot be read: " + abbreviate(why), 0);
    }

    boolean failsCampaign() {
        return campaignFailure != null;
    }

    private static String abbreviate(String text) {
        return text.length() <= MAX_REASON_LENGTH ? text : text.substring(0, MAX_REASON_LENGTH) + "...";
    }
}
