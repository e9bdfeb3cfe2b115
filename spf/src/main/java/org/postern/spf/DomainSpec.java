package org.postern.spf;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A domain-spec: the target of include, a, mx, ptr, exists, redirect and exp (RFC 7208 §7.1).
 *
 * <pre>
 * domain-spec      = macro-string domain-end
 * domain-end       = ( "." toplabel [ "." ] ) / macro-expand
 * toplabel         = ( *alphanum ALPHA *alphanum ) /
 *                    ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
 * </pre>
 *
 * The syntax is checked on the text as written, never after expansion (suite case "invalid-hello-macro").
 */
final class DomainSpec {

    private final MacroString macros;

    private DomainSpec(MacroString macros) {
        this.macros = macros;
    }

    /** Parses a domain-spec; an empty one is a syntax error (RFC 7208 §5.2, §6.1, §6.2 and the suite). */
    static Parsed<DomainSpec> parse(String text) {
        if (text.isEmpty()) {
            return Parsed.error("empty domain-spec");
        }
        return MacroString.parse(text, MacroString.Context.DOMAIN_SPEC).flatMap(DomainSpec::checkEnd);
    }

    private static Parsed<DomainSpec> checkEnd(MacroString macros) {
        if (macros.endsWithMacroExpand()) {
            return Parsed.ok(new DomainSpec(macros));
        }
        String tail = DomainNames.withoutTrailingDot(macros.trailingLiteral());
        int dot = tail.lastIndexOf('.');
        // RFC 7208 §7.1: domain-end = "." toplabel [ "." ]: a bare top label ("museum", "museum.") is not enough,
        // and a top label is letters, digits and inner dashes, never all digits ("a:192.0.2.1").
        if (dot < 0 || !DomainNames.isTopLabel(tail.substring(dot + 1))) {
            return Parsed.error("domain-spec \"" + MacroString.printable(macros.text())
                    + "\" does not end in a macro or \".\" toplabel");
        }
        return Parsed.ok(new DomainSpec(macros));
    }

    /**
     * Expands the macros for check_host() at {@code domain} and returns the DNS name to query, or empty when the
     * expansion is not a usable domain name (RFC 7208 §4.8: treated as non-existent). Completes without DNS unless
     * the spec uses {@code %{p}}.
     */
    CompletionStage<Optional<String>> target(Evaluation evaluation, String domain) {
        return evaluation.expand(macros, domain).thenApply(DomainNames::queryName);
    }

    /** The domain-spec as written. */
    String text() {
        return macros.text();
    }

    @Override
    public String toString() {
        return macros.text();
    }
}
