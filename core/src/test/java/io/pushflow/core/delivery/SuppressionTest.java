package io.pushflow.core.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SuppressionTest {

    @Test
    void users_are_suppressed_and_allowed_again_and_survive_serialization() {
        Suppression s = new Suppression();
        s.suppress(7);
        s.suppress(1L << 40);
        s.suppress(8);
        s.allow(8);
        assertThat(s.isSuppressed(7)).isTrue();
        assertThat(s.isSuppressed(1L << 40)).isTrue();
        assertThat(s.isSuppressed(8)).isFalse();
        assertThat(s.size()).isEqualTo(2);
        Suppression copy = Suppression.fromBytes(s.toBytes());
        assertThat(copy.isSuppressed(7)).isTrue();
        assertThat(copy.isSuppressed(1L << 40)).isTrue();
        assertThat(copy.size()).isEqualTo(2);
    }

    @Test
    void a_fifth_of_18_million_users_fits_in_a_few_megabytes() {
        Suppression s = new Suppression();
        SplittableRandom random = new SplittableRandom(1);
        long suppressed = 0;
        for (long user = 1; user <= 18_000_000; user++) {
            if (random.nextInt(5) == 0) {
                s.suppress(user);
                suppressed++;
            }
        }
        s.compact();
        assertThat(s.size()).isEqualTo(suppressed);
        // a random fifth of dense ids: about one bit per id, 2.25 MB; a HashSet<Long> would take ~200 MB
        assertThat(s.serializedBytes()).isLessThan(3_000_000);
    }
}
