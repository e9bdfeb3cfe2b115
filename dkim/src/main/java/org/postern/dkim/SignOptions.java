package org.postern.dkim;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How a {@link DkimSigner} signs.
 *
 * @param headerCanonicalization c= header part; relaxed survives the refolding and re-spacing relays do
 * @param bodyCanonicalization   c= body part
 * @param signedHeaders          the fields to sign when present, in h= order; each is listed once per instance in
 *                               the message (RFC 6376 §5.4.2 picks instances bottom-up). Must include From (RFC 6376
 *                               §5.4: "The From header field MUST be signed"). Names are written as given here.
 * @param oversignedHeaders      names from {@code signedHeaders} listed once more than they occur, so that nobody can
 *                               add another instance, nor add one that was absent (RFC 6376 §8.15)
 * @param identity               i=, e.g. {@code "@example.org"} or {@code "alice@mail.example.org"}; its domain must be
 *                               the signing domain or a subdomain; empty to leave i= out (it then means "@" d=)
 * @param timestamp              whether to write t= (RFC 6376 §3.5)
 * @param expireAfter            x= this long after signing, or empty for no x=
 * @param clock                  the time written in t= and x=
 */
public record SignOptions(Canonicalization headerCanonicalization, Canonicalization bodyCanonicalization,
                          List<String> signedHeaders, Set<String> oversignedHeaders, Optional<String> identity,
                          boolean timestamp, Optional<Duration> expireAfter, Clock clock) {

    /**
     * RFC 6376 §5.4.1's recommended fields, plus MIME's, in the order opendkim and rspamd write them.
     */
    public static final List<String> DEFAULT_SIGNED_HEADERS = List.of(
            "from", "reply-to", "subject", "date", "to", "cc", "message-id", "in-reply-to", "references",
            "mime-version", "content-type", "content-transfer-encoding", "content-disposition",
            "resent-date", "resent-from", "resent-to", "resent-cc", "list-id", "list-help", "list-unsubscribe",
            "list-subscribe", "list-post", "list-owner", "list-archive");

    /**
     * Fields nobody on the way may add: the ones a reader sees and the MIME structure. List-* fields are not among
     * them, so mailing lists can still add theirs (and re-sign).
     */
    public static final Set<String> DEFAULT_OVERSIGNED_HEADERS = Set.of(
            "from", "reply-to", "subject", "date", "to", "cc", "message-id", "in-reply-to", "references",
            "mime-version", "content-type", "content-transfer-encoding");

    /**
     * Checks the options.
     *
     * @throws IllegalArgumentException if From is not signed, an oversigned name is not signed, a name is not a
     *                                  field name, the expiry is not positive, or i= is malformed
     */
    public SignOptions {
        requireNonNull(headerCanonicalization, "headerCanonicalization");
        requireNonNull(bodyCanonicalization, "bodyCanonicalization");
        signedHeaders = List.copyOf(signedHeaders);
        oversignedHeaders = Set.copyOf(oversignedHeaders);
        requireNonNull(identity, "identity");
        requireNonNull(expireAfter, "expireAfter");
        requireNonNull(clock, "clock");
        Set<String> lowerSigned = new LinkedHashSet<>();
        for (String name : signedHeaders) {
            if (!isFieldName(name)) {
                throw new IllegalArgumentException("signed header name is not a field name: \"" + name + "\"");
            }
            if (!lowerSigned.add(Ascii.lower(name))) {
                throw new IllegalArgumentException("signed header " + name + " is listed twice; oversign it instead");
            }
        }
        if (!lowerSigned.contains("from")) {
            throw new IllegalArgumentException("signed headers must include From (RFC 6376 §5.4)");
        }
        for (String name : oversignedHeaders) {
            if (!lowerSigned.contains(Ascii.lower(name))) {
                throw new IllegalArgumentException("oversigned header " + name + " is not among the signed headers");
            }
        }
        if (identity.isPresent() && identity.get().indexOf('@') < 0) {
            throw new IllegalArgumentException("identity (i=) needs an \"@\": " + identity.get());
        }
        if (expireAfter.isPresent() && (expireAfter.get().isNegative() || expireAfter.get().getSeconds() < 1)) {
            throw new IllegalArgumentException("expireAfter must be at least one second: " + expireAfter.get());
        }
    }

    /**
     * relaxed/relaxed, {@link #DEFAULT_SIGNED_HEADERS} with {@link #DEFAULT_OVERSIGNED_HEADERS}, no i=, t= written,
     * no x=, the UTC system clock.
     */
    public static SignOptions defaults() {
        return new SignOptions(Canonicalization.RELAXED, Canonicalization.RELAXED, DEFAULT_SIGNED_HEADERS,
                DEFAULT_OVERSIGNED_HEADERS, Optional.empty(), true, Optional.empty(), Clock.systemUTC());
    }

    /** A copy with another c=. */
    public SignOptions withCanonicalization(Canonicalization header, Canonicalization body) {
        return new SignOptions(header, body, signedHeaders, oversignedHeaders, identity, timestamp, expireAfter, clock);
    }

    /** A copy with another clock. */
    public SignOptions withClock(Clock clock) {
        return new SignOptions(headerCanonicalization, bodyCanonicalization, signedHeaders, oversignedHeaders,
                identity, timestamp, expireAfter, clock);
    }

    /** RFC 5322 §2.2: printable US-ASCII except colon. */
    private static boolean isFieldName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 33 || c > 126 || c == ':') {
                return false;
            }
        }
        return true;
    }
}
