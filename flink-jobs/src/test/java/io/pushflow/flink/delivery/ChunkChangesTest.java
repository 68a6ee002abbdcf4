package io.pushflow.flink.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushflow.core.user.UserChange;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChunkChangesTest {

    static UserDelta change(long version, Map<String, Object> set) {
        return UserDelta.of(new UserChange(1, 4, version, set));
    }

    @Test
    void a_newer_change_is_merged_over_the_known_one_field_by_field_and_an_older_one_is_ignored() {
        UserDelta first = ChunkChanges.merged(null, change(5, Map.of("locale", "de")));
        assertThat(first.set()).containsExactly(Map.entry("locale", "de"));
        UserDelta second = ChunkChanges.merged(first, change(6, Map.of("push_token", "sub-4-new", "locale", "fr")));
        assertThat(second.version).isEqualTo(6);
        assertThat(second.set())
                .containsEntry("locale", "fr")
                .containsEntry("push_token", "sub-4-new")
                .hasSize(2);
        assertThat(ChunkChanges.merged(second, change(6, Map.of("locale", "it"))))
                .isNull();
        assertThat(ChunkChanges.merged(second, change(3, Map.of("locale", "it"))))
                .isNull();
    }

    @Test
    void the_record_of_who_has_a_change_is_written_only_when_someone_joins_it() {
        byte[] record = ChunkChanges.withUser(null, 4);
        assertThat(ChunkBitmaps.read(record).toArray()).containsExactly(4);
        assertThat(ChunkChanges.withUser(record, 4)).isNull();
        assertThat(ChunkChanges.withUser(record, 4 + (1L << 16)))
                .isNull(); // the record holds the low bits of the chunk's ids
        assertThat(ChunkBitmaps.read(ChunkChanges.withUser(record, 9)).toArray())
                .containsExactly(4, 9);
    }

    @Test
    void a_record_whose_every_change_expired_is_cleared() {
        ChunkChanges changes = new ChunkChanges(ChunkChanges.withUser(null, 1));
        var b = GateDecisionTest.batch("A", DeliveryGateTest.user(1, "UTC"));
        assertThat(changes.pruned()).isFalse();
        assertThat(changes.newest(b, 0)).isNull();
        assertThat(changes.pruned()).isTrue();
        assertThat(changes.record()).isNull();
    }
}
