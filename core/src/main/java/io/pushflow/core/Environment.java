package io.pushflow.core;

/**
 * Settings from environment variables, the way every part reads them: unset or empty means the default. A system
 * property of the same name stands in for a missing variable (a test cannot set the environment of its own JVM,
 * where a local cluster runs the jobs).
 */
public final class Environment {

    private Environment() {}

    public static String value(String name, String fallback) {
        String value = System.getenv(name);
        if (value == null || value.isEmpty()) {
            value = System.getProperty(name);
        }
        return value == null || value.isEmpty() ? fallback : value;
    }
}
