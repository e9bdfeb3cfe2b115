package org.postern.dns;

/**
 * A snapshot of a resolver's counters, for metrics. All are totals since the resolver was created.
 *
 * @param queries   queries sent to a server: every try, every retry, every extra query to follow a CNAME chain
 *                  (a TCP retry after a truncated UDP answer is part of the same query)
 * @param cacheHits lookups answered from the cache, including lookups that joined an identical lookup in flight
 * @param timeouts  tries that got no answer within the per-try timeout
 * @param failures  lookups whose final answer was a {@link DnsAnswer.Failure} of any kind (timeouts included)
 */
public record DnsCounters(long queries, long cacheHits, long timeouts, long failures) {
}
