package org.postern.daemon.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ActionPolicyTest {

    private final ActionPolicy policy = new ActionPolicy(Map.of(
            ActionKind.REJECT, 15.0, ActionKind.REWRITE_SUBJECT, 8.0, ActionKind.ADD_HEADER, 6.0));

    @Test
    void theHighestReachedThresholdWins() {
        assertThat(policy.byScore(-3)).isEqualTo(ActionKind.NO_ACTION);
        assertThat(policy.byScore(5.99)).isEqualTo(ActionKind.NO_ACTION);
        assertThat(policy.byScore(6)).isEqualTo(ActionKind.ADD_HEADER);
        assertThat(policy.byScore(8)).isEqualTo(ActionKind.REWRITE_SUBJECT);
        assertThat(policy.byScore(14.9)).isEqualTo(ActionKind.REWRITE_SUBJECT);
        assertThat(policy.byScore(15)).isEqualTo(ActionKind.REJECT);
        assertThat(policy.byScore(1e6)).isEqualTo(ActionKind.REJECT);
    }

    @Test
    void onEqualThresholdsTheMoreSevereActionWins() {
        var tie = new ActionPolicy(Map.of(ActionKind.ADD_HEADER, 6.0, ActionKind.QUARANTINE, 6.0));
        assertThat(tie.byScore(6)).isEqualTo(ActionKind.QUARANTINE);
    }

    @Test
    void theMostSevereForcedActionWinsOverTheScore() {
        Symbol accept = forcing(ActionKind.NO_ACTION);
        Symbol quarantine = forcing(ActionKind.QUARANTINE);
        Symbol reject = forcing(ActionKind.REJECT);
        assertThat(policy.decide(List.of(accept), 100)).isEqualTo(ActionKind.NO_ACTION);
        assertThat(policy.decide(List.of(accept, quarantine), 0)).isEqualTo(ActionKind.QUARANTINE);
        assertThat(policy.decide(List.of(quarantine, reject, accept), 0)).isEqualTo(ActionKind.REJECT);
        assertThat(policy.decide(List.of(Symbol.scored("X", 9, "", true)), 9)).isEqualTo(ActionKind.REWRITE_SUBJECT);
    }

    @Test
    void noActionCannotHaveAThreshold() {
        assertThatThrownBy(() -> new ActionPolicy(Map.of(ActionKind.NO_ACTION, 1.0)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Symbol forcing(ActionKind action) {
        return new Symbol("LOCAL_X", 0, "", Optional.of(action), Optional.empty(), true);
    }
}
