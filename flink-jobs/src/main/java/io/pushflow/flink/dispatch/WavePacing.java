package io.pushflow.flink.dispatch;

import io.pushflow.core.bandit.Pacing;
import io.pushflow.core.campaign.SplitType;
import java.time.Duration;
import java.time.Instant;

/**
 * When a campaign's waves go out and how many users each releases: what is left of the audience spread over the window
 * (an ASAP campaign: as fast as the limits allow), AB_WINNER's test share over its test first and the rest after it. A
 * wave waits while the subtask has {@value #HELD_WAVES} full waves released that the outbox sink still holds.
 */
final class WavePacing {

    /** How soon a wave held back by uncommitted batches looks again. */
    static final long BACKLOG_RETRY_MILLIS = 100;
    /** How many full waves a subtask may have released and not yet committed before it waits for a checkpoint. */
    static final long HELD_WAVES = 3;

    /** What the wave that is due does: read {@code size} users, or wait until {@code atMillis}, or end the campaign. */
    record Wave(Action action, int size, long atMillis) {}

    enum Action {
        READ,
        /** AB_WINNER's test audience is out: the rest waits for the winner, at the test's end. */
        AWAIT_WINNER,
        /** The sink holds too much not yet committed: try again soon. */
        HOLD,
        /** The audience is out, or the window closed. */
        DONE
    }

    private final long waveIntervalMillis;
    private final int maxWave;

    WavePacing(Duration waveInterval, int maxWave) {
        this.waveIntervalMillis = waveInterval.toMillis();
        this.maxWave = maxWave;
    }

    /** The wave due at {@code due}, decided at {@code now} while the sink holds {@code uncommitted} released users. */
    Wave wave(PlanState plan, long due, long now, long uncommitted) {
        CampaignControl c = plan.campaign;
        boolean testing = testing(c, due);
        long target = testing ? Math.round(c.testShare * plan.audienceEstimate) : plan.audienceEstimate;
        long remaining = Math.max(0, target - plan.released - plan.heldOut);
        if (testing && remaining == 0) {
            return new Wave(Action.AWAIT_WINNER, 0, testEnd(c));
        }
        Instant phaseEnd = Instant.ofEpochMilli(testing ? testEnd(c) : c.startAtMillis + c.durationMillis);
        // past the launch-time estimate (users joined since), drain what is left as fast as the limits allow
        int size = Pacing.waveSize(
                remaining > 0 || testing ? Math.max(remaining, 1) : maxWave,
                Instant.ofEpochMilli(due),
                phaseEnd,
                Duration.ofMillis(waveIntervalMillis),
                c.sendRateLimit,
                maxWave,
                c.asap && !testing);
        if (size == 0) {
            return new Wave(Action.DONE, 0, 0);
        }
        if (uncommitted >= HELD_WAVES * maxWave) {
            return new Wave(Action.HOLD, 0, now + Math.min(waveIntervalMillis, BACKLOG_RETRY_MILLIS));
        }
        return new Wave(Action.READ, size, 0);
    }

    /** Whether the wave due then reads its pages ahead: ASAP, outside an AB_WINNER test. */
    boolean readsAhead(CampaignControl c, long due) {
        return c.asap && !testing(c, due);
    }

    /** The largest wave the campaign's rate limit allows. */
    int largestWave(CampaignControl c) {
        return Pacing.cap(Duration.ofMillis(waveIntervalMillis), c.sendRateLimit, maxWave);
    }

    /** When the wave after the one due at {@code due} (its timer fired at {@code firedAt}) is due. */
    long nextWaveAt(CampaignControl c, long due, long firedAt) {
        // ASAP without a rate limit: the next wave right away, held back only by what the sink has not committed yet
        boolean unlimited = readsAhead(c, due) && c.sendRateLimit <= 0;
        return Math.max(due + (unlimited ? 1 : waveIntervalMillis), unlimited ? firedAt + 1 : 0);
    }

    private static boolean testing(CampaignControl c, long at) {
        return c.split() == SplitType.AB_WINNER && at < testEnd(c);
    }

    private static long testEnd(CampaignControl c) {
        return c.startAtMillis + c.testDurationMillis;
    }
}
