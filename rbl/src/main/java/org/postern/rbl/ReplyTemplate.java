package org.postern.rbl;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A reply text with Postfix-style {@code $variable} substitutions, after {@code rbl_reply_maps} (postconf(5)).
 *
 * <p>Syntax: {@code $name}, {@code ${name}} or {@code $(name)}; {@code $$} is a literal dollar. Conditionals
 * ({@code ${name?text}}, {@code ${name:text}}) and every variable Postern does not fill are refused at construction,
 * so a template that parses always renders completely. The template is the reply text only: the pipeline adds the
 * SMTP code and enhanced status, so {@code $rbl_code} here is the list's answer, not Postfix's SMTP code (see
 * {@link Variable#RBL_CODE}).
 *
 * <p>Immutable and thread-safe.
 */
final class ReplyTemplate {

    /** Postfix's {@code default_rbl_reply} without the SMTP code and the TXT reason. */
    static final String DEFAULT = "Service unavailable; $rbl_class [$rbl_what] blocked using $rbl_domain";

    /** The variables Postern fills. */
    enum Variable {
        /** The client IP for a DNSBL lookup; for an RHSBL lookup the name looked up (the checker has no IP there). */
        CLIENT_ADDRESS("client_address"),
        /** Postfix's blocklist class: {@code Client host}, {@code Helo command} or {@code Sender address}. */
        RBL_CLASS("rbl_class"),
        /**
         * Every code of the list's answer, comma-separated in answer order ({@code 127.0.0.2,127.0.0.4}).
         * POSTFIX: there {@code $rbl_code} is the SMTP reply code; here the SMTP code is the pipeline's.
         */
        RBL_CODE("rbl_code"),
        /** The list's zone without any key prefix, so a Spamhaus DQS key never reaches an SMTP client. */
        RBL_DOMAIN("rbl_domain"),
        /** What was looked up: the client IP or the name. */
        RBL_WHAT("rbl_what");

        private final String name;

        Variable(String name) {
            this.name = name;
        }

        static String known() {
            return Arrays.stream(values()).map(v -> "$" + v.name).collect(Collectors.joining(", "));
        }
    }

    private sealed interface Part {
        record Literal(String text) implements Part {
        }

        record Substitution(Variable variable) implements Part {
        }
    }

    private final String source;
    private final List<Part> parts;

    private ReplyTemplate(String source, List<Part> parts) {
        this.source = source;
        this.parts = List.copyOf(parts);
    }

    /**
     * Parses a template.
     *
     * @throws IllegalArgumentException with a sentence: an unknown variable, a conditional, a lone {@code $}, an
     *                                  unclosed brace, or a character that is not printable US-ASCII (an SMTP reply
     *                                  allows nothing else)
     */
    static ReplyTemplate parse(String template) {
        requireNonNull(template, "template");
        if (template.isBlank()) {
            throw new IllegalArgumentException("reply template is empty");
        }
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException(String.format(
                        "reply template must be printable US-ASCII; character U+%04X at %d in '%s'", (int) c, i,
                        template));
            }
        }
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '$') {
                literal.append(c);
                i++;
                continue;
            }
            if (i + 1 < template.length() && template.charAt(i + 1) == '$') {
                literal.append('$');
                i += 2;
                continue;
            }
            int nameStart;
            int nameEnd;
            int next;
            char open = i + 1 < template.length() ? template.charAt(i + 1) : 0;
            if (open == '{' || open == '(') {
                char close = open == '{' ? '}' : ')';
                nameStart = i + 2;
                nameEnd = template.indexOf(close, nameStart);
                if (nameEnd < 0) {
                    throw new IllegalArgumentException("reply template has '" + open + "' at " + (i + 1)
                            + " without a closing '" + close + "': '" + template + "'");
                }
                next = nameEnd + 1;
            } else {
                nameStart = i + 1;
                nameEnd = nameStart;
                while (nameEnd < template.length() && isNameChar(template.charAt(nameEnd))) {
                    nameEnd++;
                }
                next = nameEnd;
            }
            String name = template.substring(nameStart, nameEnd);
            if (name.isEmpty()) {
                throw new IllegalArgumentException("reply template has a '$' at " + i
                        + " that starts no variable; write $$ for a dollar sign: '" + template + "'");
            }
            if (name.indexOf('?') >= 0 || name.indexOf(':') >= 0) {
                throw new IllegalArgumentException("reply template uses the conditional ${" + name
                        + "}, which Postern does not support; known variables: " + Variable.known());
            }
            parts.add(literalPart(literal));
            parts.add(new Part.Substitution(variable(name)));
            i = next;
        }
        parts.add(literalPart(literal));
        parts.removeIf(p -> p instanceof Part.Literal l && l.text().isEmpty());
        return new ReplyTemplate(template, parts);
    }

    /** Renders the template; every variable the template uses must be in {@code values}. */
    String render(Map<Variable, String> values) {
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            if (part instanceof Part.Literal l) {
                out.append(l.text());
            } else {
                Variable v = ((Part.Substitution) part).variable();
                String value = values.get(v);
                if (value == null) {
                    throw new IllegalStateException("no value for $" + v.name + " in " + values.keySet());
                }
                out.append(value);
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return source;
    }

    private static Part literalPart(StringBuilder literal) {
        Part part = new Part.Literal(literal.toString());
        literal.setLength(0);
        return part;
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

    private static Variable variable(String name) {
        for (Variable v : Variable.values()) {
            if (v.name.equals(name)) {
                return v;
            }
        }
        String why = name.equals("rbl_reason") || name.equals("rbl_txt")
                ? " (Postern does not look up the list's TXT record)"
                : "";
        throw new IllegalArgumentException("reply template uses $" + name + ", which Postern does not fill" + why
                + "; known variables: " + Variable.known());
    }
}
