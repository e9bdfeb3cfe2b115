package org.postern.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {

    @Test
    void parsesEachUnit() {
        assertThat(DurationText.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationText.parse("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(DurationText.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(DurationText.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(DurationText.parse("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(DurationText.parse("0s")).isEqualTo(Duration.ZERO);
        assertThat(DurationText.parse("999999999d")).isEqualTo(Duration.ofDays(999_999_999));
    }

    @Test
    void bareNumberAsksForAUnit() {
        assertThatThrownBy(() -> DurationText.parse("10")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value must be a duration with a unit (ms, s, m, h or d), not 10; add a unit: 10s");
    }

    @Test
    void rejectsOtherForms() {
        for (String bad : new String[] {"", "s", "1.5s", "-5s", "+5s", "10 s", " 10s", "10S", "10sec", "1m30s",
                "PT10S", "10us", "1000000000s", "0x10s"}) {
            assertThatThrownBy(() -> DurationText.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("value must be a duration such as 500ms, 10s, 5m, 1h or 2d (a whole number and one"
                            + " unit), not " + Checks.quote(bad));
        }
    }

    @Test
    void formatsWithTheLargestExactUnit() {
        assertThat(DurationText.format(Duration.ofMillis(100))).isEqualTo("100ms");
        assertThat(DurationText.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(DurationText.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(DurationText.format(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(DurationText.format(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(DurationText.format(Duration.ofHours(48))).isEqualTo("2d");
        assertThat(DurationText.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(DurationText.format(Duration.ofNanos(1500))).isEqualTo("PT0.0000015S");
    }

    @Test
    void formatReadsBack() {
        for (String text : new String[] {"1ms", "999ms", "1s", "59s", "1m", "61m", "1h", "25h", "3d"}) {
            assertThat(DurationText.format(DurationText.parse(text))).isEqualTo(text);
        }
    }
}
