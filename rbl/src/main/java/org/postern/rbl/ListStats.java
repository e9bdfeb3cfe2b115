package org.postern.rbl;

import java.util.concurrent.atomic.LongAdder;

/** The live counters of one list; {@link LongAdder}s, because lookups of many sessions complete concurrently. */
final class ListStats {

    final LongAdder queries = new LongAdder();
    final LongAdder listed = new LongAdder();
    final LongAdder unmapped = new LongAdder();
    final LongAdder notListed = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder outsideLoopback = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    final LongAdder dnsFailures = new LongAdder();
    final LongAdder skipped = new LongAdder();

    RblCounters.ListCounters snapshot(String list) {
        return new RblCounters.ListCounters(list, queries.sum(), listed.sum(), unmapped.sum(), notListed.sum(),
                refused.sum(), outsideLoopback.sum(), timeouts.sum(), dnsFailures.sum(), skipped.sum());
    }
}
