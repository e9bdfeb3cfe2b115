package org.postern.daemon.pipeline;

import java.util.List;

/**
 * What one check hook found: symbols for the score, and {@code Authentication-Results} method entries (RFC 8601 §2.2
 * {@code resinfo}, e.g. {@code spf=pass smtp.mailfrom=example.org}) for the header.
 */
public record CheckResult(List<Symbol> symbols, List<String> authenticationResults) {

    public static final CheckResult NOTHING = new CheckResult(List.of(), List.of());

    public CheckResult {
        symbols = List.copyOf(symbols);
        authenticationResults = List.copyOf(authenticationResults);
    }

    public static CheckResult of(List<Symbol> symbols) {
        return symbols.isEmpty() ? NOTHING : new CheckResult(symbols, List.of());
    }
}
