package org.postern.config;

import static org.postern.config.Checks.orDefault;

import java.util.regex.Pattern;

/**
 * Which headers Postern adds to and removes from incoming mail. YAML key {@code headers}.
 *
 * @param spamHeaders              add {@code X-Spam-Flag}, {@code X-Spam-Score} and {@code X-Spam-Status} in
 *                                 SpamAssassin's format, so existing Sieve and procmail rules keep working; default
 *                                 true
 * @param symbolsHeader            name of the header that lists the symbols and scores of a message; an RFC 5322
 *                                 field name (printable US-ASCII, no spaces or colons); default
 *                                 {@code X-Postern-Symbols}. Null means the default; never null after construction.
 * @param authenticationResults    add an RFC 8601 {@code Authentication-Results} header with the SPF, DKIM and DMARC
 *                                 results; default true
 * @param removeForeignSpamHeaders delete incoming {@code X-Spam-*} headers and {@code symbolsHeader} before adding
 *                                 Postern's, so a sender cannot forge a verdict; default true
 * @throws IllegalArgumentException if {@code symbolsHeader} is not a field name; the message names the YAML key
 */
public record HeadersConfig(boolean spamHeaders, String symbolsHeader, boolean authenticationResults,
        boolean removeForeignSpamHeaders) {

    // RFC 5322 §3.6.8: field-name = 1*ftext, ftext = %d33-57 / %d59-126.
    private static final Pattern FIELD_NAME = Pattern.compile("[!-9;-~]+");

    // Last: the constructor it calls reads the constants above.
    static final HeadersConfig DEFAULTS = new HeadersConfig(true, null, true, true);

    public HeadersConfig {
        symbolsHeader = orDefault(symbolsHeader, "X-Postern-Symbols");
        if (!FIELD_NAME.matcher(symbolsHeader).matches()) {
            throw InvalidValueException.ofKey("symbols_header", "must be a header field name (printable US-ASCII"
                    + " without spaces or colons) such as X-Postern-Symbols, not " + Checks.quote(symbolsHeader));
        }
    }
}
