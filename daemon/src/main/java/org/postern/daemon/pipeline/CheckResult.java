package org.postern.daemon.pipeline;

import java.util.List;

/**
 * What one check hook found: symbols for the score, {@code Authentication-Results} method entries (RFC 8601 §2.2
 * {@code resinfo}, e.g. {@code spf=pass smtp.mailfrom=example.org}) for the header, trace headers to prepend to
 * delivered inbound mail (e.g. {@code Received-SPF}, RFC 7208 §9.1), signatures to put on top of any delivered
 * message (DKIM-Signature of outgoing mail), values with their leading space; and the identities an authentication
 * method vouched for, for DMARC.
 */
public record CheckResult(List<Symbol> symbols, List<String> authenticationResults,
                          List<ReceivedHeaders.Field> traceHeaders, List<ReceivedHeaders.Field> signatures,
                          List<AuthenticatedIdentity> identities) {

    public static final CheckResult NOTHING = new CheckResult(List.of(), List.of(), List.of(), List.of(), List.of());

    public CheckResult {
        symbols = List.copyOf(symbols);
        authenticationResults = List.copyOf(authenticationResults);
        traceHeaders = List.copyOf(traceHeaders);
        signatures = List.copyOf(signatures);
        identities = List.copyOf(identities);
    }

    /** Symbols, Authentication-Results entries and trace headers; no signature, no identity. */
    public CheckResult(List<Symbol> symbols, List<String> authenticationResults,
                       List<ReceivedHeaders.Field> traceHeaders) {
        this(symbols, authenticationResults, traceHeaders, List.of(), List.of());
    }

    /** Symbols only. */
    public static CheckResult of(List<Symbol> symbols) {
        return symbols.isEmpty() ? NOTHING : new CheckResult(symbols, List.of(), List.of());
    }

    /** Signatures only. */
    public static CheckResult signatures(List<ReceivedHeaders.Field> signatures) {
        return new CheckResult(List.of(), List.of(), List.of(), signatures, List.of());
    }
}
