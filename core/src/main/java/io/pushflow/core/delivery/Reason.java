package io.pushflow.core.delivery;

import java.util.List;

/** Why a member of a campaign's audience was skipped: the reasons a {@code push_sends} row can carry. */
public final class Reason {

    public static final String UNSUBSCRIBED = "unsubscribed";
    public static final String INVALID_TOKEN = "invalid_token";
    public static final String LEFT_COHORT = "left_cohort";
    public static final String QUIET_HOURS = "quiet_hours";
    public static final String FREQUENCY_CAP = "frequency_cap";
    public static final String CAMPAIGN_STOPPED = "campaign_stopped";
    public static final String HOLDOUT = "holdout";
    public static final String DUPLICATE = "duplicate";
    /** A campaign sent directly (APNs, FCM) reached a user without a device token of either kind. */
    public static final String NO_DEVICE_TOKEN = "no_device_token";
    /** A campaign sent through OneSignal reached a user without a OneSignal subscription id (an install reached only directly). */
    public static final String NO_PUSH_TOKEN = "no_push_token";

    public static final List<String> ALL = List.of(
            UNSUBSCRIBED,
            INVALID_TOKEN,
            LEFT_COHORT,
            QUIET_HOURS,
            FREQUENCY_CAP,
            CAMPAIGN_STOPPED,
            HOLDOUT,
            DUPLICATE,
            NO_DEVICE_TOKEN,
            NO_PUSH_TOKEN);

    private Reason() {}
}
