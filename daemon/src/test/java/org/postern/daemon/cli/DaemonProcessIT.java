package org.postern.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.milter.MacroStage;
import org.postern.milter.MilterCommand;
import org.postern.milter.MilterReply;
import org.postern.milter.MilterTestClient;

/**
 * The packaged daemon as an administrator runs it ({@code java -jar postern-daemon.jar daemon}): it serves the milter,
 * SIGHUP switches new sessions to the edited file while a running session finishes on the old one, a broken file on
 * reload keeps the running configuration and says why, and SIGTERM stops it cleanly.
 */
class DaemonProcessIT {

    private static final Pattern SERVING = Pattern.compile("serving the milter on ([0-9.]+):(\\d+)");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void sighupReloadsForNewSessionsAndABrokenFileKeepsTheRunningConfiguration() throws Exception {
        Path config = dir.resolve("postern.yml");
        Files.writeString(config, configWithReply("first"));
        InetSocketAddress address = start(config);

        try (MilterTestClient running = MilterTestClient.connect(address)) {
            beginTransaction(running);

            Files.writeString(config, configWithReply("second"));
            signal("HUP");
            awaitLine("configuration reloaded");

            assertThat(rcptReply(running)).isEqualTo("550 5.7.1 first");  // the session that was running
        }
        assertThat(newSessionReply(address)).isEqualTo("550 5.7.1 second");

        Files.writeString(config, "milter:\n  max_frame_bytes: many\n");
        signal("HUP");
        assertThat(awaitLine("reload failed")).contains(config + ":2:20:").contains("max_frame_bytes");
        assertThat(newSessionReply(address)).isEqualTo("550 5.7.1 second");

        signal("TERM");
        assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
        assertThat(awaitLine("stopping")).isNotEmpty();
    }

    @Test
    void aBrokenFileAtStartIsReportedWithItsPositionAndExitCodeOne() throws Exception {
        Path config = dir.resolve("broken.yml");
        Files.writeString(config, "milter:\n  listen: 127.0.0.1:0\n  colour: blue\n");
        process = new ProcessBuilder(javaCommand(config)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(output).contains(config + ":3:3:").contains("colour").contains("listen");
    }

    private String configWithReply(String text) {
        // Lists only: SPF is off so that nothing here asks the system resolver (DNS in tests is ours alone).
        return "milter:\n  listen: 127.0.0.1:0\nspf: {enabled: false}\n"
                + "lists:\n  - {match: sender, value: spammer@bad.test, action: reject, reply: \"550 5.7.1 " + text
                + "\"}\n";
    }

    private InetSocketAddress start(Path config) throws IOException, InterruptedException {
        process = new ProcessBuilder(javaCommand(config)).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("reader failed: " + e);
            }
        }, "daemon-output");
        reader.setDaemon(true);
        reader.start();
        Matcher m = SERVING.matcher(awaitLine("serving the milter on"));
        assertThat(m.find()).isTrue();
        return new InetSocketAddress(m.group(1), Integer.parseInt(m.group(2)));
    }

    private List<String> javaCommand(Path config) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-jar", Path.of("target", "postern-daemon.jar").toAbsolutePath().toString(), "daemon",
                "--config", config.toString(), "--state-dir", dir.resolve("state").toString());
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -" + name).isTrue();
    }

    /** The next output line containing {@code text}; fails after {@link #WAIT}. */
    private String awaitLine(String text) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line != null && line.contains(text)) {
                return line;
            }
        }
        throw new AssertionError("no line containing '" + text + "' within " + WAIT);
    }

    private static void beginTransaction(MilterTestClient client) {
        client.negotiate(MilterTestClient.POSTFIX_OFFER);
        client.send(new MilterCommand.Macro(MacroStage.CONNECT, Map.of("{daemon_name}", "mx.example.test")),
                new MilterCommand.Connect("mail.remote.test", MilterCommand.Family.INET, 40000, "192.0.2.10"),
                new MilterCommand.Helo("mail.remote.test"),
                new MilterCommand.Mail("<spammer@bad.test>", List.of()));
    }

    private static String rcptReply(MilterTestClient client) {
        client.send(new MilterCommand.Rcpt("<bob@example.test>", List.of()));
        MilterReply reply = client.read();
        assertThat(reply).isInstanceOf(MilterReply.ReplyCode.class);
        return ((MilterReply.ReplyCode) reply).reply().wireText();
    }

    private static String newSessionReply(InetSocketAddress address) {
        try (MilterTestClient client = MilterTestClient.connect(address)) {
            beginTransaction(client);
            return rcptReply(client);
        }
    }
}
