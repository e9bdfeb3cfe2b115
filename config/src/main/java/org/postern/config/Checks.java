package org.postern.config;

import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

/** The rules that several configuration records share, each throwing {@link InvalidValueException} with a sentence. */
final class Checks {

    // RFC 1123 §2.1 labels, plus '_' because real HELO names and DKIM-style labels carry it.
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");

    private Checks() {
    }

    static <T> T orDefault(T value, T fallback) {
        return value != null ? value : fallback;
    }

    /** Integer keys of any width: an int widens to long, and the sentence reads the same. */
    static long between(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw InvalidValueException.ofKey(key, "must be between " + min + " and " + max + ", not " + value);
        }
        return value;
    }

    static Duration between(String key, Duration value, Duration min, Duration max) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw InvalidValueException.ofKey(key, "must be between " + DurationText.format(min) + " and "
                    + DurationText.format(max) + ", not " + DurationText.format(value));
        }
        return value;
    }

    static double finite(String key, double value) {
        if (!Double.isFinite(value)) {
            throw InvalidValueException.ofKey(key, "must be a finite number, not " + value);
        }
        return value;
    }

    static OptionalDouble finite(String key, OptionalDouble value) {
        if (value.isPresent()) {
            finite(key, value.getAsDouble());
        }
        return value;
    }

    /** An immutable copy of {@code list}; a null element is "must not be empty" at {@code key[i]}. */
    static <T> List<T> listOf(String key, List<T> list) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == null) {
                throw new InvalidValueException(List.of(key, i), "must not be empty", List.of(key, i), false);
            }
        }
        return List.copyOf(list);
    }

    /** Printable US-ASCII (0x20..0x7E): no control characters, no line breaks, no 8-bit text. */
    static String printableAscii(String key, String value) {
        int bad = firstNonPrintable(value);
        if (bad >= 0) {
            throw InvalidValueException.ofKey(key, String.format(
                    "must be printable US-ASCII; character U+%04X at position %d is not", (int) value.charAt(bad),
                    bad + 1));
        }
        return value;
    }

    /** The index of the first character outside 0x20..0x7E, or -1. */
    static int firstNonPrintable(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return i;
            }
        }
        return -1;
    }

    /** A DNS host name: dot-separated labels of letters, digits, '-' and '_', at most 253 characters, no final dot. */
    static boolean isHostName(String name) {
        if (name.isEmpty() || name.length() > 253) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /** {@code "text"} with quotes, backslashes and control characters escaped, for error messages. */
    static String quote(String text) {
        var sb = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\u%04X", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
