package org.postern.daemon.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's run command, exactly as written ({@code ./postern daemon}, built-in defaults): it serves the milter on
 * 127.0.0.1:11332, and a message through a real Postfix that points there gets the X-Spam-* and
 * Authentication-Results headers.
 */
class ReadmeCommandIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int DEFAULT_PORT = 11332;

    @Test
    void theRunCommandServesTheMilterOnTheDefaultAddress() throws Exception {
        assertPortFree();
        Path repo = Path.of("..").toAbsolutePath().normalize();
        ProcessBuilder pb = new ProcessBuilder(repo.resolve("postern").toString(), "daemon")
                .directory(repo.toFile()).redirectErrorStream(true);
        pb.environment().put("POSTERN_SKIP_BUILD", "1");  // the jar was just packaged by this very build
        Process daemon = pb.start();
        BlockingQueue<String> output = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    output.add(line);
                }
            } catch (IOException e) {
                output.add("reader failed: " + e);
            }
        }, "readme-daemon-output");
        reader.setDaemon(true);
        reader.start();
        try (PostfixInstance postfix = PostfixInstance.builder().milterPort(DEFAULT_PORT).start()) {
            awaitLine(output, "serving the milter on 127.0.0.1:" + DEFAULT_PORT);

            try (SmtpClient smtp = SmtpClient.connect(postfix.smtpPort())) {
                smtp.ehlo("client.remote.test");
                assertThat(smtp.mailFrom("sender@remote.test").code()).isEqualTo(250);
                assertThat(smtp.rcptTo(PostfixInstance.address("alice")).code()).isEqualTo(250);
                assertThat(smtp.data(TestMail.message("readme", "sender@remote.test", PostfixInstance.address("alice"),
                        "Through the README command")).code()).isEqualTo(250);
                smtp.quit();
            }
            List<Path> files = postfix.awaitDelivered("alice", WAIT);
            DeliveredMessage m = DeliveredMessage.read(files.get(0));
            assertThat(m.header("X-Spam-Flag")).contains("NO");
            assertThat(m.header("X-Spam-Status")).hasValueSatisfying(v -> assertThat(v).startsWith("No, score=0.0"));
            assertThat(m.all("Authentication-Results")).singleElement()
                    .satisfies(ar -> assertThat(ar).endsWith("; none"));
            awaitLine(output, "action=no_action");
        } finally {
            daemon.destroy();  // SIGTERM: the shutdown hook closes the server
            assertThat(daemon.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("daemon stopped").isTrue();
        }
    }

    private static void assertPortFree() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", DEFAULT_PORT));
        } catch (IOException e) {
            throw new AssertionError("127.0.0.1:" + DEFAULT_PORT + " is in use; stop whatever listens there"
                    + " (another Postern?) before running this test", e);
        }
    }

    private static String awaitLine(BlockingQueue<String> output, String text) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String line = output.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line != null && line.contains(text)) {
                return line;
            }
        }
        throw new AssertionError("the daemon printed no line containing '" + text + "' within " + WAIT);
    }
}
