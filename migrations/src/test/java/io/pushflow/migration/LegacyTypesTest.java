package io.pushflow.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The earlier shapes this module keeps under their old names have the fields of the classes that replaced them, name
 * for name and type for type: the migration rewrites only the class name a savepoint holds, so the stored bytes must
 * read the same with the current class.
 */
class LegacyTypesTest {

    @ParameterizedTest
    @CsvSource({
        "io.pushflow.flink.dispatch.OutboxBatch, io.pushflow.flink.contracts.OutboxBatch",
        "io.pushflow.flink.delivery.ProviderNotification, io.pushflow.flink.contracts.ProviderNotification"
    })
    void a_legacy_class_has_the_fields_of_its_successor(String legacy, String current) throws Exception {
        Class<?> was = Class.forName(legacy);
        Class<?> is = Class.forName(current);

        assertThat(was.getSuperclass()).isEqualTo(is.getSuperclass());
        assertThat(fields(was)).isEqualTo(fields(is)).isNotEmpty();
    }

    /** The instance fields Flink's POJO serializer writes, by name, with their types. */
    private static Map<String, Class<?>> fields(Class<?> type) {
        Map<String, Class<?>> out = new TreeMap<>();
        Arrays.stream(type.getDeclaredFields())
                .filter(f -> !Modifier.isStatic(f.getModifiers()) && !Modifier.isTransient(f.getModifiers()))
                .forEach(f -> out.put(f.getName(), f.getType()));
        return out;
    }
}
