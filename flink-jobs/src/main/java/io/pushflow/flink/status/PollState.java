package io.pushflow.flink.status;

import io.pushflow.flink.contracts.ProviderNotification;

/** A notification being followed: its last known row and how many looks it took so far. */
public class PollState {

    public ProviderNotification last;
    public int looks;

    public PollState() {}
}
