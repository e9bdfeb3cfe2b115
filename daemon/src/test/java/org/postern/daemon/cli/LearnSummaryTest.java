package org.postern.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.postern.bayes.LearnOutcome;

class LearnSummaryTest {

    @Test
    void rendersEveryCountAndTheReasonsOfUnreadableMessages() {
        LearnSummary s = new LearnSummary();
        for (int i = 0; i < 4988; i++) {
            s.record(LearnOutcome.LEARNED);
        }
        for (int i = 0; i < 10; i++) {
            s.record(LearnOutcome.ALREADY_LEARNED);
        }
        s.record(LearnOutcome.MOVED);
        s.record(LearnOutcome.MOVED);
        s.recordTooBig();
        s.recordUnreadable("/home/a/Maildir/cur/1700000000.x", "permission denied");
        assertThat(s.done()).isEqualTo(5002);
        assertThat(s.render(false, true, 33554432, Duration.ofMillis(1100))).isEqualTo("""
                learned:             4988
                already learned:       10 (skipped)
                moved:                  2 (had been learned as ham)
                too big:                1 (skipped, over --max-size 33554432 bytes)
                unreadable:             1
                  /home/a/Maildir/cur/1700000000.x: permission denied
                5002 messages in 1.1 s (4547 messages/s)
                """);
    }

    @Test
    void aForgetRunSaysForgottenAndNotLearnedAndNotesOnlyWhatHappened() {
        LearnSummary s = new LearnSummary();
        s.record(LearnOutcome.FORGOTTEN);
        s.record(LearnOutcome.NOT_LEARNED);
        assertThat(s.render(true, false, 10, Duration.ofSeconds(1))).isEqualTo("""
                forgotten:              1
                not learned:            1 (skipped, was never learned)
                too big:                0
                unreadable:             0
                2 messages in 1.0 s (2 messages/s)
                """);
    }

    @Test
    void keepsABoundedNumberOfReasons() {
        LearnSummary s = new LearnSummary();
        for (int i = 0; i < LearnSummary.MAX_REASONS + 5; i++) {
            s.recordUnreadable("m" + i, "broken");
        }
        String text = s.render(false, false, 1, Duration.ofSeconds(1));
        assertThat(text).contains("m999: broken").doesNotContain("m1000:").contains("  ... and 5 more\n");
        assertThat(s.unreadable()).isEqualTo(LearnSummary.MAX_REASONS + 5);
    }
}
