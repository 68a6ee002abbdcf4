package io.pushflow.core.campaign;

/** The reward a split test optimizes, per delivered push. */
public enum Metric {
    CLICKS,
    OPENS
}
