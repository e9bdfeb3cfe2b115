package org.postern.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.postern.config.MilterConfig;
import org.postern.config.PosternConfig;
import org.postern.daemon.pipeline.PipelineSettings;
import org.postern.daemon.pipeline.ScanPipeline;
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
    private final DnsResolver dns;
    private final String hostName;
    private volatile PosternConfig config;

    private Postern(PosternConfig config, DnsResolver dns, ScanPipeline pipeline, MilterServer server,
                    String hostName) {
        this.config = config;
        this.dns = dns;
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
        String hostName = HostName.local();
        createStateDir(config.stateDir());
        DnsResolver dns = DnsSetup.resolver(config.dns());
        try {
            ScanPipeline pipeline = new ScanPipeline(PipelineSettings.compile(config, dns, hostName, Version.CURRENT));
            MilterConfig m = config.milter();
            MilterLimits limits = new MilterLimits(m.maxFrameBytes(), m.progressInterval(), m.negotiationTimeout(),
                    m.maxConnections());
            InetSocketAddress listen = new InetSocketAddress(m.listen().host(), m.listen().port());
            MilterServer server = MilterServer.start(listen, limits, pipeline);
            LOG.info("{} serving the milter on {}:{}, state in {}", Version.CURRENT,
                    server.localAddress().getHostString(), server.localAddress().getPort(), config.stateDir());
            return new Postern(config, dns, pipeline, server, hostName);
        } catch (RuntimeException e) {
            dns.close();
            throw e;
        }
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
     * restart (the milter listen address and limits, the state directory, the DNS resolver) keep their old values,
     * with a WARN.
     *
     * @throws IllegalArgumentException when {@code next} does not fit the checks; the old configuration stays
     */
    public synchronized void reload(PosternConfig next) {
        PipelineSettings settings = PipelineSettings.compile(next, dns, hostName, Version.CURRENT);
        if (!next.dns().equals(config.dns())) {
            LOG.warn("dns settings changed; they take effect at the next restart");
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

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            dns.close();
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
