package io.pushflow.core.bandit;

import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * Decides which variant gets a push: one push at a time ({@link #choose}, the offline simulator) or a wave at a
 * time ({@link #shares}, the dispatch job). Both read the evidence given to the last {@link #update}; the
 * randomness comes from the caller, so a seeded caller gets the same decisions again.
 */
public interface Policy {

    /** The evidence per arm, in arm order; replaces what the policy knew before. */
    void update(List<ArmEvidence> arms);

    /** The arm for the next push. */
    int choose(UniformRandomProvider rng);

    /** The share of the next wave per arm; the shares sum to 1. */
    double[] shares(UniformRandomProvider rng);
}
