package org.postern.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.postern.bayes.LmdbBayesStore;
import org.postern.config.GreylistConfig;
import org.postern.config.MilterConfig;
import org.postern.config.PosternConfig;
import org.postern.daemon.pipeline.BayesModels;
import org.postern.daemon.pipeline.PipelineSettings;
import org.postern.daemon.pipeline.PipelineResources;
import org.postern.daemon.pipeline.ScanPipeline;
import org.postern.daemon.pipeline.SymbolsSeal;
import org.postern.greylist.GreylistPolicy;
import org.postern.greylist.Greylister;
import org.postern.greylist.LmdbGreylistStore;
import org.postern.dns.DnsResolver;
import org.postern.milter.MilterLimits;
import org.postern.milter.MilterServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Postern: the one assembly class (STYLE.md "Static singletons") that builds the object graph from a
 * configuration and owns what it starts. Thread-safe: {@link #reload} may be called from a signal handler while
 * sessions run.
 *
 * <pre>
 * try (Postern postern = Postern.start(ConfigLoader.load(path))) { ... }
 * </pre>
 */
public final class Postern implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Postern.class);

    private final ScanPipeline pipeline;
    private final MilterServer server;
    private final PipelineResources resources;
    private final Optional<Greylister> greylister;
    private final Optional<LmdbBayesStore> bayesStore;
    private final ScheduledExecutorService work;
    private final String hostName;
    private volatile PosternConfig config;

    private Postern(PosternConfig config, PipelineResources resources, Optional<Greylister> greylister,
                    Optional<LmdbBayesStore> bayesStore, ScheduledExecutorService work, ScanPipeline pipeline,
                    MilterServer server, String hostName) {
        this.config = config;
        this.resources = resources;
        this.greylister = greylister;
        this.bayesStore = bayesStore;
        this.work = work;
        this.pipeline = pipeline;
        this.server = server;
        this.hostName = hostName;
    }

    /**
     * Creates the state directory, compiles the configuration and starts serving the milter on
     * {@code config.milter().listen()} (port 0 picks a free port).
     *
     * @throws IllegalArgumentException when the configuration does not fit the checks (a sentence naming the key)
     * @throws UncheckedIOException     when the state directory cannot be created or the address cannot be bound
     */
    public static Postern start(PosternConfig config) {
        return start(config, Clock.systemUTC());
    }

    /**
     * As {@link #start(PosternConfig)}, with the clock greylisting decides by; tests move a clock instead of waiting
     * for the greylisting delay.
     */
    public static Postern start(PosternConfig config, Clock clock) {
        String hostName = HostName.local();
        createStateDir(config.stateDir());
        // Store I/O and other blocking work: never on a milter event loop (STYLE.md).
        ScheduledExecutorService work = Executors.newScheduledThreadPool(2, daemonThreads("postern-work"));
        DnsResolver dns = null;
        Optional<Greylister> greylister = Optional.empty();
        Optional<LmdbBayesStore> bayesStore = Optional.empty();
        try {
            dns = DnsSetup.resolver(config.dns());
            greylister = openGreylister(config, clock);
            // The same store `postern learn` writes and `postern check` reads; LMDB lets the processes share it.
            bayesStore = config.bayes().enabled()
                    ? Optional.of(BayesModels.openStore(config)) : Optional.empty();
            if (bayesStore.isPresent() && config.bayes().readCacheBytes() > Runtime.getRuntime().maxMemory() / 2) {
                LOG.warn("bayes.read_cache_bytes ({}) is more than half the Java heap ({} bytes): lower it or give"
                        + " the JVM more (-Xmx)", config.bayes().readCacheBytes(), Runtime.getRuntime().maxMemory());
            }
            // The key `postern check` verifies the symbols header with; made on the first start.
            SymbolsSeal seal = SymbolsSeal.openOrCreate(config.stateDir());
            PipelineResources resources = new PipelineResources(dns, greylister, work,
                    bayesStore.map(BayesModels::of), seal);
            ScanPipeline pipeline = new ScanPipeline(PipelineSettings.compile(config, resources, hostName,
                    Version.CURRENT));
            MilterConfig m = config.milter();
            MilterLimits limits = new MilterLimits(m.maxFrameBytes(), m.progressInterval(), m.negotiationTimeout(),
                    m.maxConnections());
            InetSocketAddress listen = new InetSocketAddress(m.listen().host(), m.listen().port());
            MilterServer server = MilterServer.start(listen, limits, pipeline);
            greylister.ifPresent(g -> work.scheduleWithFixedDelay(() -> purge(g), 1, 1, TimeUnit.MINUTES));
            Postern postern = new Postern(config, resources, greylister, bayesStore, work, pipeline, server, hostName);
            // Autolearn writes into the global model, which `postern learn` prunes only when run without --user:
            // keep it bounded here too, by the bound of the configuration in force (a reload changes it). A no-op
            // read while it is under the bound.
            bayesStore.ifPresent(store -> work.scheduleWithFixedDelay(
                    () -> pruneGlobal(store, postern.config.bayes().maxTokensPerUser()), 1, 60, TimeUnit.MINUTES));
            LOG.info("{} serving the milter on {}:{}, state in {}", Version.CURRENT,
                    server.localAddress().getHostString(), server.localAddress().getPort(), config.stateDir());
            return postern;
        } catch (RuntimeException | Error e) {  // an Error too: lmdbjava's native library may fail to load
            work.shutdownNow();
            greylister.ifPresent(Greylister::close);
            bayesStore.ifPresent(LmdbBayesStore::close);
            if (dns != null) {
                dns.close();
            }
            throw e;
        }
    }

    /** The greylister over {@code state_dir/greylist}, or empty when greylisting is off. */
    private static Optional<Greylister> openGreylister(PosternConfig config, Clock clock) {
        GreylistConfig g = config.greylist();
        if (!g.enabled()) {
            return Optional.empty();
        }
        GreylistPolicy policy = new GreylistPolicy(g.delay(), g.retryWindow(), g.lifetime(), g.ipv4Prefix(),
                g.ipv6Prefix(), g.autoAllowlistAfter(), g.lifetime());
        return Optional.of(Greylister.open(LmdbGreylistStore.open(config.stateDir().resolve("greylist")), policy,
                clock));
    }

    /** Expired greylist entries go in bounded batches, so a purge never holds the store for long. */
    private static void purge(Greylister greylister) {
        try {
            greylister.purgeExpired(1000);
        } catch (RuntimeException e) {
            LOG.warn("greylist purge failed; retrying in a minute: {}", e.getMessage());
        }
    }

    /** Package-private for tests. */
    static void pruneGlobal(LmdbBayesStore store, long maxTokens) {
        try {
            LmdbBayesStore.Pruned pruned = store.pruneAll(LmdbBayesStore.GLOBAL, maxTokens);
            if (pruned.tokens() > 0 || pruned.seen() > 0) {
                LOG.info("bayes: pruned {} tokens and {} seen-index entries of the global model", pruned.tokens(),
                        pruned.seen());
            }
        } catch (RuntimeException e) {
            LOG.warn("bayes global model prune failed; retrying in an hour: {}", e.getMessage());
        }
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** The address the milter server is bound to. */
    public InetSocketAddress milterAddress() {
        return server.localAddress();
    }

    /** The configuration new sessions use. */
    public PosternConfig config() {
        return config;
    }

    /**
     * Switches new sessions to {@code next}; running sessions finish on the old configuration. Settings that need a
     * restart (the milter listen address and limits, the state directory, the DNS resolver, greylisting) keep their
     * old values, with a WARN.
     *
     * @throws IllegalArgumentException when {@code next} does not fit the checks; the old configuration stays
     */
    public synchronized void reload(PosternConfig next) {
        PipelineSettings settings = PipelineSettings.compile(next, resources, hostName, Version.CURRENT);
        if (!next.dns().equals(config.dns())) {
            LOG.warn("dns settings changed; they take effect at the next restart");
        }
        if (storeSettingsChanged(config.greylist(), next.greylist())) {
            LOG.warn("greylist enabled, delay, retry_window, lifetime, prefixes or auto_allowlist_after changed;"
                    + " they take effect at the next restart (the other greylist settings apply now)");
        }
        if (next.bayes().enabled() != config.bayes().enabled()
                || next.bayes().maxStoreBytes() != config.bayes().maxStoreBytes()
                || next.bayes().readCacheBytes() != config.bayes().readCacheBytes()) {
            LOG.warn("bayes enabled, max_store_bytes or read_cache_bytes changed; they take effect at the next restart"
                    + " (the other bayes settings apply now)");
        }
        if (!next.milter().equals(config.milter())) {
            LOG.warn("milter settings changed; they take effect at the next restart");
        }
        if (!next.stateDir().equals(config.stateDir())) {
            LOG.warn("state_dir changed; it takes effect at the next restart");
        }
        pipeline.update(settings);
        config = next;
        LOG.info("configuration reloaded; new sessions use it");
    }

    /** The greylist settings the store was opened with; the rest (mode, exemptions) applies at reload. */
    private static boolean storeSettingsChanged(GreylistConfig old, GreylistConfig next) {
        return old.enabled() != next.enabled() || !old.delay().equals(next.delay())
                || !old.retryWindow().equals(next.retryWindow()) || !old.lifetime().equals(next.lifetime())
                || old.ipv4Prefix() != next.ipv4Prefix() || old.ipv6Prefix() != next.ipv6Prefix()
                || old.autoAllowlistAfter() != next.autoAllowlistAfter();
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            work.shutdownNow();
            try {
                work.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            greylister.ifPresent(Greylister::close);
            bayesStore.ifPresent(LmdbBayesStore::close);
            resources.dns().close();
        }
    }

    private static void createStateDir(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create state directory " + dir + ": " + e.getMessage()
                    + " (set state_dir in the configuration or pass --state-dir)", e);
        }
        if (!Files.isWritable(dir)) {
            throw new UncheckedIOException(new IOException("state directory " + dir + " is not writable by this user"
                    + " (set state_dir in the configuration or pass --state-dir)"));
        }
    }
}
