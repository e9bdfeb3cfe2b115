package org.postern.dkim;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.postern.dns.DnsAnswer;
import org.postern.dns.DnsRecord;

/**
 * The verification of one message's DKIM signatures, from end of headers to end of message (RFC 6376 §6).
 *
 * <p>Made by {@link DkimVerifier#begin}, which already parsed the signatures, built each one's header data and
 * started the key lookups. {@link #body} hashes the body as it streams by: one canonicalizing hasher per distinct
 * (canonicalization, l=) pair, each with a fixed buffer, so memory does not grow with the body. {@link #finish}
 * waits for the keys and decides.
 *
 * <p>Not thread-safe: one message, one thread at a time (a milter session's event loop). No method blocks.
 */
public final class DkimVerification {

    private static final System.Logger LOG = System.getLogger(DkimVerification.class.getName());

    /** One DKIM-Signature field: decided already, or waiting for its key and the body. */
    private sealed interface Check {
        DkimSignature.Id id();
    }

    private record Decided(DkimSignature.Id id, DkimResult result) implements Check {}

    private record Pending(DkimSignature.Id id, DkimSignature signature, String headerData, BodyHasher hasher,
                           CompletableFuture<DnsAnswer> key) implements Check {}

    /** Signatures with the same body canonicalization and l= share one hasher. */
    private record HasherKey(Canonicalization canonicalization, long limit) {}

    private final DkimVerifier verifier;
    private final List<Check> checks = new ArrayList<>();
    private final Map<HasherKey, BodyHasher> hashers = new LinkedHashMap<>();
    private boolean finished;

    DkimVerification(DkimVerifier verifier, List<HeaderField> headers) {
        this.verifier = verifier;
        int max = verifier.settings().maxSignatures();
        for (int i = 0; i < headers.size(); i++) {
            if (!headers.get(i).isNamed("dkim-signature")) {
                continue;
            }
            if (checks.size() < max) {
                checks.add(prepare(headers, i));
            } else {
                DkimSignature.Id id = TagList.parse(headers.get(i).value()) instanceof Parsed.Ok<TagList> ok
                        ? DkimSignature.Id.of(ok.value()) : DkimSignature.Id.UNKNOWN;
                checks.add(new Decided(id, new DkimResult.Neutral(id.domain(), id.selector(), id.headerB(),
                        "not evaluated: more than " + max + " signatures")));
            }
        }
    }

    /** RFC 6376 §6.1.1: everything that can be checked before the key is fetched; a lookup only if it passes. */
    private Check prepare(List<HeaderField> headers, int index) {
        HeaderField field = headers.get(index);
        Parsed<TagList> tags = TagList.parse(field.value());
        if (tags instanceof Parsed.Invalid<TagList> invalid) {
            return decided(DkimSignature.Id.UNKNOWN, invalid.reason());
        }
        DkimSignature.Id id = DkimSignature.Id.of(((Parsed.Ok<TagList>) tags).value());
        Parsed<DkimSignature> parsed = DkimSignature.from(((Parsed.Ok<TagList>) tags).value());
        if (parsed instanceof Parsed.Invalid<DkimSignature> invalid) {
            return decided(id, invalid.reason());
        }
        DkimSignature signature = ((Parsed.Ok<DkimSignature>) parsed).value();
        // RFC 6376 §6.1.1: "If the "h=" tag does not include the From header field, the Verifier MUST ignore the
        // DKIM-Signature header field and return PERMFAIL (From field not signed)."
        if (!signature.signsFrom()) {
            return decided(id, "From is not signed");
        }
        DkimVerifierSettings settings = verifier.settings();
        long now = settings.clock().instant().getEpochSecond();
        long skew = settings.clockSkew().getSeconds();
        // RFC 6376 §3.5 x=: "Signatures MAY be considered invalid if the verification time at the Verifier is past
        // the expiration date"; §6.1.1 makes it a PERMFAIL (signature expired).
        if (signature.expiration().isPresent() && now > saturatedAdd(signature.expiration().getAsLong(), skew)) {
            return decided(id, "signature expired");
        }
        // RFC 6376 §3.5 t=: "Implementations MAY ignore signatures that have a timestamp in the future."
        if (signature.timestamp().isPresent() && signature.timestamp().getAsLong() > saturatedAdd(now, skew)) {
            return decided(id, "signature timestamp is in the future");
        }
        String headerData = SignedHeaders.data(headers, index, signature.signedHeaders(), signature.headerCanon(),
                field);
        long limit = signature.bodyLength().orElse(-1);
        BodyHasher hasher = hashers.computeIfAbsent(new HasherKey(signature.bodyCanon(), limit),
                k -> new BodyHasher(k.canonicalization(), "SHA-256", k.limit()));
        return new Pending(id, signature, headerData, hasher, verifier.lookupKey(signature.keyName()));
    }

