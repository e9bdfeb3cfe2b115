package org.postern.config;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * A value that breaks a rule of a configuration record, thrown from compact constructors and {@code parse} methods.
 *
 * <p>It carries the key path relative to the record that threw it, so that {@link ConfigLoader} can prepend the
 * record's own path (known to Jackson) and find the line and column: {@code MilterConfig} throws
 * {@code max_frame_bytes} and the user reads {@code milter.max_frame_bytes}. The {@code problem} is the rest of the
 * sentence ("must be between 65537 and 67108864, not 12"). {@code at} is where to point, relative to the same
 * record, when that differs from {@code path} (a rule about two keys names the record but points at the second
 * key); {@code atKey} points at the key instead of its value. Paths hold {@code String} keys and {@code Integer}
 * list indexes.
 *
 * <p>Callers outside the package see an ordinary {@link IllegalArgumentException} whose message is
 * {@code "max_frame_bytes must be between ..."}, or {@code "value must be ..."} when the path is empty.
 */
final class InvalidValueException extends IllegalArgumentException {

    private final List<Object> path;
    private final String problem;
    private final List<Object> at;
    private final boolean atKey;

    InvalidValueException(List<Object> path, String problem, List<Object> at, boolean atKey) {
        super(render(path, "value") + " " + problem);
        this.path = List.copyOf(path);
        this.problem = requireNonNull(problem, "problem");
        this.at = List.copyOf(at);
        this.atKey = atKey;
    }

    /** A problem with the value itself, with no path yet: {@code parse} methods throw this. */
    static InvalidValueException ofValue(String problem) {
        return new InvalidValueException(List.of(), problem, List.of(), false);
    }

    /** A problem with the value of one key of the record. */
    static InvalidValueException ofKey(String key, String problem) {
        return new InvalidValueException(List.of(key), problem, List.of(key), false);
    }

    /** The same problem one level down: {@code e.under("reply")} turns "value must ..." into "reply must ...". */
    InvalidValueException under(Object... prefix) {
        return new InvalidValueException(concat(List.of(prefix), path), problem, concat(List.of(prefix), at), atKey);
    }

    List<Object> path() {
        return path;
    }

    String problem() {
        return problem;
    }

    List<Object> at() {
        return at;
    }

    boolean atKey() {
        return atKey;
    }

    static List<Object> concat(List<Object> head, List<Object> tail) {
        var all = new ArrayList<Object>(head.size() + tail.size());
        all.addAll(head);
        all.addAll(tail);
        return List.copyOf(all);
    }

    /** {@code [lists, 2, score]} → {@code lists[2].score}; an empty path is {@code whenEmpty}. */
    static String render(List<Object> path, String whenEmpty) {
        if (path.isEmpty()) {
            return whenEmpty;
        }
        var sb = new StringBuilder();
        for (Object segment : path) {
            if (segment instanceof Integer index) {
                sb.append('[').append(index).append(']');
            } else {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(segment);
            }
        }
        return sb.toString();
    }
}
