package org.postern.spf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A parsed macro-string (RFC 7208 §7) and its expansion.
 *
 * <pre>
 * macro-string     = *( macro-expand / macro-literal )
 * macro-expand     = ( "%{" macro-letter transformers *delimiter "}" ) / "%%" / "%_" / "%-"
 * macro-literal    = %x21-24 / %x26-7E                ; visible characters except "%"
 * macro-letter     = "s" / "l" / "o" / "d" / "i" / "p" / "h" / "c" / "r" / "t" / "v"
 * transformers     = *DIGIT [ "r" ]
 * delimiter        = "." / "-" / "+" / "," / "/" / "_" / "="
 * explain-string   = *( macro-string / SP )          ; RFC 7208 §6.2
 * </pre>
 *
 * <p>Expansion (§7.3): the letter's value is split on the delimiters (default "."), reversed if asked, cut to the
 * given number of right-hand parts, and joined with "."; an upper-case letter URL-escapes the result (§7.3, last
 * paragraph). Expansion itself never touches DNS: the caller supplies {@code %{p}} (see {@link Evaluation#expand}).
 */
final class MacroString {

    /** Where the macro-string appears; decides which letters and characters are allowed. */
    enum Context {
        /** A domain-spec: no SP, and c, r, t are reserved for explanations (RFC 7208 §7.3). */
        DOMAIN_SPEC,
        /** An explanation string fetched by exp= (RFC 7208 §6.2): SP allowed, every letter. */
        EXPLANATION,
        /** The value of an unknown modifier (RFC 7208 §6, A): never expanded, only checked. */
        MODIFIER_VALUE
    }

    /** One piece of a macro-string. */
    private sealed interface Part {
        void expandInto(StringBuilder out, MacroValues values);

        /** Whether expanding this part needs {@code %{p}}. */
        boolean usesPtr();

        /** The literal text, or empty for a macro-expand (which is a valid domain-end, RFC 7208 §7.1). */
        Optional<String> literal();
    }

    /** Literal characters, copied as they are. */
    private record Literal(String text) implements Part {
        public void expandInto(StringBuilder out, MacroValues values) {
            out.append(text);
        }
        public boolean usesPtr() { return false; }
        public Optional<String> literal() { return Optional.of(text); }
    }

    /** "%%", "%_" or "%-": a macro-expand with a fixed expansion (RFC 7208 §7.1). */
    private record Escape(String expansion) implements Part {
        public void expandInto(StringBuilder out, MacroValues values) {
            out.append(expansion);
        }
        public boolean usesPtr() { return false; }
        public Optional<String> literal() { return Optional.empty(); }
    }

    /** "%{" letter [digits] ["r"] delimiters "}". {@code keepRight} 0 means all parts. */
    private record Macro(char letter, boolean urlEscape, int keepRight, boolean reverse, String delimiters)
            implements Part {
        public void expandInto(StringBuilder out, MacroValues values) {
            String value = values.value(letter);
            // RFC 7208 §7.3: split on any delimiter (default "."), reverse, keep the right-hand parts, join with ".".
            List<String> parts = split(value, delimiters.isEmpty() ? "." : delimiters);
            if (reverse) {
                Collections.reverse(parts);
            }
            if (keepRight > 0 && keepRight < parts.size()) {
                parts = parts.subList(parts.size() - keepRight, parts.size());
            }
            String joined = String.join(".", parts);
            out.append(urlEscape ? MacroString.urlEscape(joined) : joined);
        }
        public boolean usesPtr() { return letter == 'p'; }
        public Optional<String> literal() { return Optional.empty(); }
    }

    private static final String LETTERS = "slodiphcrtv";
    private static final String EXPLANATION_ONLY = "crt";
    private static final String DELIMITERS = ".-+,/_=";

    private final String text;
    private final List<Part> parts;

    private MacroString(String text, List<Part> parts) {
        this.text = text;
        this.parts = List.copyOf(parts);
    }

    /** Parses {@code text} as a macro-string in the given context; a syntax error names the offending position. */
    static Parsed<MacroString> parse(String text, Context context) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '%') {
                boolean allowed = (c >= 0x21 && c <= 0x7e) || (c == ' ' && context == Context.EXPLANATION);
                if (!allowed) {
                    return Parsed.error(String.format("character U+%04X not allowed at offset %d of \"%s\"",
                            (int) c, i, printable(text)));
                }
                literal.append(c);
                i++;
                continue;
            }
            if (literal.length() > 0) {
                parts.add(new Literal(literal.toString()));
                literal.setLength(0);
            }
            char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
            switch (next) {
                case '%' -> parts.add(new Escape("%"));
                case '_' -> parts.add(new Escape(" "));
                case '-' -> parts.add(new Escape("%20"));
                case '{' -> {
                    int close = text.indexOf('}', i + 2);
                    if (close < 0) {
                        return Parsed.error("unterminated macro at offset " + i + " of \"" + printable(text) + "\"");
                    }
                    Parsed<Macro> macro = parseMacro(text.substring(i + 2, close), context);
                    if (!macro.isOk()) {
                        return Parsed.error(macro.error() + " in \"" + printable(text) + "\"");
                    }
                    parts.add(macro.value());
                    i = close + 1;
                    continue;
                }
                // RFC 7208 §7.1: a "%" not followed by "{", "%", "-" or "_" is a syntax error.
                default -> {
                    return Parsed.error("'%' not followed by '{', '%', '_' or '-' at offset " + i + " of \""
                            + printable(text) + "\"");
                }
            }
            i += 2;
        }
        if (literal.length() > 0) {
            parts.add(new Literal(literal.toString()));
        }
        return Parsed.ok(new MacroString(text, parts));
    }

    /** Parses the inside of "%{...}": letter, transformers, delimiters. */
    private static Parsed<Macro> parseMacro(String body, Context context) {
        if (body.isEmpty()) {
            return Parsed.error("empty macro %{}");
        }
        char upper = body.charAt(0);
        char letter = Character.toLowerCase(upper);
        if (upper > 0x7e || LETTERS.indexOf(letter) < 0) {
            return Parsed.error("unknown macro letter '" + printable(String.valueOf(upper)) + "'");
        }
        // RFC 7208 §7.3: c, r and t are allowed only in explanation strings.
        if (context == Context.DOMAIN_SPEC && EXPLANATION_ONLY.indexOf(letter) >= 0) {
            return Parsed.error("macro letter '" + upper + "' is allowed only in exp= explanations");
        }
        int i = 1;
        long digits = 0;
        boolean hasDigits = false;
        while (i < body.length() && body.charAt(i) >= '0' && body.charAt(i) <= '9') {
            digits = Math.min(Integer.MAX_VALUE, digits * 10 + (body.charAt(i) - '0'));
            hasDigits = true;
            i++;
        }
        // RFC 7208 §7.3: "If a DIGIT is specified, the value MUST be nonzero."
        if (hasDigits && digits == 0) {
            return Parsed.error("macro transformer 0 (must be nonzero)");
        }
        boolean reverse = false;
        if (i < body.length() && (body.charAt(i) == 'r' || body.charAt(i) == 'R')) {
            reverse = true;
            i++;
        }
        String delimiters = body.substring(i);
        for (int k = 0; k < delimiters.length(); k++) {
            if (DELIMITERS.indexOf(delimiters.charAt(k)) < 0) {
                return Parsed.error("bad macro delimiter '" + printable(delimiters.substring(k, k + 1)) + "'");
            }
        }
        return Parsed.ok(new Macro(letter, Character.isUpperCase(upper), (int) digits, reverse, delimiters));
    }

    /** Expands every macro with the given values. */
    String expand(MacroValues values) {
        StringBuilder out = new StringBuilder(text.length() + 32);
        for (Part part : parts) {
            part.expandInto(out, values);
        }
        return out.toString();
    }

    /** Whether expansion needs {@code %{p}}, the validated reverse name, which costs DNS lookups (RFC 7208 §7.3). */
    boolean usesPtr() {
        for (Part part : parts) {
            if (part.usesPtr()) {
                return true;
            }
        }
        return false;
    }

    /** Whether the last part is a macro-expand ("%{...}", "%%", "%_", "%-"): a valid domain-end (RFC 7208 §7.1). */
    boolean endsWithMacroExpand() {
        return !parts.isEmpty() && parts.get(parts.size() - 1).literal().isEmpty();
    }

    /** The literal text after the last macro-expand ("" when the string ends with one). */
    String trailingLiteral() {
        return parts.isEmpty() ? "" : parts.get(parts.size() - 1).literal().orElse("");
    }

    /** The macro-string as written. */
    String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }

    /** Splits on any of the delimiter characters, keeping empty parts (as "a..b" has). */
    private static List<String> split(String value, String delimiters) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            if (delimiters.indexOf(value.charAt(i)) >= 0) {
                parts.add(value.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(value.substring(start));
        return parts;
    }

    /**
     * RFC 7208 §7.3: upper-case macros are URL-escaped; every octet of the UTF-8 encoding outside RFC 3986's
     * unreserved set (ALPHA DIGIT "-" "." "_" "~") becomes %XX.
     */
    static String urlEscape(String value) {
        byte[] octets = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(octets.length * 3);
        for (byte b : octets) {
            int c = b & 0xff;
            boolean unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~';
            if (unreserved) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /** The text with control and non-ASCII characters shown as \\uXXXX, for error messages and logs. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), 200) + 16);
        for (int i = 0; i < text.length() && out.length() < 200; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c <= 0x7e) {
                out.append(c);
            } else {
                out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            }
        }
        return out.length() >= 200 ? out + "..." : out.toString();
    }
}
