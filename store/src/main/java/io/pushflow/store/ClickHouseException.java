package io.pushflow.store;

/** A ClickHouse statement that failed, with the server's message. */
public class ClickHouseException extends RuntimeException {

    public ClickHouseException(String message, Throwable cause) {
        super(message, cause);
    }
}
