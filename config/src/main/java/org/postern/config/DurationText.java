package org.postern.config;

import java.time.Duration;
import java.util.regex.Pattern;

/** Durations as written in the configuration: a whole number and one unit, {@code 500ms 10s 5m 1h 2d}. */
final class DurationText {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
    private static final Pattern NUMBER = Pattern.compile("\\d{1,9}");

    private DurationText() {
    }

    /**
     * Parses {@code "10s"}.
     *
     * @throws InvalidValueException with an empty path: a bare number ("add a unit: 10s"), a fraction, an unknown unit
     */
    static Duration parse(String text) {
        var m = DURATION.matcher(text);
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "ms":
                    return Duration.ofMillis(amount);
                case "s":
                    return Duration.ofSeconds(amount);
                case "m":
                    return Duration.ofMinutes(amount);
                case "h":
                    return Duration.ofHours(amount);
                default:
                    return Duration.ofDays(amount);
            }
        }
        if (NUMBER.matcher(text).matches()) {
            throw InvalidValueException.ofValue("must be a duration with a unit (ms, s, m, h or d), not " + text
                    + "; add a unit: " + text + "s");
        }
        throw InvalidValueException.ofValue("must be a duration such as 500ms, 10s, 5m, 1h or 2d (a whole number and"
                + " one unit), not " + Checks.quote(text));
    }

    /** The shortest exact spelling: 10 s is {@code 10s}, 90 s is {@code 90s}, 2 h is {@code 2h}. */
    static String format(Duration d) {
        if (d.getNano() % 1_000_000 != 0) {
            return d.toString();
        }
        long ms = d.toMillis();
        if (ms != 0 && ms % 86_400_000 == 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms != 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
