package io.pushflow.bench;

import java.util.Arrays;
import java.util.List;

/** Order statistics of a series of measurements (nearest rank: every reported value was measured). */
public record Spread(int n, double min, double p50, double p90, double p99, double max, double mean) {

    public static Spread of(List<Double> values) {
        double[] sorted =
                values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no measurements");
        }
        return new Spread(
                sorted.length,
                sorted[0],
                rank(sorted, .50),
                rank(sorted, .90),
                rank(sorted, .99),
                sorted[sorted.length - 1],
                Arrays.stream(sorted).average().orElseThrow());
    }

    private static double rank(double[] sorted, double p) {
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /** (max - min) / median, in percent. */
    public double spreadPercent() {
        return p50 == 0 ? 0 : 100 * (max - min) / p50;
    }
}
