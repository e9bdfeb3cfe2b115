package org.postern.rbl;

import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.postern.dns.DnsAnswer;
import org.postern.dns.DnsRecord;
import org.postern.dns.DnsResolver;
import org.postern.dns.DnsType;

/**
 * One {@link RblList} at run time: its parsed reply template, its counters, and the reading of its answers.
 *
 * <p>Reading an answer, in this order (the order matters: an error code must never reach the rules):
 * <ol>
 *   <li>a DNS failure is {@link RblOutcome.FailureKind#TIMEOUT} or {@link RblOutcome.FailureKind#DNS_FAILURE};</li>
 *   <li>NXDOMAIN, NODATA, or records without any A record are not listed (RFC 5782 §2.1);</li>
 *   <li>any A record outside 127.0.0.0/8 makes the whole answer {@link RblOutcome.FailureKind#OUTSIDE_LOOPBACK},
 *       even beside valid codes: a wildcarded zone cannot be trusted for the rest either;</li>
 *   <li>any A record in 127.255.255.252–255 makes it {@link RblOutcome.FailureKind#REFUSED_OR_RATE_LIMITED}: the list
 *       did not look the query up, so other codes in the same answer are not a verdict;</li>
 *   <li>otherwise every code is a listing code, and the rules decide between Listed and ListedUnmapped.</li>
 * </ol>
 *
 * <p>Thread-safe: the only mutable state is the counters and two warn-once flags.
 */
final class ConfiguredList {

    private static final System.Logger LOG = System.getLogger(RblChecker.class.getName());

    /** What one lookup is about: the text for outcomes and templates, the DNS name, Postfix's $rbl_class. */
    record Lookup(String lookedUp, String queryName, String rblClass) {
    }

    private final RblList list;
    private final ReplyTemplate template;
    private final String suffix;
    private final ListStats stats = new ListStats();
    private final AtomicBoolean warnedRefused = new AtomicBoolean();
    private final AtomicBoolean warnedOutside = new AtomicBoolean();

    ConfiguredList(RblList list) {
        this.list = list;
        this.template = ReplyTemplate.parse(list.replyTemplate().orElse(ReplyTemplate.DEFAULT));
        this.suffix = QueryNames.suffix(list);
    }

    RblList list() {
        return list;
    }

    /** The labels every query name of this list ends with (key prefix and zone). */
    String suffix() {
        return suffix;
    }

    /** Asks the list; the stage never completes exceptionally (see {@link RblChecker}). */
    CompletableFuture<RblOutcome> lookup(DnsResolver dns, Lookup lookup) {
        stats.queries.increment();
        try {
            return dns.lookup(lookup.queryName(), DnsType.A)
                    .handle((answer, failure) -> failure == null
                            ? read(answer, lookup)
                            : internalError(lookup, failure))
                    .exceptionally(bug -> internalError(lookup, bug))
                    .toCompletableFuture();
        } catch (RuntimeException bug) {
            return CompletableFuture.completedFuture(internalError(lookup, bug));
        }
    }

    /** Counts and returns an outcome for a name that cannot be looked up. */
    RblOutcome skip(String lookedUp, String reason) {
        stats.skipped.increment();
        return new RblOutcome.Skipped(list, lookedUp, reason);
    }

