package org.postern.dns;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.WireParseException;

/**
 * Postern's one DNS resolver: asynchronous, caching, and it never throws at its callers.
 *
 * <p><b>How a lookup runs.</b> {@link #lookup} validates the name ({@link DnsAnswer} says what an impossible name
 * yields), then asks the cache. A miss sends one query (RD set) to the configured recursive servers through dnsjava's
 * non-blocking {@link SimpleResolver#sendAsync}: try {@code k} goes to server {@code k mod n}, each try waits
 * {@link DnsResolverSettings#timeout()}, and a try that times out or hits a socket error is followed by another
 * until {@code retries + 1} tries were made; a SERVFAIL or REFUSED answer moves on to the next server only when there
 * is more than one. A UDP answer with TC set is asked again over TCP by dnsjava (RFC 7766 §5).
 *
 * <p><b>CNAMEs.</b> The answer section is read as a chain from the asked name (RFC 1034 §3.6.2, §4.3.2): the
 * records returned are those of the asked type at the end of the chain, the TTL is the smallest along it. A chain
 * that ends without data, without an SOA and without NXDOMAIN means the server did not chase it, so the resolver
 * asks again for the last target (bypassing the cache, so two lookups can never wait on each other). A chain that
 * revisits a name or runs past {@value #MAX_CNAME_CHAIN} links is {@link DnsAnswer.FailureKind#CNAME_LOOP}.
 * Asking for type CNAME returns the CNAME itself.
 *
 * <p><b>Caching</b> (STYLE.md "Caching"). One bounded Caffeine {@link AsyncCache} keyed by (lower-cased name, type).
 * Each entry expires after its answer's {@link DnsAnswer#ttl()}: the minimum record TTL for data; for NXDOMAIN and
 * NODATA, {@code min(SOA TTL, SOA MINIMUM)} from the authority section (RFC 2308 §5), or
 * {@link DnsResolverSettings#negativeTtl()} when there is no SOA; everything capped by
 * {@link DnsResolverSettings#maxTtl()}. Failures have TTL zero, so they are never served from the cache. Identical
 * lookups that arrive while a query is in flight share it (and count as cache hits).
 *
 * <p><b>Threads.</b> Thread-safe. Returned stages complete on one of the resolver's own daemon threads
 * ({@code postern-dns-N}), never on the caller's, except that a cached answer or an impossible name completes at once.
 * Dependent stages run there too unless moved, so callers must not block in them; event-loop code hops back with
 * {@code thenAcceptAsync(..., ctx.executor())}.
 *
 * <p><b>Failure.</b> No stage completes exceptionally: timeouts, SERVFAIL, malformed answers, socket errors and
 * lookups after {@link #close()} are {@link DnsAnswer.Failure} values, and our own bugs are logged and become
 * {@code Failure(OTHER)} too (a broken resolver must not stop the mail flow).
 */
