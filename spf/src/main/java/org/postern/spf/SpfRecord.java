package org.postern.spf;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A parsed SPF record (RFC 7208 §4.5, §4.6, §12). The whole record is parsed before anything is evaluated, so a
 * syntax error anywhere is a permerror even when an earlier directive would have matched (§4.6, suite
 * detect-errors-anywhere).
 *
 * <pre>
 * record           = version terms *SP
 * version          = "v=spf1"
 * terms            = *( 1*SP ( directive / modifier ) )
 * directive        = [ qualifier ] mechanism
 * qualifier        = "+" / "-" / "?" / "~"
 * mechanism        = ( all / include / a / mx / ptr / ip4 / ip6 / exists )
 * modifier         = redirect / explanation / unknown-modifier
 * </pre>
 *
 * @param directives  the directives, in order
 * @param redirect    the redirect= modifier, if any (at most one, §6)
 * @param explanation the exp= modifier, if any (at most one, §6)
 */
record SpfRecord(List<Directive> directives, Optional<RedirectModifier> redirect,
                 Optional<ExplanationModifier> explanation) {

    private static final String VERSION = "v=spf1";

    /** The mechanism parsers by name. A fixed table: no reflection, no class names in files. */
    private static final Map<String, Function<String, Parsed<Mechanism>>> MECHANISMS = Map.of(
            "all", AllMechanism::parse,
            "include", IncludeMechanism::parse,
            "a", AMechanism::parse,
            "mx", MxMechanism::parse,
            "ptr", PtrMechanism::parse,
            "ip4", IpMechanism.Family.IP4::parse,
            "ip6", IpMechanism.Family.IP6::parse,
            "exists", ExistsMechanism::parse);

    SpfRecord {
        directives = List.copyOf(directives);
        requireNonNull(redirect, "redirect");
        requireNonNull(explanation, "explanation");
    }

    /**
     * RFC 7208 §4.5: whether a TXT string is an SPF record: "v=spf1" in any case, then a space or the end ("v=spf10"
     * is not one).
     */
    static boolean hasVersion(String text) {
        return text.regionMatches(true, 0, VERSION, 0, VERSION.length())
                && (text.length() == VERSION.length() || text.charAt(VERSION.length()) == ' ');
    }

    /** Parses a record that {@link #hasVersion has the version}. */
    static Parsed<SpfRecord> parse(String text) {
        if (!hasVersion(text)) {
            return Parsed.error("not an SPF record");
        }
        // RFC 7208 §3.1 and §4.6.1: records are 7-bit ASCII and terms are separated by SP only, so any other
        // character (a CR, a TAB, a UTF-8 byte order mark) is a syntax error (suite non-ascii-*, control-char-*).
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return Parsed.error(String.format(Locale.ROOT, "character U+%04X at offset %d", (int) c, i));
            }
        }
        List<Directive> directives = new ArrayList<>();
        RedirectModifier redirect = null;
        ExplanationModifier explanation = null;
        for (String term : text.substring(VERSION.length()).split(" ")) {
            if (term.isEmpty()) {
                continue;            // 1*SP between terms, *SP at the end (suite two-spaces, trailing-space)
            }
            int equals = modifierNameEnd(term);
            if (equals < 0) {
                Parsed<Directive> directive = parseDirective(term);
                if (!directive.isOk()) {
                    return Parsed.error(directive.error());
                }
                directives.add(directive.value());
                continue;
            }
            String name = term.substring(0, equals).toLowerCase(Locale.ROOT);
            String value = term.substring(equals + 1);
            switch (name) {
                case "redirect" -> {
                    // RFC 7208 §6: redirect and exp "MUST NOT appear in a record more than once each".
                    if (redirect != null) {
                        return Parsed.error("redirect= appears twice");
                    }
                    Parsed<RedirectModifier> parsed = RedirectModifier.parse(value);
                    if (!parsed.isOk()) {
                        return Parsed.error("redirect=: " + parsed.error());
                    }
                    redirect = parsed.value();
                }
                case "exp" -> {
                    if (explanation != null) {
                        return Parsed.error("exp= appears twice");
                    }
                    Parsed<ExplanationModifier> parsed = ExplanationModifier.parse(value);
                    if (!parsed.isOk()) {
                        return Parsed.error("exp=: " + parsed.error());
                    }
                    explanation = parsed.value();
                }
                default -> {
                    Parsed<String> unknown = UnknownModifier.check(name, value);
                    if (!unknown.isOk()) {
                        return Parsed.error(name + "=: " + unknown.error());
                    }
                }
            }
        }
        return Parsed.ok(new SpfRecord(directives, Optional.ofNullable(redirect), Optional.ofNullable(explanation)));
    }

    /**
     * The index of the "=" if {@code term} is a modifier ({@code name "="}, name = ALPHA *( ALPHA / DIGIT / "-" /
     * "_" / "." )), else -1. A term whose would-be name holds ":" or "/" is a (bad) mechanism (suite
     * modifier-charset-bad1/2); one starting with a digit or "=" too (invalid-modifier, empty-modifier-name).
     */
    private static int modifierNameEnd(String term) {
        char first = term.charAt(0);
        if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z'))) {
            return -1;
        }
        for (int i = 1; i < term.length(); i++) {
            char c = term.charAt(i);
            if (c == '=') {
                return i;
            }
            if (!UnknownModifier.isNameChar(c)) {
                return -1;
            }
        }
        return -1;
    }

    private static Parsed<Directive> parseDirective(String term) {
        Qualifier qualifier = Qualifier.of(term.charAt(0));
        String mechanism = qualifier == null ? term : term.substring(1);
        int end = 0;
        while (end < mechanism.length() && mechanism.charAt(end) != ':' && mechanism.charAt(end) != '/') {
            end++;
        }
        String name = mechanism.substring(0, end).toLowerCase(Locale.ROOT);
        Function<String, Parsed<Mechanism>> parser = MECHANISMS.get(name);
        if (parser == null) {
            return Parsed.error("unknown mechanism \"" + MacroString.printable(term) + "\"");
        }
        Qualifier q = qualifier == null ? Qualifier.PASS : qualifier;
        return parser.apply(mechanism.substring(end)).map(m -> new Directive(q, m, term));
    }
}
