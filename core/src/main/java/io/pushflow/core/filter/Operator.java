package io.pushflow.core.filter;

import java.util.Arrays;
import java.util.Optional;

/** A comparison a condition applies; {@link Arity} says how many values it takes. */
public enum Operator {
    EQ("eq", Arity.ONE),
    NE("ne", Arity.ONE),
    IN("in", Arity.MANY),
    NOT_IN("not_in", Arity.MANY),
    LT("lt", Arity.ONE),
    LE("le", Arity.ONE),
    GT("gt", Arity.ONE),
    GE("ge", Arity.ONE),
    BETWEEN("between", Arity.TWO),
    CONTAINS("contains", Arity.ONE),
    HAS_ANY("has_any", Arity.MANY),
    HAS_ALL("has_all", Arity.MANY),
    WITHIN_LAST("within_last", Arity.ONE),
    NOT_WITHIN_LAST("not_within_last", Arity.ONE),
    IS_TRUE("is_true", Arity.NONE),
    IS_FALSE("is_false", Arity.NONE);

    /** How many values an operator takes: none, {@code value}, two {@code values}, or a list of {@code values}. */
    public enum Arity {
        NONE,
        ONE,
        TWO,
        MANY
    }

    private final String code;
    private final Arity arity;

    Operator(String code, Arity arity) {
        this.code = code;
        this.arity = arity;
    }

    public String code() {
        return code;
    }

    public Arity arity() {
        return arity;
    }

    public static Optional<Operator> fromCode(String code) {
        return Arrays.stream(values()).filter(o -> o.code.equals(code)).findFirst();
    }
}
