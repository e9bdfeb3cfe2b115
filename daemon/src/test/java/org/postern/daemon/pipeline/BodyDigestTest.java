package org.postern.daemon.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BodyDigestTest {

    @Test
    void theMilterCopyAndTheDeliveredCopiesDigestAlike() {
        String smtp = "Hi,\r\n\r\nFrom now on:\r\n>From the list\r\n-- \r\nme\r\n";
        String maildir = "Hi,\n\nFrom now on:\n>From the list\n-- \nme\n";
        String mboxo = "Hi,\n\n>From now on:\n>From the list\n-- \nme\n\n";            // From quoted, separator
        String mboxrd = "Hi,\n\n>From now on:\n>>From the list\n-- \nme";              // no final line end
        String expected = digest(smtp);
        assertThat(digest(maildir)).isEqualTo(expected);
        assertThat(digest(mboxo)).isEqualTo(expected);
        assertThat(digest(mboxrd)).isEqualTo(expected);
    }

    @Test
    void anyOtherChangeChangesTheDigest() {
        String body = "Hi,\r\n>Fr\r\nFrom x\r\n";
        assertThat(digest("Hi!\r\n>Fr\r\nFrom x\r\n")).isNotEqualTo(digest(body));
        assertThat(digest("Hi,\r\nFr\r\nFrom x\r\n")).as("a '>' before no From stays").isNotEqualTo(digest(body));
        assertThat(digest("Hi,\r\n\r\n>Fr\r\nFrom x\r\n")).as("an inner empty line counts").isNotEqualTo(digest(body));
        assertThat(digest(">Fro")).as("quotes held back at the end are kept").isNotEqualTo(digest("Fro"));
        assertThat(digest("")).isEqualTo(digest("\r\n\r\n"));
    }

    @Test
    void theDigestDoesNotDependOnHowTheBodyIsChunked() {
        byte[] body = "a\r\n>>From b\r\n>Fr\r\n\r\nFrom c\r\n>\r\n".repeat(40).getBytes(StandardCharsets.US_ASCII);
        String whole = digest(new String(body, StandardCharsets.US_ASCII));
        SplittableRandom random = new SplittableRandom(7);
        for (int trial = 0; trial < 200; trial++) {
            BodyDigest d = new BodyDigest();
            int at = 0;
            while (at < body.length) {
                int n = Math.min(body.length - at, 1 + random.nextInt(9));
                d.update(ByteBuffer.wrap(body, at, n));
                at += n;
            }
            assertThat(d.finish()).as("trial %d", trial).isEqualTo(whole);
        }
    }

    private static String digest(String body) {
        BodyDigest d = new BodyDigest();
        byte[] b = body.getBytes(StandardCharsets.ISO_8859_1);
        d.update(b, 0, b.length);
        return d.finish();
    }
}
