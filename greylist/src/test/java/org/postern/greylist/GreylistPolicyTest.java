package org.postern.greylist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class GreylistPolicyTest {

    private static final Duration D = Duration.ofMinutes(5);
    private static final Duration W = Duration.ofDays(2);
    private static final Duration L = Duration.ofDays(35);

    @Test
    void defaultsAreTheIssuesValues() {
        assertThat(GreylistPolicy.defaults()).isEqualTo(new GreylistPolicy(Duration.ofMinutes(5), Duration.ofDays(2),
                Duration.ofDays(35), 24, 64, 5, Duration.ofDays(35)));
    }

    @Test
    void zeroDelayAndAutoAllowlistingOffAreAllowed() {
        assertThat(new GreylistPolicy(Duration.ZERO, W, L, 32, 128, 0, L).autoAllowlistAfter()).isZero();
    }

    @Test
    void rejectsNonsenseWithASentence() {
        assertThatThrownBy(() -> new GreylistPolicy(D.negated(), W, L, 24, 64, 5, L))
                .hasMessage("greylist delay must not be negative, not PT-5M");
        assertThatThrownBy(() -> new GreylistPolicy(D, D, L, 24, 64, 5, L))
                .hasMessage("greylist retry window must be longer than the delay (PT5M), not PT5M");
        assertThatThrownBy(() -> new GreylistPolicy(D, W, Duration.ZERO, 24, 64, 5, L))
                .hasMessage("greylist passed lifetime must be positive, not PT0S");
        assertThatThrownBy(() -> new GreylistPolicy(D, W, L, 24, 64, 5, Duration.ofSeconds(-1)))
                .hasMessage("greylist auto-allowlist lifetime must be positive, not PT-1S");
        assertThatThrownBy(() -> new GreylistPolicy(D, W, L, 33, 64, 5, L))
                .hasMessage("greylist IPv4 prefix length must be 0..32, not 33");
        assertThatThrownBy(() -> new GreylistPolicy(D, W, L, 24, -1, 5, L))
                .hasMessage("greylist IPv6 prefix length must be 0..128, not -1");
        assertThatThrownBy(() -> new GreylistPolicy(D, W, L, 24, 64, -1, L))
                .hasMessage("greylist auto-allowlist count must be 0 (off) or positive, not -1");
    }
}
