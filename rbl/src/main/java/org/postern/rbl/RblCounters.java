package org.postern.rbl;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A snapshot of the per-list counters since the {@link RblChecker} was created, for metrics and the console.
 *
 * <p>A list that mostly answers {@link ListCounters#errors()} is broken for this server: query errors usually mean
 * the resolver is public (Spamhaus .254) or the key is wrong (.252); answers outside 127/8 mean the zone is dead or
 * wildcarded.
 *
 * @param lists one entry per configured list, in configuration order
 */
public record RblCounters(List<ListCounters> lists) {

    public RblCounters {
        lists = List.copyOf(lists);
    }

    /** The counters of the list with this {@link RblList#name()}. */
    public Optional<ListCounters> forList(String name) {
        return lists.stream().filter(c -> c.list().equals(name)).findFirst();
    }

    /**
     * Counters of one list. Every lookup that was sent ends in exactly one of listed, notListed, refused,
     * outsideLoopback, timeouts and dnsFailures, so once no lookup is in flight they add up to {@code queries}.
     *
     * @param list            {@link RblList#name()}
     * @param queries         lookups sent to the resolver (answers from the resolver's cache included)
     * @param listed          answers with listing codes, mapped or not
     * @param unmapped        of {@code listed}, answers with at least one code no rule maps
     * @param notListed       NXDOMAIN and NODATA
     * @param refused         answers with a code in 127.255.255.252–255
     * @param outsideLoopback answers with an A record outside 127.0.0.0/8
     * @param timeouts        lookups the resolver gave up on
     * @param dnsFailures     other DNS failures (SERVFAIL, REFUSED, malformed answers, network errors)
     * @param skipped         names not looked up because they cannot form a query name (not in {@code queries})
     */
    public record ListCounters(String list, long queries, long listed, long unmapped, long notListed, long refused,
                               long outsideLoopback, long timeouts, long dnsFailures, long skipped) {

        public ListCounters {
            requireNonNull(list, "list");
        }

        /** Broken answers: {@code refused + outsideLoopback}. Timeouts and DNS failures are counted apart. */
        public long errors() {
            return refused + outsideLoopback;
        }
    }
}
