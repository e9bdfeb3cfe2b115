package org.postern.greylist;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

import org.postern.greylist.GreylistDecision.Defer;
import org.postern.greylist.GreylistDecision.Pass;
import org.postern.greylist.GreylistDecision.PassReason;
import org.postern.greylist.GreylistEntry.Allowlisted;
import org.postern.greylist.GreylistEntry.Counting;
import org.postern.greylist.GreylistEntry.Passed;
import org.postern.greylist.GreylistEntry.Pending;

/**
 * Greylisting: the first attempt of an unknown (client, sender, recipient) triplet is deferred, a retry after the
 * delay passes, and what passed is remembered, so that spam bots that never retry are turned away while real mail
 * servers see one delay per correspondent.
 *
 * <p><b>Triplets.</b> The client is its network (IPv4 /24 and IPv6 /64 by default), so a retry from a neighbouring
 * address of the same server farm counts. The sender is normalized (lower case, SRS, BATV and {@code +extension}
 * undone: {@link SenderAddress}), so a retry with a fresh bounce tag counts. A client whose reverse name Postfix
 * verified also gets a second, wider triplet (its registered domain, the sender's domain, the recipient:
 * {@link ReverseNames}), because big senders retry from other networks and other local parts; whichever of the two
 * passes first lets the other pass too.
 *
 * <p><b>Timeline of a triplet.</b> First attempt at t0: pending, {@link Defer} with the full delay. A retry before
 * t0 + delay: {@link Defer} with the rest, t0 unchanged. A retry from t0 + delay up to (not including) t0 + retry
 * window: {@link Pass}, and the triplet is passed until passed-lifetime after its last use. A retry at or after the
 * end of the window: a first attempt again. Expired entries count as absent and are overwritten when met; {@link
 * #purgeExpired} deletes the others in bounded batches.
 *
 * <p><b>Auto-allowlisting.</b> Each time a triplet passes for the first time, its client network and its reverse
 * domain (if any) count one. At {@link GreylistPolicy#autoAllowlistAfter()} the client is allowlisted and passes
 * without a triplet check until auto-allowlist-lifetime after its last use (postgrey's auto-whitelist-clients,
 * refreshed on use as postgrey does).
 *
 * <p><b>Refresh on use.</b> "Refreshed on each use" is kept to 1/{@value #REFRESH_DIVISOR} of the lifetime (50
 * minutes of 35 days): a use within that time of the last write reads only, so a busy known triplet or an
 * allowlisted client costs no disk write per message. An entry may therefore expire up to that much before "last
 * use + lifetime".
 *
 * <p><b>Threads.</b> Thread-safe; one instance serves the daemon. {@link #check} runs on the caller's thread and
 * does a few store reads, plus one store write (one LMDB transaction, one fsync) when something changes: a first
 * attempt, a pass, a refresh. Call it from a worker executor, never from an event loop. The common answers (a
 * known triplet, an allowlisted client) take no lock. Decisions that write are serialized by one lock, so two
 * concurrent checks of one triplet record one first attempt and count one pass. Another process writing the same
 * store is not serialized with this one; a race between them costs at most an extra deferral or a lost count,
 * never a pass that should have been deferred.
 *
 * <p>References: (1) Evan Harris, "The Next Step in the Spam Control War: Greylisting" (2003), which defined the
 * triplet, the delay and the lifetimes. (2) postgrey (David Schweikert): /24 networks, the 5-minute delay, the
 * 35-day max-age, auto-whitelisting of clients after 5 deliveries. (3) issue #6 for the reverse-domain triplet.
 */
public final class Greylister implements AutoCloseable {

    /** Refresh granularity, as a fraction of a lifetime: see the class comment. */
    static final int REFRESH_DIVISOR = 1000;

    private final GreylistStore store;
    private final GreylistPolicy policy;
    private final Clock clock;
    /** Held by every decision that writes; see the class comment. */
    private final ReentrantLock writeLock = new ReentrantLock();

    private Greylister(GreylistStore store, GreylistPolicy policy, Clock clock) {
        this.store = store;
        this.policy = policy;
        this.clock = clock;
    }

