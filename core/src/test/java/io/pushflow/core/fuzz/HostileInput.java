package io.pushflow.core.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Generators of hostile input (jqwik arbitraries drawn with a seeded random, so a run can be repeated): JSON values
 * of the wrong type, size or depth, valid bodies with one field spoiled, and raw bytes that are no JSON at all.
 */
public final class HostileInput {

    private final Random random;

    public HostileInput(long seed) {
        this.random = new Random(seed);
        // jqwik's samples outside a property come from this thread's source of randomness: seed it too
        net.jqwik.engine.SourceOfRandomness.create(Long.toString(seed));
    }

    public <T> T draw(Arbitrary<T> arbitrary) {
        return arbitrary.sample();
    }

    public int below(int bound) {
        return random.nextInt(bound);
    }

    public <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    /** A JSON value nobody should accept where a real one belongs. */
    public Arbitrary<Object> value() {
        return Arbitraries.oneOf(
                Arbitraries.just(null),
                Arbitraries.of(true, false),
                Arbitraries.of(0, -1, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, 1e308, -0.5, 3.14),
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.strings()
                        .withChars('a', '\u0000', '\u202e', '"', '\'', '\\', '<', '%', '😀')
                        .ofMinLength(1)
                        .ofMaxLength(300),
                Arbitraries.of(
                        "' OR 1=1 --",
                        "'); DROP TABLE campaigns; --",
                        "<script>alert(1)</script>",
                        "javascript:alert(1)",
                        "file:///etc/passwd",
                        "../../../../etc/passwd",
                        "${jndi:ldap://x/a}",
                        "%00",
                        "\\u0000",
                        "NaN",
                        "Infinity",
                        "P99999999999D",
                        "PT-1S",
                        "9999999999999999999999999",
                        "-0",
                        "1e400",
                        "ZZ",
                        "xx-YY"),
                Arbitraries.integers().between(1_000, 200_000).map("x"::repeat),
                Arbitraries.integers().between(1, 40).map(n -> List.of(Map.of())),
                Arbitraries.integers().between(100, 5_000).map(n -> java.util.Collections.nCopies(n, 0)),
                Arbitraries.integers().between(1, 900).map(HostileInput::nested),
                Arbitraries.maps(
                                Arbitraries.strings().ofMaxLength(12),
                                Arbitraries.strings().ofMaxLength(12))
                        .ofMaxSize(6)
                        .map(m -> m));
    }

    /** Nesting {@code depth} arrays deep. */
    private static Object nested(int depth) {
        Object v = List.of();
        for (int i = 0; i < depth; i++) {
            v = List.of(v);
        }
        return v;
    }

    /** The valid body with one field (at any depth of its maps) replaced, dropped, or an unknown one added. */
    public Object spoiled(Map<String, Object> valid) {
        Map<String, Object> copy = new LinkedHashMap<>(valid);
        List<String> keys = new ArrayList<>(copy.keySet());
        if (keys.isEmpty()) {
            copy.put("unexpected", draw(value()));
            return copy;
        }
        String key = pick(keys);
        switch (below(4)) {
            case 0 -> copy.remove(key);
            case 1 ->
                copy.put(
                        pick(List.of("unexpected", "__proto__", "id", "status", "createdBy", key.toUpperCase())),
                        draw(value()));
            case 2 -> {
                Object inner = copy.get(key);
                if (inner instanceof Map<?, ?> m) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> typed = (Map<String, Object>) m;
                    copy.put(key, spoiled(typed));
                } else if (inner instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Map<?, ?>) {
                    List<Object> list = new ArrayList<>(l);
                    int at = below(list.size());
                    @SuppressWarnings("unchecked")
                    Map<String, Object> typed = (Map<String, Object>) list.get(at);
                    list.set(at, spoiled(typed));
                    copy.put(key, list);
                } else {
                    copy.put(key, draw(value()));
                }
            }
            default -> copy.put(key, draw(value()));
        }
        return copy;
    }

    /** Bytes that are not a JSON document the API could read: truncated, binary, invalid UTF-8, too deep or too large. */
    public byte[] rawBytes(byte[] valid) {
        return switch (below(8)) {
            case 0 -> java.util.Arrays.copyOf(valid, valid.length == 0 ? 0 : below(valid.length));
            case 1 -> draw(Arbitraries.bytes().array(byte[].class).ofMaxSize(2_000));
            case 2 -> new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, '{', (byte) 0xFE, '}'};
            case 3 -> ("[".repeat(20_000 + below(100_000))).getBytes(StandardCharsets.US_ASCII);
            case 4 ->
                pick(List.of(
                                "",
                                "null",
                                "0",
                                "\"\"",
                                "[]",
                                "{}",
                                "true",
                                "{\"a\":",
                                "{'a':1}",
                                "{\"a\":1}{\"a\":2}",
                                "\uFEFF{}"))
                        .getBytes(StandardCharsets.UTF_8);
            case 5 -> huge();
            case 6 -> {
                byte[] copy = valid.clone();
                for (int i = 0; i < 1 + below(5) && copy.length > 0; i++) {
                    copy[below(copy.length)] = (byte) below(256);
                }
                yield copy;
            }
            default -> ("{\"a\":" + "1".repeat(1 + below(100_000)) + "}").getBytes(StandardCharsets.US_ASCII);
        };
    }

    /** A body from a few hundred kilobytes to past every limit the API sets (up to 5 MB). */
    public byte[] huge() {
        int size = pick(List.of(300_000, 1_100_000, 5_000_000));
        byte[] b = new byte[size];
        java.util.Arrays.fill(b, (byte) ' ');
        b[0] = '{';
        b[1] = '"';
        b[2] = 'a';
        b[3] = '"';
        b[4] = ':';
        b[5] = '"';
        b[size - 2] = '"';
        b[size - 1] = '}';
        return b;
    }
}
