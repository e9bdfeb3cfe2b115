package org.postern.dns;

import static java.util.Objects.requireNonNull;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * One resource record's data, decoded from the wire (RFC 1035 §3.3). Owner name, class and TTL are not here: the
 * owner is the name that was looked up and the TTL is the answer's ({@link DnsAnswer.Records#ttl()}).
 *
 * <p>Domain names are written without the trailing dot and in lower case (the root, e.g. the exchange of a null MX,
 * RFC 7505, is {@code "."}); each label's octets are decoded as
 * ISO-8859-1, so every octet survives (a dot inside a label cannot be told from a separator; no real name has one).
 * Character-strings (TXT, SPF) are decoded ISO-8859-1 too, so {@code (byte) s.charAt(i)} is the octet on the wire.
 */
public sealed interface DnsRecord {

    /** The RR type of this record. */
    DnsType type();

    /** An IPv4 address (RFC 1035 §3.4.1). */
    record A(InetAddress address) implements DnsRecord {
        public A {
            if (!(requireNonNull(address, "address") instanceof Inet4Address)) {
                throw new IllegalArgumentException("A record needs an IPv4 address: " + address);
            }
        }
        public DnsType type() { return DnsType.A; }
    }

    /** An IPv6 address (RFC 3596 §2.2); always an {@link Inet6Address}, IPv4-mapped addresses included. */
    record Aaaa(InetAddress address) implements DnsRecord {
        public Aaaa {
            if (!(requireNonNull(address, "address") instanceof Inet6Address)) {
                throw new IllegalArgumentException("AAAA record needs an IPv6 address: " + address);
            }
        }
        public DnsType type() { return DnsType.AAAA; }
    }

    /** A mail exchanger (RFC 1035 §3.3.9); the exchange without trailing dot, lower case. */
    record Mx(int preference, String exchange) implements DnsRecord {
        public Mx {
            if (preference < 0 || preference > 0xffff) {
                throw new IllegalArgumentException("MX preference out of range: " + preference);
            }
            requireNonNull(exchange, "exchange");
        }
        public DnsType type() { return DnsType.MX; }
    }

    /**
     * A TXT record (RFC 1035 §3.3.14): its character-strings in order, each decoded ISO-8859-1 (every char is one
     * octet, at most 255 of them). RFC 7208 §3.3 and RFC 6376 §3.6.2.2 join them without separator: {@link #joined()}.
     */
    record Txt(List<String> strings) implements DnsRecord {
        public Txt {
            strings = CharacterStrings.check(strings);
        }
        public DnsType type() { return DnsType.TXT; }
        /** The character-strings concatenated with nothing between them. */
        public String joined() { return String.join("", strings); }
    }

    /** A domain name pointer (RFC 1035 §3.3.12), without trailing dot, lower case. */
    record Ptr(String target) implements DnsRecord {
        public Ptr { requireNonNull(target, "target"); }
        public DnsType type() { return DnsType.PTR; }
    }

    /** A canonical name (RFC 1035 §3.3.1), without trailing dot, lower case. Only returned when CNAME was asked for. */
    record Cname(String target) implements DnsRecord {
        public Cname { requireNonNull(target, "target"); }
        public DnsType type() { return DnsType.CNAME; }
    }

    /** A name server (RFC 1035 §3.3.11), without trailing dot, lower case. */
    record Ns(String target) implements DnsRecord {
        public Ns { requireNonNull(target, "target"); }
        public DnsType type() { return DnsType.NS; }
    }

    /** A start of authority (RFC 1035 §3.3.13); {@code minimum} is the negative-caching TTL of RFC 2308 §4. */
    record Soa(String primary, String admin, long serial, Duration refresh, Duration retry, Duration expire,
               Duration minimum) implements DnsRecord {
        public Soa {
            requireNonNull(primary, "primary");
            requireNonNull(admin, "admin");
            requireNonNull(refresh, "refresh");
            requireNonNull(retry, "retry");
            requireNonNull(expire, "expire");
            requireNonNull(minimum, "minimum");
        }
        public DnsType type() { return DnsType.SOA; }
    }

    /** An SPF record, RR type 99 (RFC 4408 §3.1.1): TXT's format, strings decoded ISO-8859-1. */
    record Spf(List<String> strings) implements DnsRecord {
        public Spf {
            strings = CharacterStrings.check(strings);
        }
        public DnsType type() { return DnsType.SPF; }
        /** The character-strings concatenated with nothing between them. */
        public String joined() { return String.join("", strings); }
    }
}
