package org.postern.daemon;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Postern's logging, set up in code rather than from a {@code logback.xml}: parsing one takes logback's XML
 * configurator, which loads about 500 more classes and costs 0.15 to 0.3 s of every start (docs/BENCHMARKS.md's
 * machine), and {@code postern check} starts once per delivered message. Found by logback through
 * {@code META-INF/services}.
 *
 * <p>One line per event on stdout (under systemd the journal adds the time, so the pattern keeps it short), written
 * on logback's own thread, never on a milter event loop (STYLE.md: no I/O there). Nothing is discarded: when the
 * queue is full (a log consumer stalled for thousands of lines), callers wait. The level is {@code POSTERN_LOG_LEVEL}
 * (environment or system property), INFO by default; Netty's own logging from WARN.
 *
 * <p>A {@code logback.configurationFile} system property or a {@code logback-test.xml} on the class path (the tests')
 * takes over, as logback's own order has it.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {

    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0}: %msg%n";

    /** Logback's ServiceLoader needs a public no-argument constructor. */
    public LogSetup() {
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || LogSetup.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        configureDefaults(context, level());
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Postern's defaults, at {@code level} (a level name; INFO when null or not one). */
    static void configureDefaults(LoggerContext context, String level) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stdout = new ConsoleAppender<>();
        stdout.setContext(context);
        stdout.setName("STDOUT");
        stdout.setEncoder(encoder);
        stdout.start();
        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setName("ASYNC");
        async.setQueueSize(8192);
        async.setDiscardingThreshold(0);
        async.setNeverBlock(false);
        async.addAppender(stdout);
        async.start();
        context.getLogger("io.netty").setLevel(Level.WARN);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level, Level.INFO));
        root.addAppender(async);
    }

    private static String level() {
        String property = System.getProperty("POSTERN_LOG_LEVEL");
        return property != null ? property : System.getenv("POSTERN_LOG_LEVEL");
    }
}
