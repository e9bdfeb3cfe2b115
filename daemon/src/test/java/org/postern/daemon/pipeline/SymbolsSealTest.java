package org.postern.daemon.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.config.ConfigLoader;
import org.postern.milter.MilterReply;

class SymbolsSealTest {

    private static final SymbolsSeal SEAL = SymbolsSeal.of(key(1));
    private static final String BODY = digest("Hello\r\n");

    @TempDir
    Path dir;

    @Test
    void theHeaderPosternWritesVerifiesForItsMessageOnlyHoweverFolded() {
        ReceivedHeaders message = headers("<1@offers.test>", "Tue, 1 Dec 2026 10:00:00 +0000", "a@offers.test");
        HeaderEdits edits = new HeaderEdits(ConfigLoader.defaults().headers(), "mx.example.test", "Postern 1", SEAL);
        MessageVerdict verdict = new MessageVerdict(ActionKind.NO_ACTION, 2.5, List.of(
                Symbol.scored("SPF_SOFTFAIL", 0.5, "", true), Symbol.scored("LOCAL_SENDER_BLOCK", 2.0, "x", true)));
        String written = edits.edits(message, verdict, true, List.of(), List.of(), List.of(), 6.0, "", "no", BODY)
                .stream()
                .filter(m -> m instanceof MilterReply.AddHeader a && a.name().equals("X-Postern-Symbols"))
                .map(m -> ((MilterReply.AddHeader) m).value()).findFirst().orElseThrow();
        assertThat(written).contains("LOCAL_SENDER_BLOCK(2.00){x}").containsPattern(" mac=[A-Za-z0-9_-]{22}$");

        assertThat(SEAL.verifies(written, message, BODY)).isTrue();
        assertThat(SEAL.verifies(written.replace(" ", "\r\n\t "), message, BODY)).as("refolded").isTrue();
        assertThat(SEAL.verifies(written.replace("2.00", "-9.00"), message, BODY)).as("changed score").isFalse();
        assertThat(SEAL.verifies(written, headers("<2@offers.test>", "Tue, 1 Dec 2026 10:00:00 +0000",
                "a@offers.test"), BODY)).as("another message").isFalse();
        assertThat(SEAL.verifies(written, headers("<1@offers.test>", "Tue, 1 Dec 2026 10:00:00 +0000",
                "b@offers.test"), BODY)).as("another sender").isFalse();
        assertThat(SEAL.verifies(written, headers("<1@offers.test>", "Wed, 2 Dec 2026 10:00:00 +0000",
                "a@offers.test"), BODY)).as("another date").isFalse();
        assertThat(SymbolsSeal.of(key(2)).verifies(written, message, BODY)).as("another key").isFalse();
        assertThat(SEAL.verifies(written, message, digest("Buy now\r\n"))).as("another body").isFalse();
        assertThat(SymbolsSeal.NONE.verifies(written, message, BODY)).isFalse();
        assertThat(SEAL.verifies(" score=2.50 action=no_action; SPF_SOFTFAIL(0.50)", message, BODY)).as("unsealed")
                .isFalse();
    }

    @Test
    void withoutAKeyTheHeaderIsWrittenUnsealed() {
        assertThat(SymbolsSeal.NONE.word("score=0.00 action=no_action", headers("<1@x>", "", ""), BODY)).isEmpty();
        assertThat(SymbolsSeal.NONE.present()).isFalse();
    }

    @Test
    void theDaemonMakesAPrivateKeyOnceAndCheckReadsIt() throws Exception {
        Path state = dir.resolve("state");
        assertThat(SymbolsSeal.open(state).present()).isFalse();
        SymbolsSeal first = SymbolsSeal.openOrCreate(state);
        Path file = state.resolve(SymbolsSeal.KEY_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).matches("[0-9a-f]{64}\n");
        String key = Files.readString(file);
        ReceivedHeaders message = headers("<1@x>", "d", "f");
        String word = first.word("score=1.00", message, BODY).orElseThrow();
        assertThat(SymbolsSeal.openOrCreate(state).word("score=1.00", message, BODY)).contains(word);      // reused
        assertThat(Files.readString(file)).isEqualTo(key);
        assertThat(SymbolsSeal.open(state).verifies("score=1.00 " + word, message, BODY)).isTrue();
        try (var files = Files.list(state)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(SymbolsSeal.KEY_FILE);
        }
    }

    @Test
    void daemonsStartingTogetherShareOneKeyAndLeaveNoTemporaryFile() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int trial = 0; trial < 50; trial++) {
                Path state = dir.resolve("race" + trial);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<SymbolsSeal>> seals = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    seals.add(pool.submit(() -> {
                        assertThat(start.await(10, TimeUnit.SECONDS)).isTrue();
                        return SymbolsSeal.openOrCreate(state);
                    }));
                }
                start.countDown();
                ReceivedHeaders message = headers("<1@x>", "d", "f");
                String a = seals.get(0).get(10, TimeUnit.SECONDS).word("v", message, BODY).orElseThrow();
                String b = seals.get(1).get(10, TimeUnit.SECONDS).word("v", message, BODY).orElseThrow();
                assertThat(a).as("trial %d", trial).isEqualTo(b);
                assertThat(SymbolsSeal.open(state).word("v", message, BODY)).contains(a);
                try (var files = Files.list(state)) {
                    assertThat(files.map(p -> p.getFileName().toString())).containsExactly(SymbolsSeal.KEY_FILE);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFileThatHoldsNoKeyIsAClearError() throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(SymbolsSeal.KEY_FILE), "not a key\n");
        assertThatThrownBy(() -> SymbolsSeal.open(dir)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("does not hold a symbols key (64 hex digits); delete it and restart the daemon");
    }

    private static String digest(String body) {
        BodyDigest d = new BodyDigest();
        byte[] b = body.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        d.update(b, 0, b.length);
        return d.finish();
    }

    private static ReceivedHeaders headers(String messageId, String date, String from) {
        return ReceivedHeaders.of(List.of(new ReceivedHeaders.Field("Received", " from x by y"),
                new ReceivedHeaders.Field("Message-ID", " " + messageId), new ReceivedHeaders.Field("Date", " " + date),
                new ReceivedHeaders.Field("From", " " + from), new ReceivedHeaders.Field("Subject", " hi")));
    }

    private static byte[] key(int fill) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) fill);
        return k;
    }
}