    /** Reads one answer into an outcome and counts it; see the class comment for the order. */
    RblOutcome read(DnsAnswer answer, Lookup lookup) {
        if (answer instanceof DnsAnswer.Failure failure) {
            if (failure.kind() == DnsAnswer.FailureKind.TIMEOUT) {
                stats.timeouts.increment();
                return failed(lookup, RblOutcome.FailureKind.TIMEOUT, "no answer: " + failure.detail());
            }
            stats.dnsFailures.increment();
            return failed(lookup, RblOutcome.FailureKind.DNS_FAILURE, failure.kind() + ": " + failure.detail());
        }
        List<Inet4Address> codes = new ArrayList<>();
        for (DnsRecord record : answer.records()) {
            if (record instanceof DnsRecord.A a && a.address() instanceof Inet4Address v4) {
                // Rebuilt without a host name: the resolver's address carries the owner name, whose toString()
                // would print the query name and with it a DQS key.
                codes.add(Ipv4.of(Ipv4.toInt(v4)));
            }
        }
        if (codes.isEmpty()) {
            // NXDOMAIN or NODATA; a CNAME chain that ends nowhere comes back from the resolver the same way.
            stats.notListed.increment();
            return new RblOutcome.NotListed(list, lookup.lookedUp());
        }
        List<Inet4Address> outside = codes.stream().filter(c -> !Ipv4.isLoopback(Ipv4.toInt(c))).toList();
        if (!outside.isEmpty()) {
            stats.outsideLoopback.increment();
            warnOnce(warnedOutside, "answers outside 127.0.0.0/8 (" + text(outside) + "); the list is broken or its"
                    + " domain expired and is wildcarded, so its answers are ignored");
            return failed(lookup, RblOutcome.FailureKind.OUTSIDE_LOOPBACK, text(outside)
                    + " is outside 127.0.0.0/8 (broken or wildcarded zone)");
        }
        List<Inet4Address> errors = codes.stream().filter(c -> Ipv4.isErrorCode(Ipv4.toInt(c))).toList();
        if (!errors.isEmpty()) {
            stats.refused.increment();
            String detail = errors.stream().map(c -> c.getHostAddress() + " (" + refusal(c) + ")")
                    .collect(Collectors.joining(", "));
            warnOnce(warnedRefused, "refuses queries: " + detail);
            return failed(lookup, RblOutcome.FailureKind.REFUSED_OR_RATE_LIMITED, detail);
        }
        stats.listed.increment();
        Set<ReturnCodeRule> matched = new LinkedHashSet<>();
        for (ReturnCodeRule rule : list.rules()) {
            if (codes.stream().anyMatch(rule::matches)) {
                matched.add(rule);
            }
        }
        boolean anyUnmapped = codes.stream().anyMatch(c -> list.rules().stream().noneMatch(r -> r.matches(c)));
        if (anyUnmapped) {
            stats.unmapped.increment();
        }
        String reply = render(lookup, codes);
        if (matched.isEmpty()) {
            return new RblOutcome.ListedUnmapped(list, lookup.lookedUp(), codes, reply);
        }
        return new RblOutcome.Listed(list, lookup.lookedUp(), codes, List.copyOf(matched), reply);
    }

    RblCounters.ListCounters counters() {
        return stats.snapshot(list.name());
    }

    private RblOutcome internalError(Lookup lookup, Throwable failure) {
        // DnsResolver promises never to complete exceptionally, and reading an answer should not throw: this is a bug
        // in Postern, not the list's fault. STYLE: log it once with the stack trace; the message continues.
        LOG.log(Level.ERROR, "rbl list " + list.name() + ": lookup failed with an exception", failure);
        stats.dnsFailures.increment();
        return failed(lookup, RblOutcome.FailureKind.DNS_FAILURE, "internal error: " + failure);
    }

    private RblOutcome failed(Lookup lookup, RblOutcome.FailureKind kind, String detail) {
        return new RblOutcome.Failed(list, lookup.lookedUp(), kind, detail);
    }

    private String render(Lookup lookup, List<Inet4Address> codes) {
        Map<ReplyTemplate.Variable, String> values = new EnumMap<>(ReplyTemplate.Variable.class);
        values.put(ReplyTemplate.Variable.CLIENT_ADDRESS, lookup.lookedUp());
        values.put(ReplyTemplate.Variable.RBL_WHAT, lookup.lookedUp());
        values.put(ReplyTemplate.Variable.RBL_CLASS, lookup.rblClass());
        values.put(ReplyTemplate.Variable.RBL_DOMAIN, list.zone());
        values.put(ReplyTemplate.Variable.RBL_CODE, codes.stream().map(InetAddress::getHostAddress)
                .collect(Collectors.joining(",")));
        return template.render(values);
    }

    /** The meaning of a code in 127.255.255.252–255, after Spamhaus's "DNSBL return codes" page. */
    private static String refusal(Inet4Address code) {
        return switch (Ipv4.toInt(code) & 0xff) {
            case 252 -> "typing error in the list name, or a wrong DQS key";
            case 254 -> "query via public/open resolver";
            case 255 -> "excessive number of queries";
            default -> "query refused";
        };
    }

    private void warnOnce(AtomicBoolean flag, String message) {
        // One line per list and kind for the life of the checker; the counters keep the rest.
        if (flag.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "rbl list " + list.name() + " (" + list.zone() + ") " + message
                    + "; further occurrences are only counted");
        }
    }

    private static String text(List<Inet4Address> codes) {
        return codes.stream().map(InetAddress::getHostAddress).collect(Collectors.joining(","));
    }
}
