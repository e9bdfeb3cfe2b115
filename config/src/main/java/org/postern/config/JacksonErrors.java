package org.postern.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.snakeyaml.error.MarkedYAMLException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.postern.config.SourcePositions.Node;
import org.postern.config.SourcePositions.Position;

/**
 * Turns Jackson's exceptions into {@link ConfigException} sentences with the position of the offending key or value.
 *
 * <p>The path comes from {@link JsonMappingException#getPath()} (the record being bound) plus, for a rule broken in a
 * compact constructor, the key named by {@link InvalidValueException}. Jackson's own wording ("Cannot coerce String
 * value") never reaches the user; the actual value is quoted from {@link SourcePositions}.
 */
final class JacksonErrors {

    private JacksonErrors() {
    }

    /** A YAML syntax error found while streaming, with snakeyaml's problem and its 1-based position. */
    @SuppressWarnings("deprecation")   // Jackson's wrapper is the only way to snakeyaml's marks without importing it.
    static ConfigException syntax(JsonProcessingException e, String source) {
        if (e instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
            var mark = marked.getProblemMark();
            String context = marked.getContext() == null || marked.getContextMark() == null ? ""
                    : " (" + marked.getContext() + " at line " + (marked.getContextMark().getLine() + 1)
                            + ", column " + (marked.getContextMark().getColumn() + 1) + ")";
            return new ConfigException(source, mark.getLine() + 1, mark.getColumn() + 1,
                    "YAML syntax error: " + marked.getProblem() + context);
        }
        JsonLocation at = e.getLocation();
        Position position = at == null ? new Position(1, 1) : Position.of(at);
        return new ConfigException(source, position.line(), position.column(),
                "YAML syntax error: " + e.getOriginalMessage());
    }

    /** The sentence for a binding failure. */
    static ConfigException translate(JsonProcessingException e, SourcePositions positions, String source) {
        if (!(e instanceof JsonMappingException mapping)) {
            return syntax(e, source);
        }
        List<Object> path = path(mapping);
        InvalidValueException invalid = cause(e, InvalidValueException.class);
        if (invalid != null) {
            return at(source, positions.locate(InvalidValueException.concat(path, invalid.at()), invalid.atKey()),
                    InvalidValueException.render(InvalidValueException.concat(path, invalid.path()), "the file")
                            + " " + invalid.problem());
        }
        if (e instanceof UnrecognizedPropertyException unknown) {
            return unknownKey(unknown, path, positions, source);
        }
        if (e instanceof InvalidNullException) {
            return at(source, positions.locate(path, false), render(path) + " must not be empty");
        }
        InputCoercionException overflow = cause(e, InputCoercionException.class);
        if (overflow != null) {
            return at(source, positions.locate(path, false), render(path) + " is too large: "
                    + actual(positions.node(path)));
        }
        if (cause(e, NumberFormatException.class) != null) {
            // YAML's .inf and .nan reach Jackson as floats that Java's parser refuses.
            return at(source, positions.locate(path, false), render(path) + " must be a finite number, not "
                    + actual(positions.node(path)));
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            return mismatch(mismatch.getTargetType(), path, positions, source);
        }
        IllegalArgumentException illegal = cause(e, IllegalArgumentException.class);
        String why = illegal != null ? illegal.getMessage() : mapping.getOriginalMessage();
        return at(source, positions.locate(path, false), render(path) + " is not valid: " + why);
    }

    private static ConfigException unknownKey(UnrecognizedPropertyException e, List<Object> path,
            SourcePositions positions, String source) {
        var valid = new TreeSet<String>();
        Collection<Object> known = e.getKnownPropertyIds();
        if (known != null) {
            known.forEach(k -> valid.add(k.toString()));
        }
        return at(source, positions.locate(path, true), KeyCheck.unknownKey(path, valid));
    }

    private static ConfigException mismatch(Class<?> target, List<Object> path, SourcePositions positions,
            String source) {
        Node node = positions.node(path);
        String sentence = (path.isEmpty() ? "the file" : render(path)) + " must be " + expected(target);
        if (node != null) {
            sentence += ", not " + actual(node);
            if (target == String.class && node.token().isScalarValue() && node.token() != JsonToken.VALUE_NULL) {
                sentence += "; put it in quotes: \"" + node.text() + "\"";
            }
            if (node.token() == JsonToken.START_ARRAY && (target == HostPort.class || target == Cidr.class)) {
                sentence += "; put IPv6 addresses in quotes: \"[::1]:11332\"";
            }
        }
        return at(source, positions.locate(path, false), sentence);
    }

    /** What a value of {@code type} looks like, after "must be". */
    static String expected(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "an integer";
        } else if (type == double.class || type == Double.class || type == OptionalDouble.class) {
            return "a number";
        } else if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        } else if (type == String.class) {
            return "a string";
        } else if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        } else if (Map.class.isAssignableFrom(type) || type.isRecord() && type != HostPort.class
                && type != Cidr.class && type != ReplyText.class) {
            return "a mapping of keys to values";
        } else if (type == Duration.class) {
            return "a duration such as 500ms, 10s, 5m, 1h or 2d";
        } else if (type == HostPort.class) {
            return "host:port such as 127.0.0.1:11332";
        } else if (type == Cidr.class) {
            return "an IP address or network such as 192.0.2.0/24";
        } else if (type == ReplyText.class) {
            return "an SMTP reply such as \"550 5.7.1 Message rejected\"";
        } else if (type == Path.class) {
            return "a path such as /var/lib/postern";
        } else if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants()).map(c -> yamlName((Enum<?>) c))
                    .collect(Collectors.joining(", "));
        }
        return "a " + type.getSimpleName();
    }

    /** An enum constant as written in YAML: {@code SOFT_REJECT} is {@code soft_reject}. */
    static String yamlName(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    private static String actual(Node node) {
        if (node == null) {
            return "that";
        }
        switch (node.token()) {
            case VALUE_STRING:
                return Checks.quote(node.text());
            case VALUE_NULL:
                return "empty";
            case START_ARRAY:
                return "a list";
            case START_OBJECT:
                return "a mapping";
            default:
                return node.text();
        }
    }

    private static ConfigException at(String source, Position position, String sentence) {
        return new ConfigException(source, position.line(), position.column(), sentence);
    }

    private static String render(List<Object> path) {
        return InvalidValueException.render(path, "the file");
    }

    private static List<Object> path(JsonMappingException e) {
        var path = new ArrayList<Object>();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.add(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.add(ref.getIndex());
            }
        }
        return List.copyOf(path);
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
