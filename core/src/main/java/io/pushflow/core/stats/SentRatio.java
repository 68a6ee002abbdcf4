package io.pushflow.core.stats;

/**
 * Sample ratio mismatch on what was sent, for any split policy (bandits move their shares every wave): wave by wave,
 * the users actually sent are split in the proportions the planner gave the wave's variants, and the sums are the
 * counts expected per variant, tested against the users sent per variant. A wave counts only once every user of it
 * has an outcome: the planner releases a wave one variant after the other, so a wave half through the gate would
 * look skewed by construction. (Summing waves of different shares makes the test slightly conservative, never
 * eager: each wave's counts vary less than one multinomial of the average shares would.)
 */
public final class SentRatio {

    private final long[] observed;
    private final double[] expected;

    public SentRatio(int variants) {
        observed = new long[variants];
        expected = new double[variants];
    }

    /**
     * One wave: the users the planner gave each variant, and per variant those with an outcome and those sent. False
     * (and nothing counted) while not every user of the wave has an outcome.
     */
    public boolean addWave(long[] assigned, long[] decided, long[] sent) {
        long users = 0;
        long done = 0;
        long sentTotal = 0;
        for (int i = 0; i < observed.length; i++) {
            users += assigned[i];
            done += decided[i];
            sentTotal += sent[i];
        }
        if (users == 0 || done < users) {
            return false;
        }
        for (int i = 0; i < observed.length; i++) {
            observed[i] += sent[i];
            expected[i] += (double) sentTotal * assigned[i] / users;
        }
        return true;
    }

    /** The test so far, or null before anybody of a complete wave was sent. */
    public SampleRatioMismatch test(double alarm) {
        long total = 0;
        for (long o : observed) {
            total += o;
        }
        return total == 0 || observed.length < 2 ? null : SampleRatioMismatch.test(observed, expected, alarm);
    }
}
