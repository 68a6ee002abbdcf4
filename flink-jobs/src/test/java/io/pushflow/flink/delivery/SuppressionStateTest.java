package io.pushflow.flink.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushflow.core.delivery.Reason;
import io.pushflow.core.user.UserChange;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SuppressionStateTest {

    static UserDelta change(long userId, Map<String, Object> set) {
        return UserDelta.of(new UserChange(1, userId, 5, set));
    }

    @Test
    void unsubscribes_and_dead_tokens_are_suppressed_until_a_change_says_otherwise() {
        SuppressionState s = new SuppressionState(null, null);
        s.apply(change(1, Map.of("subscribed", false)));
        s.apply(change(2, Map.of("token_valid", false)));
        s.apply(change(3, Map.of("token_valid", false)));
        assertThat(s.unsubscribed(1)).isTrue();
        assertThat(s.tokenInvalid(1)).isFalse();
        assertThat(s.tokenInvalid(2)).isTrue();

        s.apply(change(1, Map.of("subscribed", true)));
        s.apply(change(2, Map.of("push_token", "sub-2-new"))); // a new token works until the provider says otherwise
        s.apply(change(3, Map.of("locale", "de"))); // says nothing of the token
        assertThat(s.unsubscribed(1)).isFalse();
        assertThat(s.tokenInvalid(2)).isFalse();
        assertThat(s.tokenInvalid(3)).isTrue();
    }

    @Test
    void the_stored_bitmaps_restore_the_same_state() {
        SuppressionState s = new SuppressionState(null, null);
        s.apply(change(1, Map.of("subscribed", false)));
        s.apply(change(2, Map.of("token_valid", false)));
        Map<String, byte[]> stored = s.stored();
        assertThat(stored).containsOnlyKeys(Reason.UNSUBSCRIBED, Reason.INVALID_TOKEN);
        SuppressionState restored =
                new SuppressionState(stored.get(Reason.UNSUBSCRIBED), stored.get(Reason.INVALID_TOKEN));
        assertThat(restored.unsubscribed(1)).isTrue();
        assertThat(restored.unsubscribed(2)).isFalse();
        assertThat(restored.tokenInvalid(2)).isTrue();
    }
}
