package org.postern.spf;

import static java.util.Objects.requireNonNull;

import java.util.function.Function;

/**
 * The outcome of parsing a piece of someone's SPF record: a value or a syntax error. A syntax error is an expected
 * outcome (RFC 7208 §4.6: it becomes permerror), so it is a value here, never an exception.
 *
 * @param <T> what was parsed
 */
final class Parsed<T> {

    private final T value;
    private final String error;

    private Parsed(T value, String error) {
        this.value = value;
        this.error = error;
    }

    static <T> Parsed<T> ok(T value) {
        return new Parsed<>(requireNonNull(value, "value"), null);
    }

    static <T> Parsed<T> error(String message) {
        return new Parsed<>(null, requireNonNull(message, "message"));
    }

    boolean isOk() {
        return error == null;
    }

    /** The value; calling this on an error is a bug. */
    T value() {
        if (error != null) {
            throw new IllegalStateException("no value, syntax error: " + error);
        }
        return value;
    }

    /** The syntax error, a short phrase for logs; calling this on a value is a bug. */
    String error() {
        if (error == null) {
            throw new IllegalStateException("no error");
        }
        return error;
    }

    <U> Parsed<U> map(Function<? super T, ? extends U> f) {
        return error == null ? Parsed.ok(f.apply(value)) : Parsed.error(error);
    }

    <U> Parsed<U> flatMap(Function<? super T, Parsed<U>> f) {
        return error == null ? f.apply(value) : Parsed.error(error);
    }
}
