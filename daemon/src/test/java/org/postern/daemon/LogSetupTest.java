package org.postern.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Postern's logging set up in code ({@link LogSetup}), in a logger context of the test's own. */
class LogSetupTest {

    @Test
    void logbackFindsItAsItsConfigurator() {
        assertThat(ServiceLoader.load(Configurator.class)).anyMatch(LogSetup.class::isInstance);
    }

    @Test
    void oneLinePerEventOnStdoutThroughTheAsyncAppenderAtInfo() {
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());      // as logback's service provider does
        try {
            // logback's console target writes to whatever System.out is at the time of the write.
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            LogSetup.configureDefaults(context, null);
            Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
            assertThat(root.getLevel()).isEqualTo(Level.INFO);
            assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
            AsyncAppender async = (AsyncAppender) root.getAppender("ASYNC");
            assertThat(async.getQueueSize()).isEqualTo(8192);
            assertThat(async.getDiscardingThreshold()).isZero();
            assertThat(async.isNeverBlock()).isFalse();

            context.getLogger("postern").info("queue id 4F2A1 action=no_action");
            context.getLogger("postern.detail").debug("not at INFO");
            context.getLogger("io.netty.channel").info("not below WARN");
            context.stop();                                   // drains the async queue
        } finally {
            System.setOut(stdout);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8).lines().toList()).singleElement().asString()
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO  postern: "
                        + "queue id 4F2A1 action=no_action");
    }

    @Test
    void postern_log_levelChoosesTheLevelAndAnUnknownNameMeansInfo() {
        LoggerContext debug = new LoggerContext();
        LogSetup.configureDefaults(debug, "DEBUG");
        assertThat(debug.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.DEBUG);
        debug.stop();
        LoggerContext typo = new LoggerContext();
        LogSetup.configureDefaults(typo, "VERBOSE");
        assertThat(typo.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
        typo.stop();
    }
}
