package org.postern.daemon.cli;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MboxSplitterTest {

    private static final String MBOX = "From alice@example.org Tue Dec  1 10:00:00 2026\n"
            + "Subject: one\n\nbody one\n>From the start of a line\n>>From quoted twice\n>Fromage is not quoted\n\n"
            + "From bob@example.org Tue Dec  1 10:01:00 2026\n"
            + "Subject: two\n\nbody two\nFrom here without an empty line before is body\n\n"
            + "From carol@example.org Tue Dec  1 10:02:00 2026\n"
            + "Subject: three\n\nlast body, no final newline";

    @Test
    void splitsAtFromLinesAfterAnEmptyLineAndUnquotesMboxrd() throws Exception {
        List<String> messages = split(MBOX, Long.MAX_VALUE);
        assertThat(messages).containsExactly(
                "Subject: one\n\nbody one\nFrom the start of a line\n>From quoted twice\n>Fromage is not quoted\n",
                "Subject: two\n\nbody two\nFrom here without an empty line before is body\n",
                "Subject: three\n\nlast body, no final newline");
        // A limit of 0, as counting for the progress bar uses: every message found, the bytes of none kept.
        assertThat(new MboxSplitter(in(MBOX), 0).split((number, bytes, size) -> assertThat(bytes).isNull()))
                .isEqualTo(3);
    }

    @Test
    void aHugeLineWithoutNewlineMakesItsMessageTooBigWithoutBufferingIt() throws Exception {
        // 64 MiB of one line, generated as read: the splitter keeps at most max-size bytes of it.
        long huge = 64L << 20;
        InputStream head = in("From a Tue Dec  1 10:00:00 2026\nSubject: big\n\n");
        InputStream line = new InputStream() {
            private long left = huge;

            @Override
            public int read() {
                return left-- > 0 ? 'x' : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 'x');
                left -= n;
                return n;
            }
        };
        InputStream tail = in("\n\nFrom b Tue Dec  1 10:00:00 2026\nSubject: small\n\nok\n");
        List<Long> sizes = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        new MboxSplitter(new java.io.SequenceInputStream(java.util.Collections.enumeration(List.of(head, line, tail))),
                1000).split((number, bytes, size) -> {
                    sizes.add(size);
                    kept.add(bytes == null ? null : new String(bytes, ISO_8859_1));
                });
        assertThat(sizes).containsExactly("Subject: big\n\n".length() + huge + 1,
                (long) "Subject: small\n\nok\n".length());
        assertThat(kept).containsExactly(null, "Subject: small\n\nok\n");
    }

    @Test
    void keepsCrlfLinesAndDropsTheSeparator() throws Exception {
        String crlf = "From a Tue Dec  1 10:00:00 2026\r\nSubject: x\r\n\r\nbody\r\n\r\n"
                + "From b Tue Dec  1 10:00:00 2026\r\nSubject: y\r\n\r\n>From z\r\n";
        assertThat(split(crlf, Long.MAX_VALUE)).containsExactly("Subject: x\r\n\r\nbody\r\n",
                "Subject: y\r\n\r\nFrom z\r\n");
    }

    @Test
    void reportsMessagesOverTheLimitWithTheirSizeAndWithoutTheirBytes() throws Exception {
        String mbox = "From a x\nSubject: small\n\nok\n\nFrom b x\nSubject: big\n\n" + "y".repeat(10_000) + "\n\n"
                + "From c x\nSubject: small again\n\nok\n";
        List<String> got = new ArrayList<>();
        long n = new MboxSplitter(in(mbox), 100).split((number, bytes, size) ->
                got.add(number + ":" + (bytes == null ? "too big " + size : new String(bytes, ISO_8859_1))));
        assertThat(n).isEqualTo(3);
        assertThat(got).containsExactly("1:Subject: small\n\nok\n", "2:too big " + (14 + 10_001),
                "3:Subject: small again\n\nok\n");
    }

    @Test
    void aMessageExactlyAtTheLimitFitsAndLongLinesSpanChunks() throws Exception {
        String body = "Subject: s\n\n" + "z".repeat(200_000) + "\n";
        assertThat(split("From a x\n" + body, body.length())).containsExactly(body);
        assertThat(split("From a x\n" + body, body.length() - 1)).containsExactly("too big " + body.length());
    }

    @Test
    void ignoresBytesBeforeTheFirstFromLineAndHandlesEmptyInput() throws Exception {
        assertThat(split("garbage\n\nFrom a x\nSubject: s\n\nb\n", Long.MAX_VALUE))
                .containsExactly("Subject: s\n\nb\n");
        assertThat(split("", Long.MAX_VALUE)).isEmpty();
        assertThat(split("From a x\n", Long.MAX_VALUE)).containsExactly("");
        assertThat(MboxSplitter.looksLikeMbox("From x".getBytes(ISO_8859_1), 6)).isTrue();
        assertThat(MboxSplitter.looksLikeMbox("From:".getBytes(ISO_8859_1), 5)).isFalse();
        assertThat(MboxSplitter.looksLikeMbox("Fro".getBytes(ISO_8859_1), 3)).isFalse();
    }

    private static List<String> split(String mbox, long max) throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        new MboxSplitter(in(mbox), max).split((number, bytes, size) ->
                out.add(bytes == null ? "too big " + size : new String(bytes, ISO_8859_1)));
        return out;
    }

    private static InputStream in(String s) {
        return new ByteArrayInputStream(s.getBytes(ISO_8859_1));
    }
}
