package io.pushflow.core.user;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One text attribute of many users, dictionary-coded: the distinct values once, and per user the index of theirs.
 * A thousand users share a few dozen time zones, locales and countries, so an outbox batch carries each name once
 * instead of a thousand times, and the delivery gate works out what a value means (a zone, a text language) once
 * per distinct value.
 */
public class TextColumn {

    public String[] values = new String[0];
    public int[] codes = new int[0];

    public TextColumn() {}

    public String get(int user) {
        return values[codes[user]];
    }

    /** The users at {@code rows} of this column, in that order, with only the values they use. */
    public TextColumn select(int[] rows) {
        int[] remap = new int[values.length];
        Arrays.fill(remap, -1);
        List<String> used = new ArrayList<>();
        TextColumn c = new TextColumn();
        c.codes = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            int code = codes[rows[i]];
            if (remap[code] < 0) {
                remap[code] = used.size();
                used.add(values[code]);
            }
            c.codes[i] = remap[code];
        }
        c.values = used.toArray(String[]::new);
        return c;
    }

    /** Collects values user by user, each distinct one coded once. */
    public static final class Builder {
        private final Map<String, Integer> index = new HashMap<>();
        private final List<String> values = new ArrayList<>();
        private int[] codes;
        private int size;

        public Builder(int expected) {
            codes = new int[Math.max(1, expected)];
        }

        public Builder add(String value) {
            String v = value == null ? "" : value;
            Integer code = index.get(v);
            if (code == null) {
                code = values.size();
                index.put(v, code);
                values.add(v);
            }
            if (size == codes.length) {
                codes = Arrays.copyOf(codes, size * 2);
            }
            codes[size++] = code;
            return this;
        }

        public TextColumn build() {
            TextColumn c = new TextColumn();
            c.values = values.toArray(String[]::new);
            c.codes = Arrays.copyOf(codes, size);
            return c;
        }
    }
}
