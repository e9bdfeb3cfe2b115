package org.postern.dkim;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The DMARC outcome of one message (RFC 7489 §11.2, the {@code dmarc} method of RFC 8601 §2.7):
 * {@link Pass}, {@link Fail}, {@link None}, {@link TempError} or {@link PermError}.
 *
 * <ul>
 *   <li>{@link Pass}: the author domain publishes a policy and SPF or DKIM authenticated an aligned identifier.
 *   <li>{@link Fail}: it publishes a policy and nothing aligned; {@link #policy()} is what it asks for this message.
 *   <li>{@link None}: no usable policy (no record, several records, an invalid record: RFC 7489 §6.6.3 says no DMARC
 *       processing is applied then).
 *   <li>{@link TempError}: the policy could not be looked up now (DNS timeout, SERVFAIL).
 *   <li>{@link PermError}: the message has no single author domain: no From: field, several From: fields, addresses
 *       of different domains, or an address without a usable domain. RFC 7489 §6.6.1 says such mail is not to be
 *       passed; reporting it as a permerror lets the configured score or action deal with it.
 * </ul>
 */
public sealed interface DmarcResult {

    /** The result as written in Authentication-Results: pass, fail, none, temperror, permerror. */
    String keyword();

    /** The RFC5322.From domain evaluated, lower case (A-labels); empty when there was not exactly one. */
    Optional<String> fromDomain();

    /**
     * What the domain owner asks for this message: for a {@link Fail}, {@code p=} (or {@code sp=} for a subdomain
     * whose record was found at its organizational domain) after {@code pct=} sampling; {@link DmarcPolicy#NONE} for
     * every other result. Whether Postern enacts it is the pipeline's configuration.
     */
    DmarcPolicy policy();

    /** Why, in a few words ("dkim aligned", "no DMARC record", "several author domains"). */
    String reason();

    /**
     * This result as an RFC 8601 resinfo, without the leading ";":
     * {@code dmarc=pass (p=none dis=none) header.from=example.com},
     * {@code dmarc=fail (p=reject dis=quarantine) header.from=example.com},
     * {@code dmarc=none (no DMARC record) header.from=example.com} or {@code dmarc=permerror (several author domains)}.
     * {@code p=} is the published policy that applied (p or sp), {@code dis=} is {@link #policy()}, as OpenDMARC
     * writes them.
     */
    default String authenticationResults() {
        StringBuilder out = new StringBuilder("dmarc=").append(keyword());
        if (this instanceof Pass pass) {
            out.append(" (p=").append(pass.requested().keyword()).append(" dis=none)");
        } else if (this instanceof Fail fail) {
            out.append(" (p=").append(fail.requested().keyword()).append(" dis=").append(fail.policy().keyword())
                    .append(')');
        } else if (!reason().isEmpty()) {
            out.append(" (").append(comment(reason())).append(')');
        }
        fromDomain().ifPresent(d -> out.append(" header.from=").append(headerValue(d)));
        return out.toString();
    }

    /**
     * An aligned identifier passed (RFC 7489 §4.2).
     *
     * @param domain    the author domain, lower case
     * @param requested the published policy that would have applied to a failure (p, or sp)
     * @param reason    which identifiers aligned: "dkim aligned", "spf aligned" or "dkim and spf aligned"
     */
    record Pass(String domain, DmarcPolicy requested, String reason) implements DmarcResult {
        public Pass {
            requireNonNull(domain, "domain");
            requireNonNull(requested, "requested");
            requireNonNull(reason, "reason");
        }
        public String keyword() { return "pass"; }
        public Optional<String> fromDomain() { return Optional.of(domain); }
        public DmarcPolicy policy() { return DmarcPolicy.NONE; }
    }

    /**
     * No authenticated identifier aligned with the author domain.
     *
     * @param domain    the author domain, lower case
     * @param requested the published policy that applies (p, or sp for a subdomain, RFC 7489 §6.3)
     * @param policy    {@code requested}, or the next lower one when the message fell outside the pct= sample
     *                  (RFC 7489 §6.6.4)
     * @param reason    "not aligned", plus the sampling when it lowered the policy
     */
    record Fail(String domain, DmarcPolicy requested, DmarcPolicy policy, String reason) implements DmarcResult {
        public Fail {
            requireNonNull(domain, "domain");
            requireNonNull(requested, "requested");
            requireNonNull(policy, "policy");
            requireNonNull(reason, "reason");
            if (policy.compareTo(requested) > 0) {
                throw new IllegalArgumentException("policy " + policy + " is stricter than requested " + requested);
            }
        }
        public String keyword() { return "fail"; }
        public Optional<String> fromDomain() { return Optional.of(domain); }
    }

    /** The author domain has no usable DMARC policy (RFC 7489 §6.6.3); no DMARC processing applies. */
    record None(String domain, String reason) implements DmarcResult {
        public None {
            requireNonNull(domain, "domain");
            requireNonNull(reason, "reason");
        }
        public String keyword() { return "none"; }
        public Optional<String> fromDomain() { return Optional.of(domain); }
        public DmarcPolicy policy() { return DmarcPolicy.NONE; }
    }

    /** The policy lookup failed for now (RFC 7489 §6.6.3 and §11.2 temperror); a later retry may succeed. */
    record TempError(String domain, String reason) implements DmarcResult {
        public TempError {
            requireNonNull(domain, "domain");
            requireNonNull(reason, "reason");
        }
        public String keyword() { return "temperror"; }
        public Optional<String> fromDomain() { return Optional.of(domain); }
        public DmarcPolicy policy() { return DmarcPolicy.NONE; }
    }

    /**
     * The message has no single, usable author domain (RFC 7489 §6.6.1).
     *
     * @param fromDomain the author domain when one was found but not usable; mostly empty
     */
    record PermError(Optional<String> fromDomain, String reason) implements DmarcResult {
        public PermError {
            requireNonNull(fromDomain, "fromDomain");
            requireNonNull(reason, "reason");
        }
        public String keyword() { return "permerror"; }
        public DmarcPolicy policy() { return DmarcPolicy.NONE; }
    }

    /** RFC 5322 §3.2.2 ctext: parentheses and backslashes are quoted, chars a header cannot carry become "?". */
    private static String comment(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(' || c == ')' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < ' ' || c >= 0x7f) {
                out.append('?');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** RFC 8601 §2.2 pvalue: a domain as it is; anything else (never expected here) as a quoted-string. */
    private static String headerValue(String domain) {
        boolean plain = !domain.isEmpty();
        for (int i = 0; i < domain.length() && plain; i++) {
            char c = domain.charAt(i);
            plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '.' || c == '_';
        }
        if (plain) {
            return domain;
        }
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < domain.length(); i++) {
            char c = domain.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else {
                out.append(c < ' ' || c >= 0x7f ? '?' : c);
            }
        }
        return out.append('"').toString();
    }
}
