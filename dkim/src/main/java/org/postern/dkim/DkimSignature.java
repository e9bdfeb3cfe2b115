package org.postern.dkim;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One DKIM-Signature field, parsed and checked as RFC 6376 §6.1.1 asks before any key is fetched. Times (t=, x=)
 * are checked by the verifier, which has the clock.
 *
 * @param algorithm        a=
 * @param headerCanon      c=, header part (default simple)
 * @param bodyCanon        c=, body part (default simple)
 * @param domain           d=, as written
 * @param selector         s=, as written
 * @param signedHeaders    h=, names as written, in order
 * @param identityDomain   the domain part of i=, or d= when there is no i= (RFC 6376 §3.5: the default is "@" d=)
 * @param explicitIdentity whether i= was given
 * @param bodyLength       l=, or empty; values beyond a long are clamped (no body is that long)
 * @param timestamp        t=, seconds since the epoch, or empty
 * @param expiration       x=, seconds since the epoch, or empty
 * @param signature        b=, decoded, read-only
 * @param bodyHash         bh=, decoded, read-only
 */
record DkimSignature(DkimAlgorithm algorithm, Canonicalization headerCanon, Canonicalization bodyCanon, String domain,
                     String selector, List<String> signedHeaders, String identityDomain, boolean explicitIdentity,
                     OptionalLong bodyLength, OptionalLong timestamp, OptionalLong expiration, ByteBuffer signature,
                     ByteBuffer bodyHash) {

    DkimSignature {
        signedHeaders = List.copyOf(signedHeaders);
        signature = signature.asReadOnlyBuffer();
        bodyHash = bodyHash.asReadOnlyBuffer();
    }

    /** A copy of the b= octets. */
    byte[] signatureOctets() {
        return octets(signature);
    }

    /** A copy of the bh= octets. */
    byte[] bodyHashOctets() {
        return octets(bodyHash);
    }

    private static byte[] octets(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    /** How a signature is named in results even when it does not parse: d=, s= and the first 8 chars of b=. */
    record Id(String domain, String selector, String headerB) {
        static final Id UNKNOWN = new Id("", "", "");

        /** Best effort: whatever of d=, s= and b= is there and looks sane, for Authentication-Results. */
        static Id of(TagList tags) {
            String d = tags.get("d").filter(DomainNames::isDomain).map(Ascii::lower).orElse("");
            String s = tags.get("s").filter(DomainNames::isSelector).orElse("");
            // RFC 6008 §4: header.b carries a prefix of b= so that signatures from one domain can be told apart.
            String b = tags.get("b").map(Ascii::removeFws).orElse("");
            StringBuilder prefix = new StringBuilder();
            for (int i = 0; i < b.length() && prefix.length() < 8; i++) {
                char c = b.charAt(i);
                if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+'
                        || c == '/') {
                    prefix.append(c);
                } else {
                    break;
                }
            }
            return new Id(d, s, prefix.toString());
        }
    }

    /** Whether h= names From, which RFC 6376 §5.4 requires of every signature. */
    boolean signsFrom() {
        return signedHeaders.stream().anyMatch(h -> Ascii.equalsIgnoreCase(h, "from"));
    }

    /** The DNS name of the key: {@code <s>._domainkey.<d>} (RFC 6376 §3.6.2.1). */
    String keyName() {
        return selector + "._domainkey." + domain;
    }

    /** Checks the tags of one DKIM-Signature field (RFC 6376 §3.5, §6.1.1); the reason says what is wrong. */
    static Parsed<DkimSignature> from(TagList tags) {
        // RFC 6376 §6.1.1: a signature without one of the tags §3.5 calls required, or of a version other than 1,
        // is ignored with PERMFAIL (signature missing required tag, incompatible version).
        for (String required : List.of("v", "a", "b", "bh", "d", "h", "s")) {
            if (!tags.has(required)) {
                return Parsed.invalid("signature has no " + required + "=");
            }
        }
        String version = tags.get("v").orElseThrow();
        if (!version.equals("1")) {
            return Parsed.invalid("unsupported signature version v=" + version);
        }
        String a = tags.get("a").orElseThrow();
        Optional<DkimAlgorithm> algorithm = DkimAlgorithm.fromTag(a);
        if (algorithm.isEmpty()) {
            // RFC 8301 §3.1: "rsa-sha1 MUST NOT be used for signing or verifying."
            return Parsed.invalid(Ascii.equalsIgnoreCase(a, "rsa-sha1")
                    ? "rsa-sha1 is not accepted (RFC 8301)" : "unsupported algorithm a=" + a);
        }
        String c = tags.get("c").orElse("simple/simple");
        int slash = c.indexOf('/');
        Optional<Canonicalization> headerCanon = Canonicalization.fromTag(slash < 0 ? c : c.substring(0, slash));
        // RFC 6376 §3.5 c=: "If only one algorithm is named, that algorithm is used for the header and "simple" is
        // used for the body."
        Optional<Canonicalization> bodyCanon = slash < 0 ? Optional.of(Canonicalization.SIMPLE)
                : Canonicalization.fromTag(c.substring(slash + 1));
        if (headerCanon.isEmpty() || bodyCanon.isEmpty()) {
            return Parsed.invalid("unsupported canonicalization c=" + c);
        }
        String domain = tags.get("d").orElseThrow();
        if (!DomainNames.isDomain(domain)) {
            return Parsed.invalid("d= is not a domain name");
        }
        String selector = tags.get("s").orElseThrow();
        if (!DomainNames.isSelector(selector)) {
            return Parsed.invalid("s= is not a selector");
        }
        List<String> signedHeaders = new ArrayList<>();
        for (String name : tags.get("h").orElseThrow().split(":", -1)) {
            String trimmed = Ascii.trimFws(name);
            if (trimmed.isEmpty()) {
                return Parsed.invalid("h= has an empty header name");
            }
            signedHeaders.add(trimmed);
        }
        String identityDomain = domain;
        Optional<String> identity = tags.get("i");
        if (identity.isPresent()) {
            int at = identity.get().lastIndexOf('@');
            identityDomain = at < 0 ? "" : identity.get().substring(at + 1);
            // RFC 6376 §3.5 i=: "The domain part of the address MUST be the same as, or a subdomain of, the value of
            // the "d=" tag"; §6.1.1 makes a mismatch a PERMFAIL (domain mismatch).
            if (!DomainNames.isDomain(identityDomain) || !DomainNames.isSameOrSubdomain(identityDomain, domain)) {
                return Parsed.invalid("i= is not in the d= domain");
            }
        }
        Optional<String> q = tags.get("q");
        // RFC 6376 §3.5 q=: "dns/txt" is the only method defined; a signature offering no method we know is unusable.
        if (q.isPresent() && Arrays.stream(q.get().split(":"))
                .map(Ascii::trimFws).noneMatch(m -> Ascii.equalsIgnoreCase(m, "dns/txt"))) {
            return Parsed.invalid("no supported key query method in q=" + q.get());
        }
        OptionalLong bodyLength = OptionalLong.empty();
        if (tags.has("l")) {
            // RFC 6376 §3.5 l=: 1*76DIGIT
            Optional<Long> l = number(tags.get("l").get(), 76);
            if (l.isEmpty()) {
                return Parsed.invalid("l= is not a number");
            }
            bodyLength = OptionalLong.of(l.get());
        }
        OptionalLong timestamp = OptionalLong.empty();
        if (tags.has("t")) {
            Optional<Long> t = number(tags.get("t").get(), 12);   // RFC 6376 §3.5 t=: 1*12DIGIT
            if (t.isEmpty()) {
                return Parsed.invalid("t= is not a number");
            }
            timestamp = OptionalLong.of(t.get());
        }
        OptionalLong expiration = OptionalLong.empty();
        if (tags.has("x")) {
            Optional<Long> x = number(tags.get("x").get(), 12);   // RFC 6376 §3.5 x=: 1*12DIGIT
            if (x.isEmpty()) {
                return Parsed.invalid("x= is not a number");
            }
            expiration = OptionalLong.of(x.get());
            // RFC 6376 §3.5 x=: "the value of the "x=" tag MUST be greater than the value of the "t=" tag".
            if (timestamp.isPresent() && x.get() <= timestamp.getAsLong()) {
                return Parsed.invalid("x= is not after t=");
            }
        }
        Optional<byte[]> signature = Base64Text.decode(Ascii.removeFws(tags.get("b").orElseThrow()));
        if (signature.isEmpty() || signature.get().length == 0) {
            return Parsed.invalid("b= is not base64");
        }
        Optional<byte[]> bodyHash = Base64Text.decode(Ascii.removeFws(tags.get("bh").orElseThrow()));
        if (bodyHash.isEmpty() || bodyHash.get().length == 0) {
            return Parsed.invalid("bh= is not base64");
        }
        return Parsed.ok(new DkimSignature(algorithm.get(), headerCanon.get(), bodyCanon.get(), domain, selector,
                signedHeaders, identityDomain, identity.isPresent(), bodyLength, timestamp, expiration,
                ByteBuffer.wrap(signature.get()), ByteBuffer.wrap(bodyHash.get())));
    }

    /** A decimal of at most {@code maxDigits} digits; values beyond a long become {@link Long#MAX_VALUE}. */
    private static Optional<Long> number(String text, int maxDigits) {
        if (text.isEmpty() || text.length() > maxDigits) {
            return Optional.empty();
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return Optional.empty();
            }
        }
        String digits = text.replaceFirst("^0+(?=.)", "");
        return Optional.of(digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits));
    }
}
