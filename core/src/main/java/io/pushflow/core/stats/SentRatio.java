package io.pushflow.core.stats;

/**
 * Sample ratio mismatch on what was sent, for any split policy (bandits move their shares every wave): did the users
 * the planner gave each variant get sent alike? Wave by wave, the wave's users sent and not sent (skipped or failed)
 * are expected in every variant at the wave's own rate; the sums over the waves are tested against what happened
 * ({@link SampleRatioMismatch#homogeneity}: a variant whose pushes fail more often, or that a filter or a bug treats
 * differently, shows). A wave counts only once every user of it has an outcome: the planner releases a wave one
 * variant after the other, so a wave half through the gate would look skewed by construction.
 */
public final class SentRatio {

    private final long[] sent;
    private final long[] notSent;
    private final double[] expectedSent;
    private final double[] expectedNot;
    private long users;

    public SentRatio(int variants) {
        sent = new long[variants];
        notSent = new long[variants];
        expectedSent = new double[variants];
        expectedNot = new double[variants];
    }

    /**
     * One wave: the users the planner gave each variant, and per variant those with an outcome and those sent. False
     * (and nothing counted) while not every user of the wave has an outcome.
     */
    public boolean addWave(long[] assigned, long[] decided, long[] sentNow) {
        long wave = 0;
        long done = 0;
        long through = 0;
        for (int i = 0; i < sent.length; i++) {
            wave += assigned[i];
            done += decided[i];
            through += sentNow[i];
        }
        if (wave == 0 || done < wave) {
            return false;
        }
        double rate = (double) through / wave;
        for (int i = 0; i < sent.length; i++) {
            sent[i] += sentNow[i];
            notSent[i] += assigned[i] - sentNow[i];
            expectedSent[i] += assigned[i] * rate;
            expectedNot[i] += assigned[i] * (1 - rate);
        }
        users += wave;
        return true;
    }

    /** The test so far (its sample: the users of the complete waves), or null before a wave was complete. */
    public SampleRatioMismatch test(double alarm) {
        return users == 0 || sent.length < 2
                ? null
                : SampleRatioMismatch.homogeneity(sent, expectedSent, notSent, expectedNot, alarm, users);
    }
}
