package org.postern.dkim;

import static java.util.Objects.requireNonNull;

/** A parse outcome as a value (STYLE.md: malformed input from the network is a result, not an exception). */
sealed interface Parsed<T> {

    /** The input was well-formed. */
    record Ok<T>(T value) implements Parsed<T> {
        public Ok {
            requireNonNull(value, "value");
        }
    }

    /** The input was not; {@code reason} is a few words for Authentication-Results ("x= is not a number"). */
    record Invalid<T>(String reason) implements Parsed<T> {
        public Invalid {
            requireNonNull(reason, "reason");
        }
    }

    static <T> Parsed<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> Parsed<T> invalid(String reason) {
        return new Invalid<>(reason);
    }
}
