package org.postern.daemon.pipeline;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The header fields of the message as the milter saw them, in order (Postfix's own Received: is not among them).
 * Values are exactly as sent on the wire: with SMFIP_HDR_LEADSPC, which the pipeline negotiates, a value keeps the
 * whitespace after the colon, and folded lines are joined by a bare LF (milter-protocol.md §2).
 */
public final class ReceivedHeaders {

    /** One header field. */
    public record Field(String name, String value) {
        public Field {
            requireNonNull(name, "name");
            requireNonNull(value, "value");
        }

        /** The value without the leading whitespace and with folding undone (RFC 5322 §2.2.3 unfolding). */
        public String unfoldedValue() {
            return value.replaceAll("\r?\n(?=[ \t])", "").strip();
        }
    }

    private final List<Field> fields;

    private ReceivedHeaders(List<Field> fields) {
        this.fields = fields;
    }

    /** An immutable snapshot of {@code fields}. */
    public static ReceivedHeaders of(List<Field> fields) {
        return new ReceivedHeaders(List.copyOf(fields));
    }

    public List<Field> fields() {
        return fields;
    }

    /** The first field with this name (case-insensitive). */
    public Optional<Field> first(String name) {
        return fields.stream().filter(f -> f.name().equalsIgnoreCase(name)).findFirst();
    }

    /**
     * The 1-based occurrence numbers of fields named {@code name} whose value matches, highest first, as SMFIR_CHGHEADER
     * counts them; deleting from the highest down keeps the lower numbers valid whatever the MTA does with gaps.
     */
    public List<Integer> occurrencesHighestFirst(String name, java.util.function.Predicate<Field> matching) {
        List<Integer> found = new ArrayList<>();
        int n = 0;
        for (Field f : fields) {
            if (f.name().equalsIgnoreCase(name)) {
                n++;
                if (matching.test(f)) {
                    found.add(0, n);
                }
            }
        }
        return found;
    }
}