    /**
     * A greylister over {@code store}. The greylister owns the store from now on and closes it in {@link #close()}.
     *
     * @param clock the time every decision and expiry is based on (tests pass a clock they move)
     */
    public static Greylister open(GreylistStore store, GreylistPolicy policy, Clock clock) {
        return new Greylister(requireNonNull(store, "store"), requireNonNull(policy, "policy"),
                requireNonNull(clock, "clock"));
    }

    /**
     * Decides one recipient at RCPT. Microseconds when the store is in the page cache; add one fsync when the
     * decision writes (see the class comment). Runs on the caller's thread; thread-safe.
     *
     * @return {@link Pass}, {@link Defer}, or {@link GreylistDecision.StoreFailure} when the store failed (the
     *     recipient is then not deferred); never null
     * @throws IllegalStateException    after {@link #close()}
     * @throws IllegalArgumentException if the sender or recipient contains NUL (the milter codec never passes one)
     */
    public GreylistDecision check(GreylistRequest request) {
        GreylistTriplet triplet = GreylistTriplet.of(requireNonNull(request, "request"), policy);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        try {
            Optional<GreylistDecision> readOnly = decideWithoutWriting(triplet, now);
            if (readOnly.isPresent()) {
                return readOnly.get();
            }
            writeLock.lock();
            try {
                return decide(triplet, now);
            } finally {
                writeLock.unlock();
            }
        } catch (GreylistStoreException e) {
            return new GreylistDecision.StoreFailure(e.getMessage());
        }
    }

    /**
     * Deletes expired entries, looking at no more than {@code maxEntries} of them; the daemon calls this
     * periodically (for example 1000 entries every minute) from a worker thread. Each call continues where the
     * previous one stopped.
     *
     * @return how many entries were deleted
     * @throws GreylistStoreException   if the store failed
     * @throws IllegalArgumentException if {@code maxEntries} is not positive
     * @throws IllegalStateException    after {@link #close()}
     */
    public int purgeExpired(int maxEntries) {
        return store.purgeExpired(clock.instant(), maxEntries);
    }

    /** Closes the store. Idempotent; checks still running finish first. */
    @Override
    public void close() {
        store.close();
    }

    /** The answer when it needs no write: an allowlisted client or a known triplet, neither due for a refresh. */
    private Optional<GreylistDecision> decideWithoutWriting(GreylistTriplet triplet, Instant now) {
        if (policy.autoAllowlistAfter() > 0) {
            for (GreylistKey.Client client : triplet.clients()) {
                Optional<GreylistEntry> entry = store.get(client);
                if (entry.isPresent() && entry.get() instanceof Allowlisted && entry.get().isLiveAt(now)
                        && !refreshDue(entry.get(), now, policy.autoAllowlistLifetime())) {
                    return Optional.of(new Pass(PassReason.AUTO_ALLOWLISTED_CLIENT));
                }
            }
        }
        Optional<GreylistEntry> entry = store.get(triplet.byNetwork());
        if (entry.isPresent() && entry.get() instanceof Passed && entry.get().isLiveAt(now)
                && !refreshDue(entry.get(), now, policy.passedLifetime())) {
            return Optional.of(new Pass(PassReason.KNOWN_TRIPLET));
        }
        return Optional.empty();
    }

