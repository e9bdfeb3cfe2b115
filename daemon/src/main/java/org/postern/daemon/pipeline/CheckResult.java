package org.postern.daemon.pipeline;

import java.util.List;

/**
 * What one check hook found: symbols for the score, {@code Authentication-Results} method entries (RFC 8601 §2.2
 * {@code resinfo}, e.g. {@code spf=pass smtp.mailfrom=example.org}) for the header, and trace headers to prepend to
 * delivered inbound mail (e.g. {@code Received-SPF}, RFC 7208 §9.1), values with their leading space.
 */
public record CheckResult(List<Symbol> symbols, List<String> authenticationResults,
                          List<ReceivedHeaders.Field> traceHeaders) {

    public static final CheckResult NOTHING = new CheckResult(List.of(), List.of(), List.of());

    public CheckResult {
        symbols = List.copyOf(symbols);
        authenticationResults = List.copyOf(authenticationResults);
        traceHeaders = List.copyOf(traceHeaders);
    }

    /** Symbols only. */
    public static CheckResult of(List<Symbol> symbols) {
        return symbols.isEmpty() ? NOTHING : new CheckResult(symbols, List.of(), List.of());
    }
}
