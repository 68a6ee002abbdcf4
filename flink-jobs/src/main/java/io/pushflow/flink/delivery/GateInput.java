package io.pushflow.flink.delivery;

/** What reaches the gate for one user: a push to decide, or a change of the user's data. */
public class GateInput {

    public UserPush push;
    public UserDelta change;

    public GateInput() {
    }

    public static GateInput of(UserPush push) {
        GateInput in = new GateInput();
        in.push = push;
        return in;
    }

    public static GateInput of(UserDelta change) {
        GateInput in = new GateInput();
        in.change = change;
        return in;
    }

    public long userId() {
        return push != null ? push.user.userId : change.userId;
    }
}
