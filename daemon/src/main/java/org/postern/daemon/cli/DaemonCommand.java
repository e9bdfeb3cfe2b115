package org.postern.daemon.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.postern.config.ConfigException;
import org.postern.config.HostPort;
import org.postern.config.PosternConfig;
import org.postern.daemon.Postern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * {@code postern daemon}: serves the milter until SIGTERM/SIGINT; SIGHUP reloads the configuration file (new sessions
 * use it, running sessions finish on the old one; a broken file keeps the old configuration and logs why).
 */
@Command(name = "daemon", description = "Serve the milter (default 127.0.0.1:11332) until stopped; SIGHUP reloads.")
final class DaemonCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(DaemonCommand.class);

    @Mixin
    CommonOptions common;

    @Option(names = "--listen", paramLabel = "HOST:PORT",
            description = "Milter address, overriding milter.listen (e.g. 127.0.0.1:11332, [::1]:11332).")
    String listen;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (listen != null) {
            try {
                HostPort.parse(listen);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--listen must be HOST:PORT such as 127.0.0.1:11332 or [::1]:11332, not '" + listen + "'");
            }
        }
        // The file is chosen once: a SIGHUP re-reads this file, and never falls back to the defaults because
        // /etc/postern/postern.yml went missing in between.
        common.config = common.configFile().orElse(null);
        PosternConfig config;
        try {
            config = withOverrides(common.load());
        } catch (ConfigException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("postern: " + e.getMessage());
            return 1;
        }
        Postern postern = Postern.start(config);
        LOG.info("configuration from {}", common.describeSource());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping");
            postern.close();
            stopped.countDown();
            // Logging is asynchronous (LogSetup): stopping the context writes out what is still queued.
            if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logback) {
                logback.stop();
            }
        }, "postern-shutdown"));
        installReloadHandler(postern);
        stopped.await();
        return 0;
    }

    private PosternConfig withOverrides(PosternConfig config) {
        return listen == null ? config : config.withListen(HostPort.parse(listen));
    }

    /** SIGHUP: re-read the same file with the same overrides; on any problem keep what runs and say why. */
    private void installReloadHandler(Postern postern) {
        if (common.configFile().isEmpty()) {
            Signal.handle(new Signal("HUP"), sig -> LOG.info("SIGHUP: running on built-in defaults, nothing to reload"));
            return;
        }
        Signal.handle(new Signal("HUP"), sig -> {
            try {
                postern.reload(withOverrides(common.load()));
            } catch (ConfigException | IllegalArgumentException e) {
                LOG.warn("reload failed, keeping the running configuration: {}", e.getMessage());
            }
        });
    }
}
