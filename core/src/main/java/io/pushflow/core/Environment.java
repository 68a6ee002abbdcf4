package io.pushflow.core;

/** Settings from environment variables, the way every part reads them: unset or empty means the default. */
public final class Environment {

    private Environment() {
    }

    public static String value(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }
}
