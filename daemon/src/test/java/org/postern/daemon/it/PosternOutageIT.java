package org.postern.daemon.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.postern.config.ConfigLoader;
import org.postern.daemon.Postern;

/**
 * With Postern stopped, mail still flows: Postfix cannot reach the milter and applies
 * {@code milter_default_action = accept} (README "Connecting Postfix"). Its own class because it stops Postern.
 */
class PosternOutageIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void mailFlowsUnfilteredWhilePosternIsStopped() throws Exception {
        Path stateDir = Files.createTempDirectory("postern-it-state-");
        Postern postern = null;
        try {
            postern = Postern.start(ConfigLoader.parse("""
                    milter:
                      listen: 127.0.0.1:0
                    state_dir: %s
                    authserv_id: mx.example.test
                    """.formatted(stateDir), "PosternOutageIT"));
            int milterPort = postern.milterAddress().getPort();
            try (PostfixInstance postfix = PostfixInstance.builder().milterPort(milterPort).start()) {
                send(postfix, "alice", "While Postern runs");
                DeliveredMessage filtered = DeliveredMessage.read(postfix.awaitDelivered("alice", WAIT).get(0));
                assertThat(filtered.header("X-Spam-Flag")).contains("NO");

                postern.close();
                postern = null;

                send(postfix, "bob", "While Postern is stopped");
                List<Path> files = postfix.awaitDelivered("bob", WAIT);
                DeliveredMessage unfiltered = DeliveredMessage.read(files.get(0));
                assertThat(unfiltered.header("Subject")).contains("While Postern is stopped");
                assertThat(unfiltered.all("X-Spam-Flag")).isEmpty();
                assertThat(unfiltered.all("Authentication-Results")).isEmpty();
                postfix.awaitLogLine(Pattern.compile("warning: connect to Milter service inet:127\\.0\\.0\\.1:"
                        + milterPort + ": Connection refused"), WAIT);
            }
        } finally {
            if (postern != null) {
                postern.close();
            }
            TestFiles.deleteRecursively(stateDir);
        }
    }

    private static void send(PostfixInstance postfix, String user, String subject) {
        try (SmtpClient smtp = SmtpClient.connect(postfix.smtpPort())) {
            assertThat(smtp.ehlo("client.remote.test").code()).isEqualTo(250);
            assertThat(smtp.mailFrom("sender@remote.test").code()).isEqualTo(250);
            assertThat(smtp.rcptTo(PostfixInstance.address(user)).code()).isEqualTo(250);
            assertThat(smtp.data(TestMail.message(user + "-outage", "sender@remote.test",
                    PostfixInstance.address(user), subject)).code()).isEqualTo(250);
            smtp.quit();
        }
    }
}
