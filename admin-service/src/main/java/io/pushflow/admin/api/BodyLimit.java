package io.pushflow.admin.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The largest body (bytes, by its Content-Length) an operation takes when its JSON is far smaller than the
 * service-wide buffer limit ({@code micronaut.server.max-request-buffer-size}); larger ones get 413 before they are read.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface BodyLimit {
    long value();
}
