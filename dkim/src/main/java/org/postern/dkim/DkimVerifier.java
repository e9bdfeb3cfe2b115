package org.postern.dkim;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.postern.dns.DnsAnswer;
import org.postern.dns.DnsResolver;
import org.postern.dns.DnsType;

/**
 * Verifies DKIM signatures (RFC 6376) with rsa-sha256 and ed25519-sha256 (RFC 8463), under RFC 8301's rules.
 *
 * <p>Use: at end of headers call {@link #begin} with the message's header fields exactly as received; it parses
 * every DKIM-Signature, prepares the header data, and starts the key lookups at once, so DNS runs while the body
 * arrives. Feed the body to {@link DkimVerification#body} chunk by chunk, then {@link DkimVerification#finish}.
 * <pre>
 * DkimVerification v = verifier.begin(headers);     // EOH: key lookups start
 * v.body(chunk);                                     // each SMFIC_BODY chunk
 * v.finish().thenAcceptAsync(session::recordDkim, ctx.executor());   // EOM
 * </pre>
 *
 * <p>Thread-safe; one instance serves the whole daemon. It never blocks: {@code begin} and {@code body} only compute,
 * and results complete when the key answers are in. Parsed key records are cached by their text (at most
 * {@value #PARSED_KEY_CHARS} chars of it); DNS answers are cached by the {@link DnsResolver}, which stays owned by
 * the caller.
 */
public final class DkimVerifier {

    /** Bound on the key-record text held by the parsed-key cache, in chars (about 10 000 RSA-2048 records). */
    static final long PARSED_KEY_CHARS = 4L << 20;

    private final DnsResolver dns;
    private final DkimVerifierSettings settings;
    private final Cache<String, Parsed<KeyRecord>> keys;

    private DkimVerifier(DnsResolver dns, DkimVerifierSettings settings) {
        this.dns = requireNonNull(dns, "dns");
        this.settings = requireNonNull(settings, "settings");
        this.keys = Caffeine.newBuilder()
                .maximumWeight(PARSED_KEY_CHARS)
                .weigher((String text, Parsed<KeyRecord> parsed) -> text.length())
                .build();
    }

    /** A verifier that fetches keys through {@code dns} ({@link DkimVerifierSettings#defaults()} suits most). */
    public static DkimVerifier create(DnsResolver dns, DkimVerifierSettings settings) {
        return new DkimVerifier(dns, settings);
    }

    /**
     * Starts verifying one message: parses its DKIM-Signature fields (the first
     * {@link DkimVerifierSettings#maxSignatures()}, top to bottom) and starts a key lookup for each one that is well
     * formed. Call it once the header is complete (SMFIC_EOH).
     *
     * @param headers every header field, top to bottom, exactly as received ({@link HeaderField} says what that
     *                means); the list is copied
     * @return the per-message state, to be fed the body; never null, also for a message without signatures
     */
    public DkimVerification begin(List<HeaderField> headers) {
        return new DkimVerification(this, List.copyOf(headers));
    }

    DkimVerifierSettings settings() {
        return settings;
    }

    /** The parsed form of a key record's text, from the cache when it was seen before. */
    Parsed<KeyRecord> parseKey(String text) {
        return keys.get(text, KeyRecord::parse);
    }

    /** The TXT lookup of a key, with the settings' deadline; never completes exceptionally. */
    CompletableFuture<DnsAnswer> lookupKey(String name) {
        return dns.lookup(name, DnsType.TXT).toCompletableFuture().copy()
                .completeOnTimeout(new DnsAnswer.Failure(DnsAnswer.FailureKind.TIMEOUT, "no key within "
                        + settings.keyLookupTimeout().toMillis() + " ms"),
                        settings.keyLookupTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }
}
