package io.pushflow.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pushflow.flink.delivery.DeliveryGate;
import io.pushflow.flink.status.DeliveryPoller;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed savepoints (format 1, before the contracts package; {@code SavepointCompatibilityTest} restores them
 * migrated) through {@link SavepointMigration}: what it rewrites, what it leaves, and its refusals.
 */
class SavepointMigrationTest {

    private static final String OLD_BATCH = "io.pushflow.flink.dispatch.OutboxBatch";
    private static final String OLD_NOTIFICATION = "io.pushflow.flink.delivery.ProviderNotification";

    @TempDir
    Path dir;

    @Test
    void the_delivery_savepoint_gets_the_gates_waiting_batches_as_contracts_in_each_subtask() throws Exception {
        assertThat(allBytes(savepoint("delivery"))).contains(OLD_BATCH);

        List<SavepointMigration.Rewritten> done =
                SavepointMigration.migrate(savepoint("delivery"), dir.resolve("d"), SavepointMigration.ALL);

        assertThat(done)
                .containsExactlyInAnyOrder(
                        new SavepointMigration.Rewritten(DeliveryGate.UID, "waiting", 0),
                        new SavepointMigration.Rewritten(DeliveryGate.UID, "waiting", 1));
        String migrated = allBytes(dir.resolve("d"));
        assertThat(migrated).doesNotContain(OLD_BATCH).contains("io.pushflow.flink.contracts.OutboxBatch");
        assertThat(SavepointFiles.keyGroupTails(dir.resolve("d")))
                .as("every key group's bytes, found at its moved offset")
                .isNotEmpty()
                .containsExactlyEntriesOf(SavepointFiles.keyGroupTails(savepoint("delivery")));
    }

    @Test
    void keyed_state_in_files_goes_to_new_files_and_the_replaced_ones_are_not_copied() throws Exception {
        Path large = dir.resolve("large");
        SavepointMigration.migrate(savepoint("delivery"), large, List.of()); // a plain copy
        SavepointFiles.externalize(large);
        List<String> before = files(large);
        assertThat(before).hasSizeGreaterThan(1);

        List<SavepointMigration.Rewritten> done =
                SavepointMigration.migrate(large, dir.resolve("d"), SavepointMigration.ALL);

        assertThat(done).hasSize(2);
        List<String> after = files(dir.resolve("d"));
        assertThat(after).hasSameSizeAs(before).contains("_metadata");
        assertThat(after.stream().filter(before::contains))
                .as("files kept (the metadata, by name)")
                .hasSize(before.size() - 2);
        assertThat(allBytes(dir.resolve("d"))).doesNotContain(OLD_BATCH);
        assertThat(SavepointFiles.keyGroupTails(dir.resolve("d")))
                .isNotEmpty()
                .containsExactlyEntriesOf(SavepointFiles.keyGroupTails(large));
    }

    @Test
    void the_status_savepoint_gets_the_pollers_notifications_as_contracts_in_each_subtask() throws Exception {
        assertThat(allBytes(savepoint("status"))).contains(OLD_NOTIFICATION);

        List<SavepointMigration.Rewritten> done =
                SavepointMigration.migrate(savepoint("status"), dir.resolve("s"), SavepointMigration.ALL);

        assertThat(done)
                .containsExactlyInAnyOrder(
                        new SavepointMigration.Rewritten(DeliveryPoller.UID, "poll", 0),
                        new SavepointMigration.Rewritten(DeliveryPoller.UID, "poll", 1));
        assertThat(allBytes(dir.resolve("s")))
                .doesNotContain(OLD_NOTIFICATION)
                .contains("io.pushflow.flink.contracts.ProviderNotification");
        assertThat(SavepointFiles.keyGroupTails(dir.resolve("s")))
                .isNotEmpty()
                .containsExactlyEntriesOf(SavepointFiles.keyGroupTails(savepoint("status")));
    }

    @Test
    void a_savepoint_without_those_operators_is_copied_as_it_is() throws Exception {
        List<SavepointMigration.Rewritten> done =
                SavepointMigration.migrate(savepoint("dispatch"), dir.resolve("p"), SavepointMigration.ALL);

        assertThat(done).isEmpty();
        assertThat(Files.readAllBytes(dir.resolve("p").resolve("_metadata")))
                .isEqualTo(Files.readAllBytes(savepoint("dispatch").resolve("_metadata")));
    }

    @Test
    void a_migrated_savepoint_has_nothing_left_to_rewrite() throws Exception {
        SavepointMigration.migrate(savepoint("delivery"), dir.resolve("once"), SavepointMigration.ALL);

        assertThat(SavepointMigration.migrate(dir.resolve("once"), dir.resolve("twice"), SavepointMigration.ALL))
                .isEmpty();
    }

    @Test
    void it_refuses_what_is_not_a_savepoint_and_a_target_that_holds_files() throws Exception {
        assertThatThrownBy(() -> SavepointMigration.migrate(dir, dir.resolve("x"), SavepointMigration.ALL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a savepoint directory");
        Files.writeString(Files.createDirectories(dir.resolve("full")).resolve("f"), "x");
        assertThatThrownBy(() ->
                        SavepointMigration.migrate(savepoint("status"), dir.resolve("full"), SavepointMigration.ALL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an empty directory");
    }

    @Test
    void a_savepoint_that_cannot_be_read_leaves_no_half_migrated_copy() throws Exception {
        Path broken = Files.createDirectories(dir.resolve("broken"));
        byte[] metadata = Files.readAllBytes(savepoint("delivery").resolve("_metadata"));
        Files.write(broken.resolve("_metadata"), java.util.Arrays.copyOf(metadata, metadata.length / 2));

        assertThatThrownBy(() -> SavepointMigration.migrate(broken, dir.resolve("out"), SavepointMigration.ALL))
                .isInstanceOf(IOException.class);
        assertThat(dir.resolve("out")).doesNotExist();
    }

    private static Path savepoint(String job) throws URISyntaxException {
        return Path.of(SavepointMigrationTest.class
                        .getClassLoader()
                        .getResource("savepoints/" + job + "/_metadata")
                        .toURI())
                .getParent();
    }

    private static List<String> files(Path savepoint) throws IOException {
        try (Stream<Path> files = Files.list(savepoint)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    /** Every file of the savepoint as one Latin-1 string, to find the class names the serializer snapshots hold. */
    private static String allBytes(Path savepoint) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(savepoint)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                all.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        return all.toString();
    }
}
