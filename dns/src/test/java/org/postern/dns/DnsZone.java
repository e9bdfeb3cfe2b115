package org.postern.dns;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * The data a {@link LoopbackDnsServer} serves: records by owner name, plus names that never answer (TIMEOUT) or
 * always answer SERVFAIL. Immutable and thread-safe once built.
 *
 * <h2>Text format</h2>
 * One record per line; {@code #} starts a comment outside quotes; blank lines are ignored.
 * <pre>
 * example.org.        300 TXT "v=spf1 ip4:192.0.2.0/24 -all"
 * example.org.            TXT "part one" "part two"   # one TXT, two character-strings; TTL optional (300)
 * example.org.         IN MX  10 mx.example.org.       # the class IN is optional
 * mx.example.org.         A   192.0.2.25
 * v6.example.org.         AAAA 2001:db8::1
 * alias.example.org.      CNAME example.org.
 * 10.2.0.192.in-addr.arpa. PTR mail.example.org.
 * example.org.            NS  ns.example.org.
 * example.org.        60  SOA ns.example.org. hostmaster.example.org. 1 3600 600 86400 30
 * old.example.org.        SPF "v=spf1 -all"             # RR type 99
 * slow.example.org.       TIMEOUT                       # queries go unanswered (but see below)
 * flaky.example.org.      SERVFAIL                      # every query at this name gets SERVFAIL
 * slow.example.org.       NODATA TXT                    # TXT is answered NODATA even though the name is TIMEOUT
 * $NOSOA                                                # negative answers carry no SOA
 * $NOCHASE                                              # CNAMEs are answered alone, not followed
 * </pre>
 * Names are absolute with or without the trailing dot and case-insensitive; each char is one octet
 * ({@code DomainNames}), so names with spaces or colons need the {@link Builder}. TXT and SPF values are
 * character-strings, quoted or bare words; a quoted string is UTF-8 text where {@code \xHH} and {@code \DDD} write a raw
 * octet and {@code \"} and {@code \\} a quote and a backslash. Errors name the line: {@code line 3: unknown type FOO}.
 *
 * <h2>Semantics (as served)</h2>
 * <ul>
 *   <li>A name with records of the asked type: those records. A name with a CNAME and no records of the asked type:
 *       the CNAME, then the chain is followed inside the zone; the answer holds the whole chain. A chain that loops is
 *       answered SERVFAIL, as a real recursive resolver does.
 *   <li>A name that is not in the zone: NXDOMAIN. A name in the zone, or an ancestor of one (an empty non-terminal),
 *       without the asked type: NODATA (NOERROR, empty answer).
 *   <li>Negative answers carry the closest enclosing SOA of the zone in the authority section (RFC 2308 §3), or a
 *       synthetic SOA for the root with TTL and MINIMUM 300 when the zone has none, unless {@code $NOSOA}.
 *   <li>{@code $NOCHASE} ({@link Builder#withoutCnameChasing()}): a CNAME is answered alone, NOERROR, without SOA.
 *   <li>TIMEOUT: as in the SPF conformance suite, types the name has are answered and every other query at the name
 *       gets no answer at all. {@code NODATA type} (the suite's {@code TXT: NONE}) makes a type count as "had" with no
 *       records, so it is answered NODATA instead of timing out. SERVFAIL wins over records.
 * </ul>
 */
public final class DnsZone {

    /** TTL of records whose line gives none. */
    public static final long DEFAULT_TTL = 300;

    private static final Name SYNTHETIC_SOA_HOST = Name.fromConstantString("localhost.");
    private static final Name SYNTHETIC_SOA_ADMIN = Name.fromConstantString("hostmaster.localhost.");

    private final Map<Name, List<Record>> records;
    private final Set<Name> timeouts;
    private final Set<Name> servfails;
    private final Map<Name, Set<Integer>> noDataTypes;
    private final Set<Name> existing;
    private final boolean soaInNegativeAnswers;
    private final boolean chasesCnames;

    private DnsZone(Builder b) {
        Map<Name, List<Record>> copy = new LinkedHashMap<>();
        b.records.forEach((name, list) -> copy.put(name, List.copyOf(list)));
        this.records = Collections.unmodifiableMap(copy);
        this.timeouts = Set.copyOf(b.timeouts);
        this.servfails = Set.copyOf(b.servfails);
        Map<Name, Set<Integer>> empty = new LinkedHashMap<>();
        b.noDataTypes.forEach((name, types) -> empty.put(name, Set.copyOf(types)));
        this.noDataTypes = Collections.unmodifiableMap(empty);
        this.soaInNegativeAnswers = b.soaInNegativeAnswers;
        this.chasesCnames = b.chasesCnames;
        Set<Name> all = new HashSet<>();
        for (Set<Name> names : List.of(records.keySet(), timeouts, servfails, noDataTypes.keySet())) {
            for (Name n : names) {
                for (int strip = 0; strip < n.labels(); strip++) {
                    all.add(new Name(n, strip));   // the name and every ancestor: RFC 8020 empty non-terminals exist
                }
            }
        }
        this.existing = Set.copyOf(all);
    }

    /** An empty zone: every query is NXDOMAIN. */
    public static DnsZone empty() {
        return builder().build();
    }

    /** Parses the text format described in the class comment; throws {@link IllegalArgumentException} naming the line. */
    public static DnsZone parse(String text) {
        Builder b = builder();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            List<String> tokens;
            try {
                tokens = tokenize(lines[i]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + lineNo + ": " + e.getMessage(), e);
            }
            if (tokens.isEmpty()) {
                continue;
            }
            try {
                parseLine(b, tokens);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + lineNo + ": " + e.getMessage(), e);
            }
        }
        return b.build();
    }

    /** A builder; names are given as in the text format (each char one octet, so spaces and colons are fine). */
    public static Builder builder() {
        return new Builder();
    }

    // --- lookups for LoopbackDnsServer ---

    List<Record> recordsAt(Name name) {
        return records.getOrDefault(name, List.of());
    }

    boolean isTimeout(Name name) {
        return timeouts.contains(name);
    }

    /** Whether {@code type} at {@code name} was declared NODATA: answered empty, never timed out. */
    boolean isDeclaredNoData(Name name, int type) {
        return noDataTypes.getOrDefault(name, Set.of()).contains(type);
    }

    boolean isServfail(Name name) {
        return servfails.contains(name);
    }

    boolean chasesCnames() {
        return chasesCnames;
    }

    boolean exists(Name name) {
        return existing.contains(name);
    }

    /** The SOA to put in the authority section of a negative answer for {@code name}, or null for none. */
    Record negativeSoa(Name name) {
        if (!soaInNegativeAnswers) {
            return null;
        }
        for (int strip = 0; strip < name.labels(); strip++) {
            Name ancestor = new Name(name, strip);
            for (Record r : recordsAt(ancestor)) {
                if (r.getType() == Type.SOA) {
                    return r;
                }
            }
        }
        return new SOARecord(Name.root, DClass.IN, DEFAULT_TTL, SYNTHETIC_SOA_HOST, SYNTHETIC_SOA_ADMIN, 1, 3600,
                600, 86400, DEFAULT_TTL);
    }

    // --- the text format ---

    private static void parseLine(Builder b, List<String> tokens) {
        String first = tokens.get(0);
        if (first.startsWith("$")) {
            if (first.equals("$NOSOA") && tokens.size() == 1) {
                b.withoutSoa();
                return;
            }
            if (first.equals("$NOCHASE") && tokens.size() == 1) {
                b.withoutCnameChasing();
                return;
            }
            throw new IllegalArgumentException("unknown directive " + String.join(" ", tokens));
        }
        if (tokens.size() < 2) {
            throw new IllegalArgumentException("a record needs a name and a type: " + first);
        }
        int at = 1;
        long ttl = DEFAULT_TTL;
        if (tokens.get(at).chars().allMatch(Character::isDigit)) {
            ttl = parseLong(tokens.get(at), "TTL", 0, 0x7fffffffL);
            at++;
        }
        if (at < tokens.size() && tokens.get(at).equalsIgnoreCase("IN")) {
            at++;
        }
        if (at >= tokens.size()) {
            throw new IllegalArgumentException("missing type after " + String.join(" ", tokens));
        }
        String type = tokens.get(at).toUpperCase(Locale.ROOT);
        List<String> values = tokens.subList(at + 1, tokens.size());
        switch (type) {
            case "TIMEOUT" -> {
                noValues(type, values);
                b.timeout(first);
            }
            case "SERVFAIL" -> {
                noValues(type, values);
                b.servfail(first);
            }
            case "NODATA" -> {
                if (values.size() != 1) {
                    throw new IllegalArgumentException("NODATA needs exactly one type, found " + values.size());
                }
                b.noData(first, values.get(0));
            }
            default -> b.addRecord(record(DomainNames.parseOrThrow(first), ttl, type, values));
        }
    }

    private static void noValues(String type, List<String> values) {
        if (!values.isEmpty()) {
            throw new IllegalArgumentException(type + " takes no value, found " + String.join(" ", values));
        }
    }

    /**
     * Splits a line into tokens, dropping a comment. A quoted token's text is UTF-8 encoded with escapes for raw
     * octets; every token comes back as an octet string (one char per octet, ISO-8859-1).
     */
    static List<String> tokenize(String line) {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t') {
                i++;
            } else if (c == '#') {
                break;
            } else if (c == '"') {
                ByteArrayOutputStream octets = new ByteArrayOutputStream();
                int start = i;
                i++;
                boolean closed = false;
                while (i < n) {
                    char d = line.charAt(i);
                    if (d == '"') {
                        closed = true;
                        i++;
                        break;
                    }
                    if (d == '\\') {
                        i = unescape(line, i, octets);
                        continue;
                    }
                    int cp = line.codePointAt(i);
                    octets.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                    i += Character.charCount(cp);
                }
                if (!closed) {
                    throw new IllegalArgumentException("unterminated quoted string starting at column " + (start + 1));
                }
                tokens.add(new String(octets.toByteArray(), StandardCharsets.ISO_8859_1));
            } else {
                int start = i;
                while (i < n && line.charAt(i) != ' ' && line.charAt(i) != '\t' && line.charAt(i) != '#') {
                    i++;
                }
                String word = line.substring(start, i);
                tokens.add(new String(word.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
            }
        }
        return tokens;
    }

    /** Decodes the escape at {@code line[at] == '\\'} into {@code out}; returns the index after it. */
    private static int unescape(String line, int at, ByteArrayOutputStream out) {
        int n = line.length();
        if (at + 1 >= n) {
            throw new IllegalArgumentException("backslash at end of line, column " + (at + 1));
        }
        char e = line.charAt(at + 1);
        if (e == 'x' || e == 'X') {
            if (at + 3 < n && isHex(line.charAt(at + 2)) && isHex(line.charAt(at + 3))) {
                out.write(Integer.parseInt(line.substring(at + 2, at + 4), 16));
                return at + 4;
            }
            throw new IllegalArgumentException("\\x needs two hex digits, column " + (at + 1));
        }
        if (Character.isDigit(e)) {
            if (at + 3 < n && Character.isDigit(line.charAt(at + 2)) && Character.isDigit(line.charAt(at + 3))) {
                int v = Integer.parseInt(line.substring(at + 1, at + 4));
                if (v > 255) {
                    throw new IllegalArgumentException("\\DDD escape above 255, column " + (at + 1));
                }
                out.write(v);
                return at + 4;
            }
            throw new IllegalArgumentException("\\DDD needs three decimal digits, column " + (at + 1));
        }
        out.writeBytes(String.valueOf(e).getBytes(StandardCharsets.UTF_8));
        return at + 2;
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    /** Builds one record from octet-string values (see {@link #tokenize}). */
    static Record record(Name owner, long ttl, String type, List<String> values) {
        switch (type) {
            case "A":
                return new ARecord(owner, DClass.IN, ttl, address(one(type, values), Address.IPv4));
            case "AAAA":
                return new AAAARecord(owner, DClass.IN, ttl, address(one(type, values), Address.IPv6));
            case "MX":
                if (values.size() != 2) {
                    throw new IllegalArgumentException("MX needs a preference and an exchange, found "
                            + values.size() + " values");
                }
                return new MXRecord(owner, DClass.IN, ttl, (int) parseLong(values.get(0), "MX preference", 0, 0xffff),
                        DomainNames.parseOrThrow(values.get(1)));
            case "TXT":
            case "SPF":
                if (values.isEmpty()) {
                    throw new IllegalArgumentException(type + " needs at least one character-string");
                }
                List<byte[]> octets = new ArrayList<>();
                for (String v : values) {
                    byte[] b = v.getBytes(StandardCharsets.ISO_8859_1);
                    if (b.length > 255) {
                        throw new IllegalArgumentException(type + " character-string longer than 255 octets ("
                                + b.length + "); split it into several strings");
                    }
                    octets.add(b);
                }
                return Record.newRecord(owner, type.equals("TXT") ? Type.TXT : Type.SPF, DClass.IN, ttl,
                        CharacterStrings.rdata(octets));
            case "PTR":
                return new PTRRecord(owner, DClass.IN, ttl, DomainNames.parseOrThrow(one(type, values)));
            case "CNAME":
                return new CNAMERecord(owner, DClass.IN, ttl, DomainNames.parseOrThrow(one(type, values)));
            case "NS":
                return new NSRecord(owner, DClass.IN, ttl, DomainNames.parseOrThrow(one(type, values)));
            case "SOA":
                if (values.size() != 7) {
                    throw new IllegalArgumentException(
                            "SOA needs mname rname serial refresh retry expire minimum, found " + values.size()
                                    + " values");
                }
                return new SOARecord(owner, DClass.IN, ttl, DomainNames.parseOrThrow(values.get(0)),
                        DomainNames.parseOrThrow(values.get(1)), parseLong(values.get(2), "SOA serial", 0, 0xffffffffL),
                        parseLong(values.get(3), "SOA refresh", 0, 0x7fffffffL),
                        parseLong(values.get(4), "SOA retry", 0, 0x7fffffffL),
                        parseLong(values.get(5), "SOA expire", 0, 0x7fffffffL),
                        parseLong(values.get(6), "SOA minimum", 0, 0x7fffffffL));
            default:
                throw new IllegalArgumentException("unknown type " + type
                        + " (known: A AAAA MX TXT SPF PTR CNAME NS SOA TIMEOUT SERVFAIL NODATA)");
        }
    }

    private static String one(String type, List<String> values) {
        if (values.size() != 1) {
            throw new IllegalArgumentException(type + " needs exactly one value, found " + values.size());
        }
        return values.get(0);
    }

    private static InetAddress address(String text, int family) {
        byte[] bytes = Address.toByteArray(text, family);
        if (bytes == null) {
            throw new IllegalArgumentException("not an IPv" + (family == Address.IPv4 ? "4" : "6") + " address: "
                    + text);
        }
        try {
            // Inet6Address explicitly: InetAddress.getByAddress turns ::ffff:a.b.c.d into an Inet4Address.
            return family == Address.IPv4 ? InetAddress.getByAddress(bytes)
                    : java.net.Inet6Address.getByAddress(null, bytes, null);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("address of checked length refused: " + text, e);
        }
    }

    private static long parseLong(String text, String what, long min, long max) {
        long v;
        try {
            v = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " is not a number: " + text, e);
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException(what + " out of range " + min + ".." + max + ": " + text);
        }
        return v;
    }

    private static String octets(String utf8Text) {
        return new String(utf8Text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /**
     * Builds a zone in code. Names are as in the text format but may hold any char up to U+00FF (one octet each),
     * e.g. {@code "macro%percent  space%20url-space.example.com"}. Not thread-safe; {@link #build()} copies.
     */
    public static final class Builder {
        private final Map<Name, List<Record>> records = new LinkedHashMap<>();
        private final Set<Name> timeouts = new HashSet<>();
        private final Set<Name> servfails = new HashSet<>();
        private final Map<Name, Set<Integer>> noDataTypes = new LinkedHashMap<>();
        private boolean soaInNegativeAnswers = true;
        private boolean chasesCnames = true;

        private Builder() {
        }

        /** Adds a record with the default TTL (300 s). TXT/SPF strings are octets (ISO-8859-1), as the resolver returns them. */
        public Builder add(String name, DnsRecord record) {
            return add(name, Duration.ofSeconds(DEFAULT_TTL), record);
        }

        /** Adds a record with the given TTL (whole seconds). */
        public Builder add(String name, Duration ttl, DnsRecord record) {
            requireNonNull(record, "record");
            Name owner = DomainNames.parseOrThrow(name);
            long seconds = ttl.toSeconds();
            Record r;
            if (record instanceof DnsRecord.A a) {
                r = new ARecord(owner, DClass.IN, seconds, a.address());
            } else if (record instanceof DnsRecord.Aaaa a) {
                r = new AAAARecord(owner, DClass.IN, seconds, a.address());
            } else if (record instanceof DnsRecord.Mx mx) {
                r = new MXRecord(owner, DClass.IN, seconds, mx.preference(), DomainNames.parseOrThrow(mx.exchange()));
            } else if (record instanceof DnsRecord.Txt txt) {
                r = record(owner, seconds, "TXT", txt.strings());
            } else if (record instanceof DnsRecord.Spf spf) {
                r = record(owner, seconds, "SPF", spf.strings());
            } else if (record instanceof DnsRecord.Ptr ptr) {
                r = new PTRRecord(owner, DClass.IN, seconds, DomainNames.parseOrThrow(ptr.target()));
            } else if (record instanceof DnsRecord.Cname cname) {
                r = new CNAMERecord(owner, DClass.IN, seconds, DomainNames.parseOrThrow(cname.target()));
            } else if (record instanceof DnsRecord.Ns ns) {
                r = new NSRecord(owner, DClass.IN, seconds, DomainNames.parseOrThrow(ns.target()));
            } else if (record instanceof DnsRecord.Soa soa) {
                r = new SOARecord(owner, DClass.IN, seconds, DomainNames.parseOrThrow(soa.primary()),
                        DomainNames.parseOrThrow(soa.admin()), soa.serial(), soa.refresh().toSeconds(),
                        soa.retry().toSeconds(), soa.expire().toSeconds(), soa.minimum().toSeconds());
            } else {
                throw new IllegalStateException("DnsRecord kind without zone support: " + record);
            }
            return addRecord(r);
        }

        /**
         * Adds a record from its type mnemonic and values, as on a line of the text format but already split:
         * {@code add("example.org", "MX", "10", "mx.example.org")}, {@code add("x.test", "TXT", "part one", "part two")}.
         * TXT/SPF values are UTF-8 text; for raw octets use {@link #txtOctets}.
         */
        public Builder add(String name, String type, String... values) {
            return add(name, DEFAULT_TTL, type, values);
        }

        /** As {@link #add(String, String, String...)} with a TTL in seconds. */
        public Builder add(String name, long ttlSeconds, String type, String... values) {
            List<String> octetValues = new ArrayList<>(values.length);
            for (String v : values) {
                octetValues.add(octets(v));
            }
            return addRecord(record(DomainNames.parseOrThrow(name), ttlSeconds, type.toUpperCase(Locale.ROOT),
                    octetValues));
        }

        /** One TXT record whose character-strings are the UTF-8 encodings of {@code strings}. */
        public Builder txt(String name, String... strings) {
            return add(name, "TXT", strings);
        }

        /** One TXT record with raw character-strings (any octets, each at most 255). */
        public Builder txtOctets(String name, List<byte[]> strings) {
            return addRecord(Record.newRecord(DomainNames.parseOrThrow(name), Type.TXT, DClass.IN, DEFAULT_TTL,
                    CharacterStrings.rdata(strings)));
        }

        /** One SPF (type 99) record with raw character-strings. */
        public Builder spfOctets(String name, List<byte[]> strings) {
            return addRecord(Record.newRecord(DomainNames.parseOrThrow(name), Type.SPF, DClass.IN, DEFAULT_TTL,
                    CharacterStrings.rdata(strings)));
        }

        /** Queries at {@code name} for types it has no record of go unanswered. */
        public Builder timeout(String name) {
            timeouts.add(DomainNames.parseOrThrow(name));
            return this;
        }

        /**
         * Queries for {@code type} (a mnemonic such as {@code "TXT"}) at {@code name} are answered NODATA even when
         * the name is {@link #timeout TIMEOUT}: the SPF suite's {@code TXT: NONE}.
         */
        public Builder noData(String name, String type) {
            int code = Type.value(type.toUpperCase(Locale.ROOT));
            if (code < 0) {
                throw new IllegalArgumentException("unknown type " + type);
            }
            noDataTypes.computeIfAbsent(DomainNames.parseOrThrow(name), k -> new HashSet<>()).add(code);
            return this;
        }

        /** Every query at {@code name} is answered SERVFAIL. */
        public Builder servfail(String name) {
            servfails.add(DomainNames.parseOrThrow(name));
            return this;
        }

        /** Negative answers carry no SOA (so resolvers fall back to their configured negative TTL). */
        public Builder withoutSoa() {
            soaInNegativeAnswers = false;
            return this;
        }

        /**
         * A CNAME is answered alone (NOERROR, no SOA), as an authoritative server does for a target outside its zone,
         * so resolvers must ask again for the target themselves.
         */
        public Builder withoutCnameChasing() {
            chasesCnames = false;
            return this;
        }

        Builder addRecord(Record r) {
            records.computeIfAbsent(r.getName(), k -> new ArrayList<>()).add(r);
            return this;
        }

        /** The zone; the builder may be used on. */
        public DnsZone build() {
            return new DnsZone(this);
        }
    }
}
