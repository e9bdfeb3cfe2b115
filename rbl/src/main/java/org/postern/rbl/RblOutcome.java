package org.postern.rbl;

import static java.util.Objects.requireNonNull;

import java.net.Inet4Address;
import java.util.List;

/**
 * What one list said about one IP address or name. {@link RblChecker} returns one outcome per list it asked.
 *
 * <p>The kinds, and why they are kept apart:
 * <ul>
 *   <li>{@link Listed}: the list answered listing codes and at least one {@link ReturnCodeRule} maps one of them.</li>
 *   <li>{@link ListedUnmapped}: the list answered listing codes (in 127.0.0.0/8, not an error code) that no rule maps.
 *       It is a listing, so it has a reply text, but Postern cannot say what it means: the pipeline maps this kind to
 *       its own symbol (like rspamd's {@code unknown = true} list symbol), and the counters show it so an
 *       administrator can complete the rule map.</li>
 *   <li>{@link NotListed}: NXDOMAIN or NODATA (RFC 5782 §2.1: no A record means not listed).</li>
 *   <li>{@link Failed}: no verdict: a query error code, an answer outside 127.0.0.0/8, a timeout or a DNS failure.
 *       Never a listing and never a reject; the pipeline turns it into a temperror symbol.</li>
 *   <li>{@link Skipped}: nothing was asked, because the name cannot be a query name (an address literal as HELO, a
 *       label over 63 characters, non-ASCII, too long with the zone). It is not an error of the list, so it does not
 *       count against it, and not {@code NotListed}, because nobody said so.</li>
 * </ul>
 *
 * <p>Without pattern {@code switch} (Java 17), callers dispatch on {@link #kind()}, an enum, with an exhaustive
 * {@code switch} expression.
 */
public sealed interface RblOutcome {

    /** The list asked. */
    RblList list();

    /** What was looked up: the client IP in canonical text (RFC 5952 for IPv6), or the normalized name. */
    String lookedUp();

    /** The kind of outcome, for exhaustive {@code switch}. */
    Kind kind();

    /** The kinds of outcome; one per record. */
    enum Kind { LISTED, LISTED_UNMAPPED, NOT_LISTED, FAILED, SKIPPED }

    /** Why a lookup gave no verdict. */
    enum FailureKind {
        /**
         * The list refused to answer and said so with a code in 127.255.255.252–255. Spamhaus: .252 typing error in
         * the DNSBL name (with DQS, also a wrong key), .254 query through a public or open resolver (the usual cause
         * when mail servers use 8.8.8.8 or a cloud resolver), .255 excessive number of queries; .253 is reserved in
         * the same block and treated alike.
         */
        REFUSED_OR_RATE_LIMITED,
        /**
         * An A record outside 127.0.0.0/8 (RFC 5782 §2.1 keeps answers in 127/8). The list is broken, or its domain
         * expired and now wildcards every name to a parking address; either way it would list the whole Internet.
         */
        OUTSIDE_LOOPBACK,
        /** The resolver gave up waiting (its per-try timeout times its tries). */
        TIMEOUT,
        /** SERVFAIL, REFUSED, a malformed answer, a CNAME loop, a network error. */
        DNS_FAILURE
    }

    /**
     * A listing that the rules understand.
     *
     * @param codes     every A record of the answer, in answer order (RFC 5782 §2.3: several at once, e.g. zen answers
     *                  127.0.0.2 and 127.0.0.4 for an address on SBL and XBL)
     * @param matched   the rules that map at least one code, in the list's rule order, each once; never empty
     * @param replyText the list's reply template rendered for this lookup
     */
    record Listed(RblList list, String lookedUp, List<Inet4Address> codes, List<ReturnCodeRule> matched,
                  String replyText) implements RblOutcome {
        public Listed {
            requireNonNull(list, "list");
            requireNonNull(lookedUp, "lookedUp");
            requireNonNull(replyText, "replyText");
            codes = List.copyOf(codes);
            matched = List.copyOf(matched);
            if (codes.isEmpty() || matched.isEmpty()) {
                throw new IllegalArgumentException("a listing needs at least one code and one matched rule");
            }
        }

        @Override
        public Kind kind() {
            return Kind.LISTED;
        }

        /** The distinct symbols of {@link #matched()}, in order (two rules may share a symbol, as zen's SBL does). */
        public List<String> symbols() {
            return matched.stream().map(ReturnCodeRule::symbol).distinct().toList();
        }

        /** The codes no rule maps; usually empty. */
        public List<Inet4Address> unmappedCodes() {
            return codes.stream().filter(c -> matched.stream().noneMatch(r -> r.matches(c))).toList();
        }
    }

    /** A listing whose codes no rule maps; see the interface. */
    record ListedUnmapped(RblList list, String lookedUp, List<Inet4Address> codes, String replyText)
            implements RblOutcome {
        public ListedUnmapped {
            requireNonNull(list, "list");
            requireNonNull(lookedUp, "lookedUp");
            requireNonNull(replyText, "replyText");
            codes = List.copyOf(codes);
            if (codes.isEmpty()) {
                throw new IllegalArgumentException("a listing needs at least one code");
            }
        }

        @Override
        public Kind kind() {
            return Kind.LISTED_UNMAPPED;
        }
    }

    /** NXDOMAIN or NODATA: not on this list. */
    record NotListed(RblList list, String lookedUp) implements RblOutcome {
        public NotListed {
            requireNonNull(list, "list");
            requireNonNull(lookedUp, "lookedUp");
        }

        @Override
        public Kind kind() {
            return Kind.NOT_LISTED;
        }
    }

    /**
     * No verdict from this list.
     *
     * @param detail one line for logs and the console, e.g. {@code 127.255.255.254 (query via public/open resolver)};
     *               never contains the key prefix
     */
    record Failed(RblList list, String lookedUp, FailureKind failure, String detail) implements RblOutcome {
        public Failed {
            requireNonNull(list, "list");
            requireNonNull(lookedUp, "lookedUp");
            requireNonNull(failure, "failure");
            requireNonNull(detail, "detail");
        }

        @Override
        public Kind kind() {
            return Kind.FAILED;
        }
    }

    /**
     * Nothing was asked.
     *
     * @param reason why the name cannot be looked up; printable ASCII only (the name is quoted with other characters
     *               replaced)
     */
    record Skipped(RblList list, String lookedUp, String reason) implements RblOutcome {
        public Skipped {
            requireNonNull(list, "list");
            requireNonNull(lookedUp, "lookedUp");
            requireNonNull(reason, "reason");
        }

        @Override
        public Kind kind() {
            return Kind.SKIPPED;
        }
    }
}
