package org.postern.spf;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The result of an SPF check (RFC 7208 §2.6), one record per result. Every result says which identity was checked,
 * for which domain, and why, so a pipeline can name a symbol and its reason ({@code SPF_FAIL(-all)}) without looking
 * inside.
 *
 * <p>Per-kind facts are methods every record implements: {@link #keyword()} for the Received-SPF and
 * Authentication-Results result word, {@link #reason()} for logs, {@link #describe(SpfQuery)} for people.
 */
public sealed interface SpfResult {

    /** The result as written in Received-SPF (RFC 7208 §9.1) and Authentication-Results (RFC 8601 §2.7.2). */
    String keyword();

    /** The identity checked. */
    SpfIdentity identity();

    /**
     * The domain check_host() started at: the sender's domain, or the HELO name for the HELO identity and the null
     * sender. Text as given by the client, so it may be no domain at all for {@link None}.
     */
    String domain();

    /**
     * Why, in a few words: the directive that decided as written in the record ("-all", "include:_spf.example.net",
     * "?include:x" for a neutral), "default" for a neutral where nothing matched (RFC 7208 §4.7), or the reason of
     * none, permerror and temperror ("no SPF record at example.org", "2 SPF records at example.org").
     */
    String reason();

    /** The directive that decided, for pass, fail, softfail and neutral; empty for the rest and the default neutral. */
    Optional<String> matchedMechanism();

    /** What went wrong, for permerror and temperror (Received-SPF {@code problem}); empty for the rest. */
    Optional<String> problem();

    /**
     * The expanded exp= explanation of a fail (RFC 7208 §6.2); empty for every other result, and for a fail whose
     * record has no exp= or whose explanation could not be fetched (then use {@link #describe}).
     */
    default Optional<String> explanation() {
        return Optional.empty();
    }

    /**
     * One sentence for people, as in the Received-SPF comment: "domain of a@example.org designates 192.0.2.1 as
     * permitted sender".
     */
    String describe(SpfQuery query);

    /** The client is authorized (RFC 7208 §2.6.3). */
    record Pass(SpfIdentity identity, String domain, String mechanism) implements SpfResult {
        public Pass {
            requireNonNull(identity, "identity");
            requireNonNull(domain, "domain");
            requireNonNull(mechanism, "mechanism");
        }
        public String keyword() { return "pass"; }
        public String reason() { return mechanism; }
        public Optional<String> matchedMechanism() { return Optional.of(mechanism); }
        public Optional<String> problem() { return Optional.empty(); }
        public String describe(SpfQuery query) {
            return "domain of " + subject(identity, query) + " designates " + ip(query) + " as permitted sender";
        }
    }

    /** The client is explicitly not authorized (RFC 7208 §2.6.4); {@code explanation} from exp=, if any. */
    record Fail(SpfIdentity identity, String domain, String mechanism, Optional<String> explanation)
            implements SpfResult {
        public Fail {
            requireNonNull(identity, "identity");
            requireNonNull(domain, "domain");
            requireNonNull(mechanism, "mechanism");
            requireNonNull(explanation, "explanation");
        }
        public String keyword() { return "fail"; }
        public String reason() { return mechanism; }
        public Optional<String> matchedMechanism() { return Optional.of(mechanism); }
        public Optional<String> problem() { return Optional.empty(); }
        public String describe(SpfQuery query) {
            return "domain of " + subject(identity, query) + " does not designate " + ip(query)
                    + " as permitted sender";
        }
    }

    /** The client is probably not authorized (RFC 7208 §2.6.5). */
    record SoftFail(SpfIdentity identity, String domain, String mechanism) implements SpfResult {
        public SoftFail {
            requireNonNull(identity, "identity");
            requireNonNull(domain, "domain");
            requireNonNull(mechanism, "mechanism");
        }
        public String keyword() { return "softfail"; }
        public String reason() { return mechanism; }
        public Optional<String> matchedMechanism() { return Optional.of(mechanism); }
        public Optional<String> problem() { return Optional.empty(); }
        public String describe(SpfQuery query) {
            return "domain of transitioning " + subject(identity, query) + " does not designate " + ip(query)
                    + " as permitted sender";
        }
    }

    /**
     * The domain makes no assertion about the client (RFC 7208 §2.6.2); {@code mechanism} is "" when no directive
     * matched (§4.7).
     */
    record Neutral(SpfIdentity identity, String domain, String mechanism) implements SpfResult {
        public Neutral {
            requireNonNull(identity, "identity");
            requireNonNull(domain, "domain");
            requireNonNull(mechanism, "mechanism");
        }
        public String keyword() { return "neutral"; }
        public String reason() { return mechanism.isEmpty() ? "default" : mechanism; }
        public Optional<String> matchedMechanism() {
            return mechanism.isEmpty() ? Optional.empty() : Optional.of(mechanism);
        }
        public Optional<String> problem() { return Optional.empty(); }
        public String describe(SpfQuery query) {
            return ip(query) + " is neither permitted nor denied by domain of " + subject(identity, query);
        }
    }

    /** No SPF record, or no domain to look one up for (RFC 7208 §2.6.1, §4.3, §4.5). */
    record None(SpfIdentity identity, String domain, String reason) implements SpfResult {
        public None {
            requireNonNull(identity, "identity");
            requireNonNull(domain, "domain");
            requireNonNull(reason, "reason");
        }
        public String keyword() { return "none"; }
        public Optional<String> matchedMechanism() { return Optional.empty(); }
        public Optional<String> problem() { return Optional.empty(); }
        public String describe(SpfQuery query) {
            return "domain of " + subject(identity, query) + " does not designate permitted sender hosts";
        }
    }

    /** The domain's record is broken or breaks a limit (RFC 7208 §2.6.7); needs a person to fix it. */
    record PermError(SpfIdentity identity, String domain, String reason) implements SpfResult {
        public PermError {
            requireNonNull(identity, "identity");
            requireNonNull(domain, "domain");
            requireNonNull(reason, "reason");
        }
        public String keyword() { return "permerror"; }
        public Optional<String> matchedMechanism() { return Optional.empty(); }
        public Optional<String> problem() { return Optional.of(reason); }
        public String describe(SpfQuery query) {
            return "permanent error in processing domain of " + subject(identity, query) + ": " + reason;
        }
    }

    /** A transient error, usually DNS (RFC 7208 §2.6.6); a later retry may succeed. */
    record TempError(SpfIdentity identity, String domain, String reason) implements SpfResult {
        public TempError {
            requireNonNull(identity, "identity");
            requireNonNull(domain, "domain");
            requireNonNull(reason, "reason");
        }
        public String keyword() { return "temperror"; }
        public Optional<String> matchedMechanism() { return Optional.empty(); }
        public Optional<String> problem() { return Optional.of(reason); }
        public String describe(SpfQuery query) {
            return "temporary error in processing during lookup of " + subject(identity, query) + ": " + reason;
        }
    }

    /** The address the identity stands for: the sender, postmaster@HELO for the null sender, or the HELO name. */
    private static String subject(SpfIdentity identity, SpfQuery query) {
        if (identity == SpfIdentity.HELO) {
            return query.helo();
        }
        return query.sender().isEmpty() ? "postmaster@" + query.helo() : query.sender();
    }

    private static String ip(SpfQuery query) {
        return ClientAddress.of(query.clientIp()).text();
    }
}