    /** The full decision, with its writes applied in one store update. Called with {@link #writeLock} held. */
    private GreylistDecision decide(GreylistTriplet triplet, Instant now) {
        Map<GreylistKey, GreylistEntry> puts = new HashMap<>();
        Set<GreylistKey> deletes = new HashSet<>();
        Map<GreylistKey.Client, Optional<GreylistEntry>> clients = new HashMap<>();
        if (policy.autoAllowlistAfter() > 0) {
            for (GreylistKey.Client client : triplet.clients()) {
                Optional<GreylistEntry> entry = store.get(client);
                if (entry.isPresent() && !entry.get().isLiveAt(now)) {
                    deletes.add(client);    // lazily, with whatever else this decision writes
                    entry = Optional.empty();
                }
                if (entry.isPresent() && entry.get() instanceof Allowlisted) {
                    if (refreshDue(entry.get(), now, policy.autoAllowlistLifetime())) {
                        puts.put(client, new Allowlisted(now.plus(policy.autoAllowlistLifetime())));
                    }
                    store.update(puts, deletes);
                    return new Pass(PassReason.AUTO_ALLOWLISTED_CLIENT);
                }
                clients.put(client, entry);
            }
        }
        Optional<GreylistEntry> byNetwork = liveTriplet(store.get(triplet.byNetwork()), now);
        Optional<GreylistEntry> byDomain = triplet.byReverseDomain().flatMap(key -> liveTriplet(store.get(key), now));
        GreylistDecision decision;
        boolean newlyPassed;
        if (isPassed(byNetwork) || isPassed(byDomain)) {
            decision = new Pass(isPassed(byNetwork) ? PassReason.KNOWN_TRIPLET : PassReason.KNOWN_REVERSE_DOMAIN);
            newlyPassed = !isPassed(byNetwork);
        } else {
            Optional<Instant> networkDue = firstSeen(byNetwork).map(t -> t.plus(policy.delay()));
            Optional<Instant> domainDue = firstSeen(byDomain).map(t -> t.plus(policy.delay()));
            if (networkDue.isPresent() && !now.isBefore(networkDue.get())) {
                decision = new Pass(PassReason.RETRY_AFTER_DELAY);
            } else if (domainDue.isPresent() && !now.isBefore(domainDue.get())) {
                decision = new Pass(PassReason.RETRY_FROM_REVERSE_DOMAIN);
            } else {
                Instant due = earliest(networkDue, domainDue).orElse(now.plus(policy.delay()));
                Pending pending = new Pending(now, now.plus(policy.retryWindow()));
                if (byNetwork.isEmpty()) {
                    puts.put(triplet.byNetwork(), pending);
                }
                if (byDomain.isEmpty()) {
                    triplet.byReverseDomain().ifPresent(key -> puts.put(key, pending));
                }
                store.update(puts, deletes);
                return new Defer(Duration.between(now, due), networkDue.isEmpty() && domainDue.isEmpty());
            }
            newlyPassed = true;
        }
        Passed passed = new Passed(now.plus(policy.passedLifetime()));
        if (!isPassed(byNetwork) || refreshDue(byNetwork.get(), now, policy.passedLifetime())) {
            puts.put(triplet.byNetwork(), passed);
        }
        if (triplet.byReverseDomain().isPresent()
                && (!isPassed(byDomain) || refreshDue(byDomain.get(), now, policy.passedLifetime()))) {
            puts.put(triplet.byReverseDomain().get(), passed);
        }
        if (newlyPassed) {
            clients.forEach((client, entry) -> {
                deletes.remove(client);
                puts.put(client, counted(entry, now));
            });
        }
        store.update(puts, deletes);
        return decision;
    }

    /** A client's entry after one more of its triplets passed: counting on, or allowlisted at the threshold. */
    private GreylistEntry counted(Optional<GreylistEntry> entry, Instant now) {
        int passed = 1 + entry.filter(e -> e instanceof Counting).map(e -> ((Counting) e).passedTriplets()).orElse(0);
        Instant expiresAt = now.plus(policy.autoAllowlistLifetime());
        return passed >= policy.autoAllowlistAfter() ? new Allowlisted(expiresAt) : new Counting(passed, expiresAt);
    }

    /**
     * Whether an entry that lives {@code lifetime} after its last write should be written again at {@code now}:
     * its last write is at least 1/{@value #REFRESH_DIVISOR} of the lifetime ago.
     */
    static boolean refreshDue(GreylistEntry entry, Instant now, Duration lifetime) {
        Instant lastWrite = entry.expiresAt().minus(lifetime);
        return !now.isBefore(lastWrite.plus(lifetime.dividedBy(REFRESH_DIVISOR)));
    }

    /** A triplet's entry if it still counts; expired entries and (corrupt) client entries count as absent. */
    private static Optional<GreylistEntry> liveTriplet(Optional<GreylistEntry> entry, Instant now) {
        return entry.filter(e -> e.isLiveAt(now) && (e instanceof Pending || e instanceof Passed));
    }

    private static boolean isPassed(Optional<GreylistEntry> entry) {
        return entry.isPresent() && entry.get() instanceof Passed;
    }

    private static Optional<Instant> firstSeen(Optional<GreylistEntry> entry) {
        return entry.filter(e -> e instanceof Pending).map(e -> ((Pending) e).firstSeen());
    }

    private static Optional<Instant> earliest(Optional<Instant> a, Optional<Instant> b) {
        if (a.isEmpty()) {
            return b;
        }
        return b.isEmpty() || a.get().isBefore(b.get()) ? a : b;
    }
}
