package io.pushflow.flink.delivery;

/** A user's pushes waiting at the gate for their campaign's rules to arrive or for the campaign to resume. */
public class Pending {

    public UserPush[] pushes = new UserPush[0];

    public Pending() {
    }
}
