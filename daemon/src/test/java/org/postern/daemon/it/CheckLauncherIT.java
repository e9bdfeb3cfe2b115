package org.postern.daemon.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./postern check} as Sieve runs it, once per message: the launcher starts it with the quick compiler and an
 * AppCDS archive of its classes that its first run after a build writes; stdout holds the headers and nothing else
 * (JVM warnings go to stderr); a stale archive is written again, never used.
 */
class CheckLauncherIT {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Path JAR = REPO.resolve("daemon/target/postern-daemon.jar");
    private static final Path ARCHIVE = REPO.resolve("daemon/target/postern-check.jsa");

    @TempDir
    Path dir;

    @Test
    void theFirstCheckWritesTheArchiveTheNextOnesMapItAndStdoutHoldsOnlyTheHeaders() throws Exception {
        Files.deleteIfExists(ARCHIVE);
        Path message = Files.writeString(dir.resolve("message.eml"), TestMail.message("launcher",
                "sender@remote.test", "alice@example.test", "Checked at delivery"));

        Run first = check(message, "");
        assertThat(first.code).isZero();
        assertThat(first.out).startsWith("X-Spam-Flag: NO\n").contains("\nX-Postern-Symbols: score=0.00");
        assertThat(first.out.lines()).allMatch(line -> line.matches("[A-Za-z-]+: .*|\t.*"));
        assertThat(ARCHIVE).exists();
        assertThat(Files.getLastModifiedTime(ARCHIVE)).isGreaterThan(Files.getLastModifiedTime(JAR));
        try (Stream<Path> left = Files.list(ARCHIVE.getParent())) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("postern-check.jsa."));
        }

        Path classes = dir.resolve("classes.txt");
        Run second = check(message, "-Xlog:class+load=info:file=" + classes);
        assertThat(second.code).isZero();
        assertThat(second.out).isEqualTo(first.out);
        assertThat(Files.readString(classes))
                .containsPattern("org\\.postern\\.daemon\\.cli\\.CheckCommand source: shared objects file \\(top\\)");

        // A build after the archive: the archive is older than the jar, so it is not used but written again.
        Files.setLastModifiedTime(ARCHIVE, FileTime.fromMillis(
                Files.getLastModifiedTime(JAR).toMillis() - Duration.ofHours(1).toMillis()));
        Run stale = check(message, "");
        assertThat(stale.code).isZero();
        assertThat(stale.out).isEqualTo(first.out);
        assertThat(Files.getLastModifiedTime(ARCHIVE)).isGreaterThan(Files.getLastModifiedTime(JAR));
    }

    private record Run(int code, String out, String err) {}

    private Run check(Path message, String javaOptions) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(REPO.resolve("postern").toString(), "check", "--config",
                "/dev/null", "--state-dir", dir.resolve("state").toString(), message.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).directory(REPO.toFile());
        pb.environment().putAll(Map.of("POSTERN_SKIP_BUILD", "1", "POSTERN_JAVA_OPTS", javaOptions));
        pb.redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("postern check finished").isTrue();
        return new Run(p.exitValue(), Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
    }
}