public final class DnsResolver implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DnsResolver.class.getName());

    /** Longest CNAME chain followed; resolvers commonly stop between 8 and 16 (BIND: 16). */
    static final int MAX_CNAME_CHAIN = 16;

    private final DnsResolverSettings settings;
    private final List<SimpleResolver> servers;
    private final ExecutorService pool;
    private final Executor executor;
    private final AsyncCache<DnsQuestion, DnsAnswer> cache;
    private final LongAdder queries = new LongAdder();
    private final LongAdder cacheHits = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private volatile boolean closed;

    /** A cache key: the lower-cased name and the type. */
    record DnsQuestion(Name name, DnsType type) {
        DnsQuestion {
            requireNonNull(name, "name");
            requireNonNull(type, "type");
        }
    }

    private DnsResolver(DnsResolverSettings settings) {
        this.settings = settings;
        List<SimpleResolver> list = new ArrayList<>();
        for (InetSocketAddress server : settings.servers()) {
            SimpleResolver r = new SimpleResolver(server);
            r.setTimeout(settings.timeout());
            list.add(r);
        }
        this.servers = List.copyOf(list);
        this.pool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                new DaemonThreads());
        // After close() the pool refuses work; run it inline instead, so no stage is left hanging or made exceptional.
        this.executor = task -> {
            try {
                pool.execute(task);
            } catch (RejectedExecutionException e) {
                task.run();
            }
        };
        this.cache = Caffeine.newBuilder()
                .maximumSize(settings.cacheMaxEntries())
                .expireAfter(Expiry.creating((DnsQuestion q, DnsAnswer a) -> a.ttl()))
                .ticker(settings.ticker())
                .executor(executor)
                .buildAsync();
    }

    /** A resolver with its own threads; close it to stop them. */
    public static DnsResolver create(DnsResolverSettings settings) {
        return new DnsResolver(requireNonNull(settings, "settings"));
    }

    /**
     * Looks up records of {@code type} at {@code name}.
     *
     * @param name absolute, with or without the trailing dot, case-insensitive; each char is one octet (chars above
     *             U+00FF make the name impossible); no escapes
     * @return never completes exceptionally; see the class comment for threads, CNAMEs and caching
     */
    public CompletionStage<DnsAnswer> lookup(String name, DnsType type) {
        requireNonNull(name, "name");
        requireNonNull(type, "type");
        if (closed) {
            return CompletableFuture.completedFuture(new DnsAnswer.Failure(DnsAnswer.FailureKind.OTHER,
                    "resolver closed"));
        }
        Optional<Name> qname = DomainNames.parse(name);
        if (qname.isEmpty()) {
            // Not a domain name at all: no such name can exist, and asking a server would only waste a query.
            return CompletableFuture.completedFuture(new DnsAnswer.NxDomain(Duration.ZERO));
        }
        DnsQuestion question = new DnsQuestion(qname.get(), type);
        boolean[] missed = {false};
        CompletableFuture<DnsAnswer> cached = cache.get(question, (q, ignored) -> {
            missed[0] = true;
            Set<Name> visited = new HashSet<>();
            visited.add(q.name());
            return resolve(q, visited).thenApply(answer -> {
                if (answer.isFailure()) {
                    failures.increment();   // once per lookup, not per CNAME re-query
                }
                return answer;
            });
        });
        if (!missed[0]) {
            cacheHits.increment();
        }
        return cached.copy();   // callers must not be able to complete the cached future
    }

    /** A snapshot of the counters. */
    public DnsCounters counters() {
        return new DnsCounters(queries.sum(), cacheHits.sum(), timeouts.sum(), failures.sum());
    }

    /**
     * Stops the resolver's threads. Lookups after this answer {@code Failure(OTHER)} at once; lookups in flight still
     * complete (with their answer or a timeout). Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        pool.shutdown();
    }

    /** The nameservers of /etc/resolv.conf (port 53); empty if the file is missing or unreadable. */
    public static List<InetSocketAddress> systemServers() {
        return ResolvConf.read(Path.of("/etc/resolv.conf"));
    }

    /** Number of cached answers after pending evictions ran; for tests of the bound. */
    long cacheSize() {
        cache.synchronous().cleanUp();
        return cache.synchronous().estimatedSize();
    }

    // --- resolution ---

    /** Resolves a question from the network (no cache), following CNAMEs; always completes normally. */
    private CompletableFuture<DnsAnswer> resolve(DnsQuestion q, Set<Name> visited) {
        return send(q, 0)
                .thenCompose(reply -> reply instanceof Reply.Answered a
                        ? interpret(q, a.message(), visited)
                        : CompletableFuture.completedFuture(((Reply.Failed) reply).failure()))
                .handle((answer, bug) -> {
                    if (bug != null) {
                        LOG.log(System.Logger.Level.ERROR, "DNS lookup of " + q + " failed unexpectedly", bug);
                        answer = new DnsAnswer.Failure(DnsAnswer.FailureKind.OTHER, "internal error: " + bug);
                    }
                    return answer;
                });
    }

    /** What one network exchange gave. */
    private sealed interface Reply {
        record Answered(Message message) implements Reply {}
        record Failed(DnsAnswer.Failure failure) implements Reply {}
    }

    private CompletableFuture<Reply> send(DnsQuestion q, int attempt) {
        SimpleResolver server = servers.get(attempt % servers.size());
        Message query = Message.newQuery(Record.newRecord(q.name(), q.type().code(), DClass.IN));
        queries.increment();
        CompletableFuture<Message> sent;
        try {
            // dnsjava's NIO client checks its timeouts about once a second, so a 300 ms timeout would take a
            // second; our own deadline on a copy keeps the configured one (and leaves dnsjava's future alone).
            sent = server.sendAsync(query, executor).toCompletableFuture().copy()
                    .orTimeout(settings.timeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.handleAsync((message, error) -> {
            Reply reply = error != null ? new Reply.Failed(classify(unwrap(error), server))
                    : message.getRcode() == Rcode.SERVFAIL ? new Reply.Failed(failure(
                            DnsAnswer.FailureKind.SERVFAIL, "SERVFAIL from " + server.getAddress()))
                    : message.getRcode() == Rcode.REFUSED ? new Reply.Failed(failure(
                            DnsAnswer.FailureKind.REFUSED, "REFUSED by " + server.getAddress()))
                    : new Reply.Answered(message);
            if (reply instanceof Reply.Failed f && attempt < settings.retries() && retryable(f.failure().kind())) {
                return send(q, attempt + 1);
            }
            return CompletableFuture.completedFuture(reply);
        }, executor).thenCompose(next -> next);
    }

    private boolean retryable(DnsAnswer.FailureKind kind) {
        return switch (kind) {
            case TIMEOUT, NETWORK -> true;
            // Another server may answer; the same one would fail the same way.
            case SERVFAIL, REFUSED -> servers.size() > 1;
            case MALFORMED_ANSWER, CNAME_LOOP, OTHER -> false;
        };
    }

    private DnsAnswer.Failure classify(Throwable error, SimpleResolver server) {
        if (error instanceof SocketTimeoutException || error instanceof TimeoutException) {
            timeouts.increment();
            return failure(DnsAnswer.FailureKind.TIMEOUT, "no answer from " + server.getAddress() + " within "
                    + settings.timeout().toMillis() + " ms");
        }
        if (error instanceof WireParseException) {
            LOG.log(System.Logger.Level.WARNING, "malformed DNS answer from " + server.getAddress() + ": "
                    + error.getMessage());
            return failure(DnsAnswer.FailureKind.MALFORMED_ANSWER, "malformed answer from " + server.getAddress()
                    + ": " + error.getMessage());
        }
        if (error instanceof IOException) {
            return failure(DnsAnswer.FailureKind.NETWORK, error + " talking to " + server.getAddress());
        }
        LOG.log(System.Logger.Level.ERROR, "unexpected error from dnsjava", error);
        return failure(DnsAnswer.FailureKind.OTHER, error.toString());
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static DnsAnswer.Failure failure(DnsAnswer.FailureKind kind, String detail) {
        return new DnsAnswer.Failure(kind, detail);
    }

    /** Reads an answer (RCODE NOERROR or NXDOMAIN) for {@code q}; may re-query for an unchased CNAME target. */
    CompletableFuture<DnsAnswer> interpret(DnsQuestion q, Message m, Set<Name> visited) {
        int rcode = m.getRcode();
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
            return done(failure(DnsAnswer.FailureKind.OTHER, "RCODE " + Rcode.string(rcode)));
        }
        List<Record> answers = m.getSection(Section.ANSWER);
        Name current = q.name();
        long chainTtl = Long.MAX_VALUE;
        int links = 0;
        while (true) {
            List<DnsRecord> found = new ArrayList<>();
            long ttl = chainTtl;
            CNAMERecord cname = null;
            for (Record r : answers) {
                if (r.getDClass() != DClass.IN || !r.getName().equals(current)) {
                    continue;
                }
                if (r.getType() == q.type().code()) {
                    Optional<DnsRecord> decoded = WireRecords.decode(r);
                    if (decoded.isEmpty()) {
                        return done(failure(DnsAnswer.FailureKind.MALFORMED_ANSWER, "undecodable record: " + r));
                    }
                    found.add(decoded.get());
                    ttl = Math.min(ttl, r.getTTL());
                } else if (r.getType() == Type.CNAME && cname == null) {
                    cname = (CNAMERecord) r;
                }
            }
            if (!found.isEmpty()) {
                return done(new DnsAnswer.Records(found, cap(ttl)));
            }
            if (cname == null) {
                break;
            }
            chainTtl = Math.min(chainTtl, cname.getTTL());
            current = cname.getTarget();
            if (!visited.add(current) || ++links > MAX_CNAME_CHAIN) {
                return done(failure(DnsAnswer.FailureKind.CNAME_LOOP, "CNAME chain from " + DomainNames.toText(
                        q.name()) + " loops or is longer than " + MAX_CNAME_CHAIN + " at " + DomainNames.toText(current)));
            }
        }
        Optional<Duration> negative = negativeTtl(m);
        Duration chain = chainTtl == Long.MAX_VALUE ? null : cap(chainTtl);
        if (rcode == Rcode.NXDOMAIN) {
            return done(new DnsAnswer.NxDomain(min(negative.orElse(cap(settings.negativeTtl())), chain)));
        }
        if (negative.isPresent() || current.equals(q.name())) {
            return done(new DnsAnswer.NoData(min(negative.orElse(cap(settings.negativeTtl())), chain)));
        }
        // A chain that stops short without SOA: the server did not chase it (e.g. an out-of-zone target). Ask for
        // the target ourselves, outside the cache; the visited set carries loop detection across queries.
        if (visited.size() > MAX_CNAME_CHAIN) {
            return done(failure(DnsAnswer.FailureKind.CNAME_LOOP, "CNAME chain from " + DomainNames.toText(q.name())
                    + " is longer than " + MAX_CNAME_CHAIN));
        }
        Duration chainCap = chain;
        return resolve(new DnsQuestion(current, q.type()), visited).thenApply(a -> withTtlAtMost(a, chainCap));
    }

    private static CompletableFuture<DnsAnswer> done(DnsAnswer a) {
        return CompletableFuture.completedFuture(a);
    }

    private static DnsAnswer withTtlAtMost(DnsAnswer a, Duration cap) {
        if (a instanceof DnsAnswer.Records r) {
            return new DnsAnswer.Records(r.records(), min(r.ttl(), cap));
        }
        if (a instanceof DnsAnswer.NoData n) {
            return new DnsAnswer.NoData(min(n.ttl(), cap));
        }
        if (a instanceof DnsAnswer.NxDomain n) {
            return new DnsAnswer.NxDomain(min(n.ttl(), cap));
        }
        return a;
    }

    private static Duration min(Duration a, Duration b) {
        return b == null || a.compareTo(b) <= 0 ? a : b;
    }

    /** RFC 2308 §5: the negative TTL is the smaller of the SOA's own TTL and its MINIMUM field. */
    private Optional<Duration> negativeTtl(Message m) {
        for (Record r : m.getSection(Section.AUTHORITY)) {
            if (r instanceof SOARecord soa) {
                return Optional.of(cap(Math.min(soa.getTTL(), soa.getMinimum())));
            }
        }
        return Optional.empty();
    }

    private Duration cap(long seconds) {
        return cap(Duration.ofSeconds(Math.max(0, seconds)));
    }

    private Duration cap(Duration ttl) {
        return ttl.compareTo(settings.maxTtl()) > 0 ? settings.maxTtl() : ttl;
    }

    private static final class DaemonThreads implements ThreadFactory {
        private final AtomicInteger next = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "postern-dns-" + next.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
