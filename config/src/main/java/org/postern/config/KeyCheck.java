package org.postern.config;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Finds the first unknown key in document order, before binding.
 *
 * <p>Jackson reports an unknown key only after it has built the record around it, so a misspelled {@code acton:} in a
 * list entry would surface as "needs an action or a score", the symptom instead of the cause. Walking the record types
 * along each key path of {@link SourcePositions} reports the typo itself, with the valid keys at that level. Where the
 * YAML and the types disagree in shape (a list where a record belongs), the walk stops and binding explains.
 */
final class KeyCheck {

    private static final PropertyNamingStrategies.NamingBase SNAKE_CASE =
            (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

    private KeyCheck() {
    }

    /** @throws ConfigException at the first unknown key */
    static void check(SourcePositions positions, String source) {
        for (List<Object> path : positions.paths()) {
            if (path.isEmpty() || !(path.get(path.size() - 1) instanceof String key)) {
                continue;
            }
            Type parent = typeAt(path.subList(0, path.size() - 1));
            if (parent instanceof Class<?> type && type.isRecord() && component(type, key).isEmpty()) {
                SourcePositions.Position at = positions.locate(path, true);
                throw new ConfigException(source, at.line(), at.column(), unknownKey(path, validKeys(type)));
            }
        }
    }

    /** The sentence for an unknown key; {@code path} ends with the key. */
    static String unknownKey(List<Object> path, TreeSet<String> valid) {
        List<Object> parent = path.subList(0, path.size() - 1);
        String where = parent.isEmpty() ? "at the top level" : "in " + InvalidValueException.render(parent, "");
        String sentence = "unknown key " + InvalidValueException.render(path, "") + "; valid keys " + where + ": "
                + String.join(", ", valid);
        String suggestion = closest(path.get(path.size() - 1).toString(), valid);
        return suggestion == null ? sentence : sentence + " (did you mean " + suggestion + "?)";
    }

    /** The declared type at {@code path}, or null where the walk cannot follow (a scalar, a shape mismatch). */
    private static Type typeAt(List<Object> path) {
        Type type = PosternConfig.class;
        for (Object segment : path) {
            type = unwrapOptional(type);
            if (type instanceof Class<?> c && c.isRecord() && segment instanceof String key) {
                type = component(c, key).map(RecordComponent::getGenericType).orElse(null);
            } else if (type instanceof ParameterizedType p && p.getRawType() == List.class
                    && segment instanceof Integer) {
                type = p.getActualTypeArguments()[0];
            } else if (type instanceof ParameterizedType p && p.getRawType() == Map.class
                    && segment instanceof String) {
                type = p.getActualTypeArguments()[1];
            } else {
                return null;
            }
            if (type == null) {
                return null;
            }
        }
        return unwrapOptional(type);
    }

    private static Type unwrapOptional(Type type) {
        return type instanceof ParameterizedType p && p.getRawType() == Optional.class
                ? p.getActualTypeArguments()[0] : type;
    }

    private static Optional<RecordComponent> component(Class<?> record, String key) {
        return Arrays.stream(record.getRecordComponents())
                .filter(c -> SNAKE_CASE.translate(c.getName()).equals(key))
                .findFirst();
    }

    private static TreeSet<String> validKeys(Class<?> record) {
        return Arrays.stream(record.getRecordComponents())
                .map(c -> SNAKE_CASE.translate(c.getName()))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The valid key within edit distance 2 of {@code key}, if exactly one is closest. */
    private static String closest(String key, Iterable<String> valid) {
        String best = null;
        int bestDistance = 3;
        boolean tie = false;
        for (String candidate : valid) {
            int d = distance(key, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
                tie = false;
            } else if (d == bestDistance) {
                tie = true;
            }
        }
        return tie ? null : best;
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
