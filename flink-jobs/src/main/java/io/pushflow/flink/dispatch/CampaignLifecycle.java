package io.pushflow.flink.dispatch;

import io.pushflow.core.campaign.CampaignReport;
import io.pushflow.core.campaign.CampaignStatus;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a lifecycle command does to a campaign's plan, and what the campaign's timer means when it fires: LAUNCH plans
 * it, PAUSE holds the waves, RESUME continues from the cursor, STOP ends it, UPDATE takes new limits. A command older
 * than the plan's campaign version and a redelivered LAUNCH change nothing.
 */
final class CampaignLifecycle {

    /** A campaign is forgotten this long after it is over; a LAUNCH of a campaign whose window ended longer ago is ignored. */
    static final long FORGET_AFTER_OVER_MILLIS = Duration.ofDays(1).toMillis();

    private static final Logger LOG = LoggerFactory.getLogger(CampaignLifecycle.class);

    /**
     * What a command decided: the plan to keep (null: the command changes nothing), when the campaign's timer fires next
     * ({@link #KEEP_TIMER}: as it was), whether reads under way are dropped, and the report it sends (null: none).
     */
    record Step(PlanState plan, long wakeAtMillis, boolean dropsReads, CampaignReport.Type report) {

        static final long KEEP_TIMER = -1;
        static final Step NOTHING = new Step(null, KEEP_TIMER, false, null);

        static Step keep(PlanState plan) {
            return new Step(plan, KEEP_TIMER, false, null);
        }

        static Step wake(PlanState plan, long at) {
            return new Step(plan, at, false, null);
        }
    }

    /** What the campaign's timer means when it fires. */
    enum Due {
        /** Over for a day: nothing more will come for it. */
        FORGET,
        /** Still paused a day after its window: done, its audience unreleased. */
        COMPLETE,
        WAVE
    }

    private CampaignLifecycle() {}

    /** {@code plan} is the campaign's plan so far (null: none), {@code now} the processing time. */
    static Step on(CampaignControl command, PlanState plan, long now) {
        if (plan != null && command.campaignVersion < plan.campaign.campaignVersion) {
            return Step.NOTHING; // an older command arriving late changes nothing
        }
        return switch (command.command()) {
            case LAUNCH -> launch(command, plan, now);
            case PAUSE -> {
                if (plan == null || isOver(plan)) {
                    yield Step.NOTHING;
                }
                plan.status(CampaignStatus.PAUSED);
                plan.campaign = command;
                // paused past its window for a day: done, and then forgotten (a RESUME before that moves the timer)
                yield new Step(
                        plan,
                        Math.max(now, command.startAtMillis + command.durationMillis) + FORGET_AFTER_OVER_MILLIS,
                        true,
                        null);
            }
            case RESUME -> {
                if (plan == null || plan.status() != CampaignStatus.PAUSED && isOver(plan)) {
                    yield Step.NOTHING;
                }
                plan.campaign =
                        command; // the newest version: a PAUSE it overtook on the way is older, and changes nothing
                if (plan.status() != CampaignStatus.PAUSED) {
                    yield Step.keep(plan);
                }
                plan.status(live(command, now));
                yield Step.wake(plan, Math.max(now, command.startAtMillis));
            }
            case STOP -> {
                if (plan == null || isOver(plan)) {
                    yield Step.NOTHING;
                }
                plan.campaign = command;
                plan.status(CampaignStatus.STOPPED);
                yield new Step(plan, now + FORGET_AFTER_OVER_MILLIS, true, CampaignReport.Type.STOPPED);
            }
            case UPDATE -> {
                if (plan == null || isOver(plan)) {
                    yield Step.NOTHING;
                }
                plan.campaign = command;
                yield Step.keep(plan);
            }
        };
    }

    private static Step launch(CampaignControl command, PlanState plan, long now) {
        if (plan != null) {
            return Step.NOTHING; // launched already: a redelivered LAUNCH must not restart the audience
        }
        if (command.startAtMillis + command.durationMillis + FORGET_AFTER_OVER_MILLIS < now) {
            LOG.warn(
                    "campaign {}: a LAUNCH for a window that ended long ago is ignored (command {})",
                    command.campaignId,
                    command.commandId);
            return Step.NOTHING; // a republished old command: the campaign ran, and its state may be gone by now
        }
        PlanState fresh = new PlanState();
        fresh.campaign = command;
        fresh.asOfMillis = now;
        fresh.audienceEstimate = -1; // counted at the first wave, off the task thread
        fresh.trials = new double[command.variantKeys.length];
        fresh.successes = new long[command.variantKeys.length];
        fresh.status(live(command, now));
        return Step.wake(fresh, Math.max(now, command.startAtMillis));
    }

    /** The campaign's timer fired and it is due: a SCHEDULED campaign starts running here. */
    static Due due(PlanState plan) {
        if (isOver(plan)) {
            return Due.FORGET;
        }
        if (plan.status() == CampaignStatus.PAUSED) {
            return Due.COMPLETE;
        }
        plan.status(CampaignStatus.RUNNING);
        return Due.WAVE;
    }

    /** The campaign ends as {@code how} (its audience is out, or cannot be read); returns when it is forgotten. */
    static long end(PlanState plan, CampaignReport.Type how, String reason, long now) {
        plan.waveDueMillis = 0;
        plan.status(CampaignStatus.valueOf(how.name()));
        plan.failure = reason;
        return now + FORGET_AFTER_OVER_MILLIS;
    }

    static boolean isOver(PlanState plan) {
        return plan.status().isFinal();
    }

    private static CampaignStatus live(CampaignControl command, long now) {
        return command.startAtMillis > now ? CampaignStatus.SCHEDULED : CampaignStatus.RUNNING;
    }
}
