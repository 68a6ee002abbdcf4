package io.pushflow.core.bandit;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;

/**
 * Splits the users of a wave between arms in exactly the wave's shares, deterministically: the counts follow
 * the largest-remainder rule and the order is a shuffle seeded by (campaign, wave), so a replay of the wave
 * assigns the same users the same arms.
 */
public final class WaveAssignment {

    private WaveAssignment() {}

    /** How many of {@code users} each arm gets: floor(users * share), the leftovers to the largest remainders. */
    public static int[] counts(int users, double[] shares) {
        int[] counts = new int[shares.length];
        double[] remainders = new double[shares.length];
        int given = 0;
        for (int i = 0; i < shares.length; i++) {
            double exact = users * shares[i];
            counts[i] = (int) Math.floor(exact);
            remainders[i] = exact - counts[i];
            given += counts[i];
        }
        for (; given < users; given++) {
            int best = Shares.argmax(remainders);
            counts[best]++;
            remainders[best] = -1;
        }
        return counts;
    }

    /** The arm of each of {@code users} users, in the wave's user order. */
    public static int[] assign(int users, double[] shares, long campaignId, long wave) {
        int[] counts = counts(users, shares);
        int[] arms = new int[users];
        int at = 0;
        for (int arm = 0; arm < counts.length; arm++) {
            for (int n = 0; n < counts[arm]; n++) {
                arms[at++] = arm;
            }
        }
        UniformRandomProvider rng = rng(campaignId, wave);
        for (int i = users - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int swap = arms[i];
            arms[i] = arms[j];
            arms[j] = swap;
        }
        return arms;
    }

    /** The generator for one wave's random decisions (assignment, Monte Carlo), the same on every replay. */
    public static UniformRandomProvider rng(long campaignId, long wave) {
        return RandomSource.XO_RO_SHI_RO_128_PP.create(new long[] {mix(campaignId), mix(wave ^ 0x5DEECE66DL)});
    }

    /** Whether a user is in a campaign's holdout (control) group: a stable hash, the same in every wave. */
    public static boolean heldOut(long campaignId, long userId, double holdoutShare) {
        if (holdoutShare <= 0) {
            return false;
        }
        long h = mix(mix(campaignId) ^ userId);
        return (h >>> 11) * 0x1.0p-53 < holdoutShare;
    }

    /** SplitMix64's finalizer: a well-spread 64-bit hash. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
