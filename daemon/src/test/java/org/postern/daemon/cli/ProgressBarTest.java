package org.postern.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    @Test
    void rendersTheBarRateAndTimeLeft() {
        assertThat(ProgressBar.render(3100, 10_000, Duration.ofMillis(620)))
                .isEqualTo("[#########.....................]  31%  3100/10000  5000 msg/s  0:01 left");
        assertThat(ProgressBar.render(0, 10_000, Duration.ZERO))
                .isEqualTo("[..............................]   0%  0/10000  0 msg/s  -:-- left");
        assertThat(ProgressBar.render(10_000, 10_000, Duration.ofSeconds(2)))
                .isEqualTo("[##############################] 100%  10000/10000  5000 msg/s  0:00 left");
        assertThat(ProgressBar.render(12, -1, Duration.ofSeconds(4))).isEqualTo("12 messages  3 msg/s");
        assertThat(ProgressBar.render(0, 0, Duration.ofSeconds(1))).startsWith("[" + "#".repeat(30) + "] 100%");
        assertThat(ProgressBar.clock(3725)).isEqualTo("1:02:05");
        assertThat(ProgressBar.clock(65)).isEqualTo("1:05");
    }

    @Test
    void onATerminalRedrawsInPlaceAtMostTenTimesASecond() {
        AtomicLong now = new AtomicLong();
        StringWriter err = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(err), true, 100, now::get);
        bar.update(1);
        now.addAndGet(Duration.ofMillis(50).toNanos());
        bar.update(2);                                   // too soon: not drawn
        now.addAndGet(Duration.ofMillis(60).toNanos());
        bar.update(3);
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        bar.finish(100);
        String[] draws = err.toString().split("\r", -1);
        assertThat(draws).hasSize(4);                    // "" before the first \r, then three draws
        assertThat(draws[1]).contains(" 1/100");
        assertThat(draws[2]).contains(" 3/100");
        assertThat(draws[3]).contains("100/100").endsWith("\n");
        assertThat(err.toString()).doesNotContain(" 2/100");
    }

    @Test
    void padsOverALongerPreviousLine() {
        AtomicLong now = new AtomicLong();
        StringWriter err = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(err), true, -1, now::get);
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        bar.update(123_456);
        now.addAndGet(Duration.ofSeconds(100).toNanos());
        bar.update(123_457);
        String[] draws = err.toString().split("\r", -1);
        assertThat(draws[2]).hasSameSizeAs(draws[1]).startsWith("123457 messages  1222 msg/s").endsWith(" ");
    }

    @Test
    void elsewhereWritesWholeLinesEveryFiveSeconds() {
        AtomicLong now = new AtomicLong();
        StringWriter err = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(err), false, 10, now::get);
        bar.update(1);
        now.addAndGet(Duration.ofSeconds(4).toNanos());
        bar.update(2);
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        bar.update(3);
        bar.finish(10);
        assertThat(err.toString()).doesNotContain("\r");
        assertThat(err.toString().lines()).hasSize(3).allMatch(l -> l.startsWith("["));
        assertThat(err.toString().lines().toList().get(2)).contains("10/10");
    }
}