    private static Decided decided(DkimSignature.Id id, String reason) {
        return new Decided(id, new DkimResult.PermError(id.domain(), id.selector(), id.headerB(), reason));
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    /**
     * Hashes the next piece of the body.
     *
     * @param chunk body octets with CRLF line ends, as Postfix sends SMFIC_BODY; chunks may split anywhere. The
     *              remaining octets are read; the buffer's position is left unchanged and it is not kept.
     * @throws IllegalStateException after {@link #finish}
     */
    public void body(ByteBuffer chunk) {
        if (finished) {
            throw new IllegalStateException("body chunk after finish()");
        }
        for (BodyHasher hasher : hashers.values()) {
            hasher.update(chunk);
        }
    }

    /**
     * Ends the body and verifies every signature once its key is in.
     *
     * @return one result per DKIM-Signature field, in header order (top to bottom); an empty list for a message
     *     without signatures (Authentication-Results {@code dkim=none}). Never completes exceptionally: DNS trouble
     *     and the lookup deadline are {@link DkimResult.TempError}, and a bug in this code is logged at ERROR and
     *     makes every pending signature a TempError. Completes at once on the caller's thread when no lookup is
     *     outstanding, otherwise on the resolver's thread or the JDK's delay thread (deadline), where the signature
     *     arithmetic then runs (tens of microseconds per RSA-2048 signature).
     * @throws IllegalStateException when called twice
     */
    public CompletionStage<List<DkimResult>> finish() {
        if (finished) {
            throw new IllegalStateException("finish() called twice");
        }
        finished = true;
        Map<BodyHasher, BodyHasher.Digest> digests = new IdentityHashMap<>();
        for (BodyHasher hasher : hashers.values()) {
            digests.put(hasher, hasher.finish());
        }
        List<CompletableFuture<DnsAnswer>> lookups = new ArrayList<>();
        for (Check check : checks) {
            if (check instanceof Pending p) {
                lookups.add(p.key());
            }
        }
        return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new))
                .thenApply(done -> decide(digests))
                .exceptionally(this::internalError);
    }

    private List<DkimResult> decide(Map<BodyHasher, BodyHasher.Digest> digests) {
        List<DkimResult> results = new ArrayList<>(checks.size());
        for (Check check : checks) {
            if (check instanceof Decided d) {
                results.add(d.result());
            } else {
                Pending p = (Pending) check;
                results.add(evaluate(p, p.key().join(), digests.get(p.hasher())));   // join: already complete
            }
        }
        return List.copyOf(results);
    }

    private List<DkimResult> internalError(Throwable bug) {
        LOG.log(System.Logger.Level.ERROR, "DKIM verification failed unexpectedly", bug);
        List<DkimResult> results = new ArrayList<>(checks.size());
        for (Check check : checks) {
            DkimSignature.Id id = check.id();
            results.add(check instanceof Decided d ? d.result()
                    : new DkimResult.TempError(id.domain(), id.selector(), id.headerB(), "internal error"));
        }
        return List.copyOf(results);
    }

    /** RFC 6376 §6.1.2 (get the key) and §6.1.3 (compute the verification) for one signature. */
    private DkimResult evaluate(Pending p, DnsAnswer answer, BodyHasher.Digest body) {
        DkimSignature.Id id = p.id();
        DkimSignature sig = p.signature();
        // RFC 6376 §6.1.2: a key query that fails to respond is TEMPFAIL (key unavailable).
        if (answer.isFailure()) {
            DnsAnswer.Failure failure = (DnsAnswer.Failure) answer;
            return new DkimResult.TempError(id.domain(), id.selector(), id.headerB(),
                    "key lookup failed: " + failure.kind().name().toLowerCase(Locale.ROOT));
        }
        // RFC 6376 §6.1.2: a key record that does not exist is PERMFAIL (no key for signature).
        Optional<String> firstProblem = Optional.empty();
        KeyRecord key = null;
        for (DnsRecord record : answer.records()) {
            if (!(record instanceof DnsRecord.Txt txt)) {
                continue;
            }
            // RFC 6376 §6.1.2: of several key records the verifier may choose one; the first usable one it is. A
            // record that does not adhere to the format is ignored, and with none left it is PERMFAIL (key syntax
            // error).
            Parsed<KeyRecord> parsed = verifier.parseKey(txt.joined());
            if (parsed instanceof Parsed.Ok<KeyRecord> ok) {
                key = ok.value();
                break;
            }
            if (firstProblem.isEmpty()) {
                firstProblem = Optional.of(((Parsed.Invalid<KeyRecord>) parsed).reason());
            }
        }
        if (key == null) {
            return permError(id, firstProblem.orElse("no key for signature"));
        }
        // RFC 6376 §3.6.1 p=: "An empty value means that this public key has been revoked."
        if (key.key().isEmpty()) {
            return permError(id, "key revoked");
        }
        // RFC 6376 §6.1.2, RFC 8463 §4: a key unsuitable for a= is PERMFAIL (inappropriate key algorithm).
        if (!key.keyType().equals(sig.algorithm().keyType())) {
            return permError(id, "key type k=" + key.keyType() + " does not match a=" + sig.algorithm().tagValue());
        }
        // RFC 6376 §3.6.1 h=, §6.1.2: a hash the key does not list is PERMFAIL (inappropriate hash algorithm).
        if (!key.hashes().isEmpty() && !key.hashes().contains(sig.algorithm().hashName())) {
            return permError(id, "key does not allow " + sig.algorithm().hashName() + " (h=)");
        }
        // RFC 6376 §3.6.1 t=s: "any DKIM-Signature header fields using the "i=" tag MUST have the same domain value
        // on the right-hand side of the "@" in the "i=" tag and the value of the "d=" tag".
        if (key.strict() && !Ascii.equalsIgnoreCase(sig.identityDomain(), sig.domain())) {
            return permError(id, "i= is a subdomain of d= but the key has t=s");
        }
        int rsaBits = key.rsaBits();
        // RFC 8301 §3.2: "Verifiers MUST NOT consider signatures using RSA keys of less than 1024 bits as valid".
        if (sig.algorithm() == DkimAlgorithm.RSA_SHA256 && rsaBits < DkimVerifierSettings.RFC8301_MIN_RSA_BITS) {
            return permError(id, "RSA key of " + rsaBits + " bits is shorter than RFC 8301 allows");
        }
        // RFC 6376 §3.5 l=: the count is of canonical body octets; a count past the end cannot have been signed with
        // this body (opendkim: DKIM_SIGERROR_TOOLARGE_L).
        if (sig.bodyLength().isPresent() && sig.bodyLength().getAsLong() > body.canonicalLength()) {
            return permError(id, "l= is longer than the body");
        }
        // RFC 6376 §6.1.3: a body hash that differs from bh= is PERMFAIL (body hash did not verify).
        if (!MessageDigest.isEqual(body.hash(), sig.bodyHashOctets())) {
            return new DkimResult.Fail(id.domain(), id.selector(), id.headerB(), "body hash did not verify");
        }
        PublicKey publicKey = key.key().get();
        byte[] data = p.headerData().getBytes(StandardCharsets.ISO_8859_1);
        // RFC 6376 §6.1.3: a signature that does not validate is PERMFAIL (signature did not verify).
        if (!HeaderSignature.verify(sig.algorithm(), publicKey, data, sig.signatureOctets())) {
            return new DkimResult.Fail(id.domain(), id.selector(), id.headerB(), "signature did not verify");
        }
        if (sig.algorithm() == DkimAlgorithm.RSA_SHA256 && rsaBits < verifier.settings().minRsaBits()) {
            return new DkimResult.Policy(id.domain(), id.selector(), id.headerB(),
                    "RSA key of " + rsaBits + " bits is shorter than the configured "
                            + verifier.settings().minRsaBits());
        }
        long unsigned = sig.bodyLength().isPresent() ? body.canonicalLength() - sig.bodyLength().getAsLong() : 0;
        return new DkimResult.Pass(id.domain(), id.selector(), id.headerB(), Ascii.lower(sig.identityDomain()),
                sig.algorithm(), key.testing(), unsigned);
    }

    private static DkimResult permError(DkimSignature.Id id, String reason) {
        return new DkimResult.PermError(id.domain(), id.selector(), id.headerB(), reason);
    }
}
