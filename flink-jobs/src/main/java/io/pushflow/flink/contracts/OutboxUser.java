package io.pushflow.flink.contracts;

import io.pushflow.core.user.DeviceTokenKind;
import io.pushflow.core.user.Sport;
import io.pushflow.core.user.User;
import java.time.Instant;

/** One user in a version 1 outbox batch (which carried no device tokens): what sending and the cohort re-check need. */
public class OutboxUser {

    public long userId;
    public String pushToken;
    /** Default true: a batch from before these fields existed only carried users the cohort chose. */
    public boolean subscribed = true;

    public boolean tokenValid = true;
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

    public OutboxUser() {}

    public static OutboxUser of(User u) {
        OutboxUser out = new OutboxUser();
        out.userId = u.userId();
        out.pushToken = u.pushToken();
        out.subscribed = u.subscribed();
        out.tokenValid = u.tokenValid();
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

    /** The user as the batch read them (times in whole seconds, as the table keeps them). */
    public User toUser() {
        return new User(
                userId,
                app,
                platform,
                pushToken,
                "",
                DeviceTokenKind.NONE,
                tokenValid,
                subscribed,
                pro,
                country,
                locale,
                timezone,
                appVersion,
                Sport.codes(sportsMask),
                Instant.ofEpochMilli(lastActiveAtMillis),
                Instant.ofEpochMilli(installedAtMillis),
                version);
    }
}
