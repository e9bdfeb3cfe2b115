package org.postern.dns;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of one {@link DnsResolver#lookup lookup}. Every outcome is a value: no lookup completes exceptionally.
 *
 * <ul>
 *   <li>{@link Records}: the name (at the end of any CNAME chain) has records of the requested type.
 *   <li>{@link NoData}: the name exists but has no record of that type (RFC 2308 §2.2).
 *   <li>{@link NxDomain}: the name does not exist (RFC 2308 §2.1). A string that cannot be a domain name at all
 *       (an empty label, a label over 63 octets, a name over 255 octets on the wire, a char above U+00FF) is
 *       answered {@code NxDomain(Duration.ZERO)} without a query: no such name can exist.
 *   <li>{@link Failure}: no usable answer now (timeout, SERVFAIL, ...). Temporary, never cached.
 * </ul>
 *
 * <p>{@link #ttl()} is how long the answer was cacheable when it was received: the smallest TTL of the answer's
 * records and CNAME chain for {@link Records}, {@code min(SOA TTL, SOA MINIMUM)} for negative answers (RFC 2308 §5),
 * both capped by {@link DnsResolverSettings#maxTtl()}; zero for failures.
 */
public sealed interface DnsAnswer {

    /** How long this answer may be cached; {@link Duration#ZERO} for failures. */
    Duration ttl();

    /** The records of a {@link Records} answer; empty for every other kind. */
    List<DnsRecord> records();

    /** Whether this is a temporary {@link Failure} (SPF: temperror; RBL: error, never a listing). */
    boolean isFailure();

    /** Records of the requested type; never empty. */
    record Records(List<DnsRecord> records, Duration ttl) implements DnsAnswer {
        public Records {
            records = List.copyOf(records);
            if (records.isEmpty()) {
                throw new IllegalArgumentException("Records answer needs at least one record; use NoData");
            }
            ttl = nonNegative(ttl);
        }
        public boolean isFailure() { return false; }
    }

    /** The name exists, with no record of the requested type (RFC 2308 §2.2 NODATA). */
    record NoData(Duration ttl) implements DnsAnswer {
        public NoData { ttl = nonNegative(ttl); }
        public List<DnsRecord> records() { return List.of(); }
        public boolean isFailure() { return false; }
    }

    /** The name does not exist (RCODE 3, RFC 2308 §2.1). */
    record NxDomain(Duration ttl) implements DnsAnswer {
        public NxDomain { ttl = nonNegative(ttl); }
        public List<DnsRecord> records() { return List.of(); }
        public boolean isFailure() { return false; }
    }

    /** A temporary failure; {@code detail} is for log lines only (never parse it). Not cached. */
    record Failure(FailureKind kind, String detail) implements DnsAnswer {
        public Failure {
            requireNonNull(kind, "kind");
            requireNonNull(detail, "detail");
        }
        public Duration ttl() { return Duration.ZERO; }
        public List<DnsRecord> records() { return List.of(); }
        public boolean isFailure() { return true; }
    }

    /** Why a lookup failed. */
    enum FailureKind {
        /** No answer within {@code timeout} on any of the {@code retries + 1} tries. */
        TIMEOUT,
        /** RCODE 2 (RFC 1035 §4.1.1): the server could not answer, e.g. a broken zone upstream. */
        SERVFAIL,
        /** RCODE 5: the server refused (often: not allowed to use this resolver). */
        REFUSED,
        /** The answer could not be parsed, or made no sense. */
        MALFORMED_ANSWER,
        /** A CNAME chain that loops or is longer than the resolver follows. */
        CNAME_LOOP,
        /** A socket error (unreachable server, connection refused on TCP fallback, ...). */
        NETWORK,
        /** Anything else: another RCODE, the resolver was closed. */
        OTHER
    }

    private static Duration nonNegative(Duration ttl) {
        requireNonNull(ttl, "ttl");
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must not be negative: " + ttl);
        }
        return ttl;
    }
}
