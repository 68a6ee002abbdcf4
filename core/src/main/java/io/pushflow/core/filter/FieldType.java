package io.pushflow.core.filter;

import static io.pushflow.core.filter.Operator.*;

import java.util.List;

/** The logical type of a user attribute; it decides which operators and values a condition may use. */
public enum FieldType {
    /** A free string compared for equality (app id). */
    STRING(List.of(EQ, NE, IN, NOT_IN)),
    /** One of a closed list of values (platform). */
    ENUM(List.of(EQ, NE, IN, NOT_IN)),
    /** ISO 3166-1 alpha-2 country code, upper case. */
    COUNTRY(List.of(EQ, NE, IN, NOT_IN)),
    /** ISO 639 language code (the BCP 47 primary language subtag), lower case. */
    LANGUAGE(List.of(EQ, NE, IN, NOT_IN)),
    /** IANA time-zone id. */
    TIMEZONE(List.of(EQ, NE, IN, NOT_IN)),
    /** Dotted numeric version compared component by component (57.3.1 &gt; 57.10 is false). */
    VERSION(List.of(EQ, NE, LT, LE, GT, GE, BETWEEN)),
    /** A set of values from a closed list (sports). */
    SET(List.of(CONTAINS, HAS_ANY, HAS_ALL)),
    BOOLEAN(List.of(IS_TRUE, IS_FALSE)),
    /** A UTC instant; relative operators take ISO 8601 durations, absolute ones ISO 8601 instants. */
    DATETIME(List.of(WITHIN_LAST, NOT_WITHIN_LAST, LT, LE, GT, GE, BETWEEN));

    private final List<Operator> operators;

    FieldType(List<Operator> operators) {
        this.operators = operators;
    }

    public List<Operator> operators() {
        return operators;
    }
}
