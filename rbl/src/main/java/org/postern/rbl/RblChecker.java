package org.postern.rbl;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.postern.dns.DnsResolver;

/**
 * Looks up the client IP (DNSBL) and names (RHSBL) in the configured blocklists, all lists at once.
 *
 * <p>RFC 5782 in brief: to ask list {@code zen.spamhaus.org} about 192.0.2.99, query the A record of
 * {@code 99.2.0.192.zen.spamhaus.org} (§2.1); an IPv6 address becomes 32 reversed nibbles (§2.4); a name is
 * prepended as it is (§2.2). NXDOMAIN means not listed; A records in 127.0.0.0/8 mean listed, and their values say
 * on which sublist (§2.3). What Postern adds, after rspamd and Spamhaus's 2021 warning: answers 127.255.255.252–255
 * and answers outside 127/8 are errors, never listings, and are counted per list ({@link #counters()}), because a
 * checker that trusts them rejects everybody once a resolver is blocked or a list's domain expires.
 *
 * <p>The pipeline calls {@link #checkIp} at CONNECT and {@link #checkName} at HELO and MAIL, and joins the stages
 * at the verdict; outcomes carry symbols ({@link ReturnCodeRule#symbol()}), never scores.
 *
 * <p>Thread-safe, never blocks, logs nothing per message (one WARN per list the first time it refuses queries or
 * answers outside 127/8; ERROR if the resolver breaks its contract).
 */
public final class RblChecker {

    /** Postfix's $rbl_class for a client address lookup (POSTFIX: SMTPD_NAME_CLIENT). */
    private static final String CLIENT_CLASS = "Client host";

    private final DnsResolver dns;
    private final List<ConfiguredList> lists;

    private RblChecker(DnsResolver dns, List<ConfiguredList> lists) {
        this.dns = dns;
        this.lists = lists;
    }

    /**
     * Creates a checker over {@code dns}, which it does not own (closing it is the caller's job).
     *
     * @param lists the lists, in the order outcomes and counters report them; may be empty
     * @throws IllegalArgumentException if two lists share a name
     */
    public static RblChecker create(DnsResolver dns, List<RblList> lists) {
        requireNonNull(dns, "dns");
        Set<String> names = new HashSet<>();
        List<ConfiguredList> configured = new ArrayList<>();
        for (RblList list : List.copyOf(lists)) {
            if (!names.add(list.name())) {
                throw new IllegalArgumentException("two lists are named " + list.name()
                        + "; list names must be unique, because counters and symbols are keyed by them");
            }
            configured.add(new ConfiguredList(list));
        }
        return new RblChecker(dns, List.copyOf(configured));
    }

    /**
     * Asks every list that {@linkplain RblList#checksIp() checks IPs} about {@code client}, all in parallel.
     * An IPv4-mapped IPv6 address ({@code ::ffff:192.0.2.1}) is looked up as IPv4.
     *
     * <p>Never completes exceptionally: every failure is an {@link RblOutcome.Failed} for its list. Completes on a
     * resolver thread, or at once on the calling thread when every answer comes from the resolver's cache or no list
     * checks IPs. Bounded by the resolver's timeout and retries; callers add their own stage budget.
     *
     * @return one outcome per IP list, in configuration order
     */
    public CompletionStage<List<RblOutcome>> checkIp(InetAddress client) {
        requireNonNull(client, "client");
        byte[] address = QueryNames.addressBytes(client);
        String text = QueryNames.text(address);
        String reversed = QueryNames.reversed(address);
        List<CompletableFuture<RblOutcome>> lookups = new ArrayList<>();
        for (ConfiguredList list : lists) {
            if (list.list().checksIp()) {
                lookups.add(list.lookup(dns,
                        new ConfiguredList.Lookup(text, reversed + "." + list.suffix(), CLIENT_CLASS)));
            }
        }
        return all(lookups);
    }

    /**
     * Asks every list whose {@linkplain RblList#nameKinds() name kinds} include {@code kind} about {@code name}, all
     * in parallel. The name is lower-cased (A–Z only) and loses one trailing dot. A name that cannot form a query
     * name gives {@link RblOutcome.Skipped} for each list and no DNS query: an address literal or IPv4 address (a
     * common HELO), anything but letters, digits, hyphens and dots (pass U-labels as A-labels), a label longer than
     * 63 characters, a query name longer than 253 characters, and Postfix's placeholder {@code unknown} as
     * {@link NameKind#CLIENT_NAME}.
     *
     * <p>Never completes exceptionally; threads as for {@link #checkIp}.
     *
     * @return one outcome per list that checks this kind, in configuration order
     */
    public CompletionStage<List<RblOutcome>> checkName(String name, NameKind kind) {
        requireNonNull(name, "name");
        requireNonNull(kind, "kind");
        String normalized = QueryNames.normalize(name);
        List<CompletableFuture<RblOutcome>> lookups = new ArrayList<>();
        for (ConfiguredList list : lists) {
            if (!list.list().nameKinds().contains(kind)) {
                continue;
            }
            Optional<String> problem = kind == NameKind.CLIENT_NAME && normalized.equals("unknown")
                    ? Optional.of("'unknown' is Postfix's placeholder for a client without a verified name")
                    : QueryNames.problem(normalized, list.list());
            if (problem.isPresent()) {
                lookups.add(CompletableFuture.completedFuture(
                        list.skip(QueryNames.printable(normalized), problem.get())));
            } else {
                lookups.add(list.lookup(dns,
                        new ConfiguredList.Lookup(normalized, normalized + "." + list.suffix(), kind.rblClass())));
            }
        }
        return all(lookups);
    }

    /** A snapshot of every list's counters, in configuration order. Cheap; safe from any thread. */
    public RblCounters counters() {
        return new RblCounters(lists.stream().map(ConfiguredList::counters).toList());
    }

    /** The lists, in configuration order; the pipeline reads their rules to know which symbols it may see. */
    public List<RblList> lists() {
        return lists.stream().map(ConfiguredList::list).toList();
    }

    private static CompletionStage<List<RblOutcome>> all(List<CompletableFuture<RblOutcome>> lookups) {
        // Each lookup already completes normally, so allOf does too, and join() below never waits.
        return CompletableFuture.allOf(lookups.toArray(new CompletableFuture<?>[0]))
                .thenApply(done -> lookups.stream().map(CompletableFuture::join).toList());
    }
}
