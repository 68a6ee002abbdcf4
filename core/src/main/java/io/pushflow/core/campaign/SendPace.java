package io.pushflow.core.campaign;

/**
 * How a campaign's audience goes out inside its send window: EVEN spreads it over the whole window (room for
 * the split test to learn); ASAP releases it as fast as the send rate limit allows, the window being only the
 * deadline (a storm warning that cannot wait).
 */
public enum SendPace {
    EVEN,
    ASAP
}
