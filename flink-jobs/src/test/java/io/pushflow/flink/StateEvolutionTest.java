package io.pushflow.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushflow.flink.dispatch.PlanState;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.shaded.asm9.org.objectweb.asm.ClassReader;
import org.apache.flink.shaded.asm9.org.objectweb.asm.ClassVisitor;
import org.apache.flink.shaded.asm9.org.objectweb.asm.ClassWriter;
import org.apache.flink.shaded.asm9.org.objectweb.asm.FieldVisitor;
import org.apache.flink.shaded.asm9.org.objectweb.asm.Opcodes;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/**
 * State types evolve: a savepoint written while the planner's state type lacked a field restores into the
 * current type, the old fields intact and the new one at its default. The older version of {@link PlanState} is
 * the current class with the field {@code heldOut} taken out, loaded by a class loader of its own, so the test
 * needs no savepoint file from an earlier build.
 */
class StateEvolutionTest {

    static final String STATE = "plan";

    /** Stores the element it gets as the key's state, or emits the key's state; the state's type is given. */
    static final class Store extends KeyedProcessFunction<Long, Object, Object> {
        private final TypeInformation<Object> type;
        private transient ValueState<Object> state;

        Store(TypeInformation<Object> type) {
            this.type = type;
        }

        @Override
        public void open(OpenContext context) {
            state = getRuntimeContext().getState(new ValueStateDescriptor<>(STATE, type));
        }

        @Override
        public void processElement(Object value, Context ctx, Collector<Object> out) throws Exception {
            if (value instanceof String) {
                out.collect(state.value());
            } else {
                state.update(value);
            }
        }
    }

    @SuppressWarnings("unchecked")
    static KeyedOneInputStreamOperatorTestHarness<Long, Object, Object> harness(Class<?> type) throws Exception {
        var operator = new KeyedProcessOperator<>(new Store((TypeInformation<Object>) TypeInformation.of(type)));
        return new KeyedOneInputStreamOperatorTestHarness<>(operator, v -> 7L, Types.LONG);
    }

    @Test
    void a_savepoint_of_the_state_without_a_field_restores_into_the_type_with_it() throws Exception {
        Class<?> older = new WithoutField(PlanState.class, "heldOut").loadClass(PlanState.class.getName());
        assertThat(older).isNotSameAs(PlanState.class);
        assertThatFieldIsMissing(older, "heldOut");

        Object old = older.getConstructor().newInstance();
        older.getField("status").set(old, "RUNNING");
        older.getField("cursor").set(old, 4_711L);
        older.getField("released").set(old, 1_200L);
        older.getField("trials").set(old, new double[] {500, 480.5});
        older.getField("successes").set(old, new long[] {5, 40});
        OperatorSubtaskState savepoint;
        try (var h = harness(older)) {
            h.open();
            h.processElement(old, 0);
            savepoint = h.snapshot(1, 0);
        }

        try (var h = harness(PlanState.class)) {
            h.initializeState(savepoint);
            h.open();
            h.processElement("read", 0);
            PlanState restored = (PlanState) h.extractOutputValues().get(0);
            assertThat(restored.status).isEqualTo("RUNNING");
            assertThat(restored.cursor).isEqualTo(4_711L);
            assertThat(restored.released).isEqualTo(1_200L);
            assertThat(restored.trials).containsExactly(500, 480.5);
            assertThat(restored.successes).containsExactly(5, 40);
            assertThat(restored.heldOut)
                    .as("the field the older version lacked")
                    .isZero();
        }
    }

    private static void assertThatFieldIsMissing(Class<?> type, String field) {
        assertThat(Arrays.stream(type.getFields()).map(java.lang.reflect.Field::getName))
                .doesNotContain(field)
                .contains("released");
    }

    /** Loads one class with a field taken out (its earlier version), everything else from the parent. */
    static final class WithoutField extends ClassLoader {
        private final Class<?> type;
        private final String field;

        WithoutField(Class<?> type, String field) {
            super(type.getClassLoader());
            this.type = type;
            this.field = field;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.equals(type.getName())) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded != null) {
                    return loaded;
                }
                try (InputStream in = type.getClassLoader().getResourceAsStream(name.replace('.', '/') + ".class")) {
                    ClassWriter writer = new ClassWriter(0);
                    new ClassReader(in)
                            .accept(
                                    new ClassVisitor(Opcodes.ASM9, writer) {
                                        @Override
                                        public FieldVisitor visitField(
                                                int access,
                                                String fieldName,
                                                String descriptor,
                                                String signature,
                                                Object value) {
                                            return fieldName.equals(field)
                                                    ? null
                                                    : super.visitField(access, fieldName, descriptor, signature, value);
                                        }
                                    },
                                    0);
                    byte[] bytes = writer.toByteArray();
                    return defineClass(name, bytes, 0, bytes.length);
                } catch (IOException e) {
                    throw new ClassNotFoundException(name, e);
                }
            }
        }
    }
}
