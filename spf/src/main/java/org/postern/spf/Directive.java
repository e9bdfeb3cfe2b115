package org.postern.spf;

import static java.util.Objects.requireNonNull;

/**
 * RFC 7208 §4.6.1: {@code directive = [ qualifier ] mechanism}.
 *
 * @param qualifier what a match means
 * @param mechanism what to test
 * @param text      the term as written in the record ("-all", "include:_spf.example.net"), for logs and reasons
 */
record Directive(Qualifier qualifier, Mechanism mechanism, String text) {
    Directive {
        requireNonNull(qualifier, "qualifier");
        requireNonNull(mechanism, "mechanism");
        requireNonNull(text, "text");
    }
}
