package org.postern.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each key and value of a YAML document is, by key path ({@code [lists, 2, score]}).
 *
 * <p>Jackson binds records without positions, and a record's compact constructor knows only its own key names; an
 * error carries a path instead (Jackson's reference chain plus the key named by {@link InvalidValueException}). This
 * index, built by streaming the same text once before binding, turns that path back into a line and column. The scan
 * also enforces what the binder cannot explain well: one document, no duplicate keys in a mapping (named with both
 * positions), and no aliases ({@code *name}), which Jackson would silently read as the string {@code "name"}.
 */
final class SourcePositions {

    /** A 1-based line and column. */
    record Position(int line, int column) {
        static Position of(JsonLocation location) {
            return new Position(Math.max(1, location.getLineNr()), Math.max(1, location.getColumnNr()));
        }
    }

    /** One node: its key's position (null for list elements and the root), its value's position and first token. */
    record Node(Position key, Position value, JsonToken token, String text) {
    }

    private static final Position START = new Position(1, 1);

    private final Map<List<Object>, Node> nodes;

    private SourcePositions(Map<List<Object>, Node> nodes) {
        this.nodes = nodes;
    }

    /** True if the document has no value at all (an empty file or only comments). */
    boolean isEmpty() {
        return nodes.isEmpty();
    }

    /** Every node's path, in document order (a parent before its children). */
    Iterable<List<Object>> paths() {
        return nodes.keySet();
    }

    /** The node at {@code path}, or null. */
    Node node(List<Object> path) {
        return nodes.get(path);
    }

    /**
     * Where to point for a problem at {@code path}: the value, or the key if {@code atKey} or if the value is empty.
     * A path that is not in the document (a required key left out) points at its nearest ancestor's key, or at the
     * ancestor's value for a list element.
     */
    Position locate(List<Object> path, boolean atKey) {
        Node node = nodes.get(path);
        if (node != null) {
            boolean useKey = node.key() != null && (atKey || node.token() == JsonToken.VALUE_NULL);
            return useKey ? node.key() : node.value();
        }
        for (int n = path.size() - 1; n >= 0; n--) {
            Node ancestor = nodes.get(path.subList(0, n));
            if (ancestor != null) {
                return ancestor.key() != null ? ancestor.key() : ancestor.value();
            }
        }
        return START;
    }

    /**
     * Streams {@code yaml} and records every node.
     *
     * @throws ConfigException for a YAML syntax error, a duplicate key, an alias, or a second document
     */
    static SourcePositions scan(String yaml, String source) {
        var nodes = new LinkedHashMap<List<Object>, Node>();
        // Containers being read: their path, and for mappings the keys seen so far, for the duplicate check.
        Deque<Frame> open = new ArrayDeque<>();
        boolean rootDone = false;
        // Duplicates are found below, to name both positions; Jackson's own check would only name the second.
        try (JsonParser p = YamlBinding.factory(false).createParser(yaml)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                Position here = Position.of(p.currentTokenLocation());
                if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    open.pop();
                    rootDone = open.isEmpty();
                    continue;
                }
                Frame frame = open.peek();
                if (t == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    Position first = frame.keys.putIfAbsent(name, here);
                    List<Object> path = frame.child(name);
                    if (first != null) {
                        throw new ConfigException(source, here.line(), here.column(), "duplicate key "
                                + InvalidValueException.render(path, "") + "; it is already set at line "
                                + first.line() + ", column " + first.column());
                    }
                    frame.pendingKey = name;
                    frame.pendingKeyAt = here;
                    continue;
                }
                if (frame == null && rootDone) {
                    throw new ConfigException(source, here.line(), here.column(), "the file must hold one YAML"
                            + " document; remove the second one (after ---)");
                }
                if (((YAMLParser) p).isCurrentAlias()) {
                    throw new ConfigException(source, here.line(), here.column(), "aliases such as *" + p.getText()
                            + " are not supported; write the value out");
                }
                List<Object> path;
                Position keyAt = null;
                if (frame == null) {
                    path = List.of();
                } else if (frame.array) {
                    path = frame.child(frame.nextIndex++);
                } else {
                    path = frame.child(frame.pendingKey);
                    keyAt = frame.pendingKeyAt;
                }
                String text = t.isScalarValue() ? p.getText() : null;
                nodes.put(path, new Node(keyAt, here, t, text));
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    open.push(new Frame(path, t == JsonToken.START_ARRAY));
                } else if (frame == null) {
                    rootDone = true;
                }
            }
        } catch (JsonProcessingException e) {
            throw JacksonErrors.syntax(e, source);
        } catch (IOException e) {
            throw new IllegalStateException("reading from a String failed", e);
        }
        return new SourcePositions(nodes);
    }

    private static final class Frame {
        final List<Object> path;
        final boolean array;
        final Map<String, Position> keys = new HashMap<>();
        int nextIndex;
        String pendingKey;
        Position pendingKeyAt;

        Frame(List<Object> path, boolean array) {
            this.path = path;
            this.array = array;
        }

        List<Object> child(Object segment) {
            var child = new ArrayList<Object>(path.size() + 1);
            child.addAll(path);
            child.add(segment);
            return List.copyOf(child);
        }
    }
}
