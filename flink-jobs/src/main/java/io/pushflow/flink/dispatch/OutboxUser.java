package io.pushflow.flink.dispatch;

import io.pushflow.core.user.User;

/** One user in an outbox batch: what sending and the cohort re-check need, read with the audience page. */
public class OutboxUser {

    public long userId;
    public String pushToken;
    public String platform;
    public String locale;
    public String timezone;
    public String country;
    public String app;
    public String appVersion;
    public long sportsMask;
    public boolean pro;
    public long lastActiveAtMillis;
    public long installedAtMillis;
    public long version;

    public OutboxUser() {
    }

    public static OutboxUser of(User u) {
        OutboxUser out = new OutboxUser();
        out.userId = u.userId();
        out.pushToken = u.pushToken();
        out.platform = u.platform();
        out.locale = u.locale();
        out.timezone = u.timezone();
        out.country = u.country();
        out.app = u.app();
        out.appVersion = u.appVersion();
        out.sportsMask = u.sportsMask();
        out.pro = u.isPro();
        out.lastActiveAtMillis = u.lastActiveAt().toEpochMilli();
        out.installedAtMillis = u.installedAt().toEpochMilli();
        out.version = u.version();
        return out;
    }
}
