package org.postern.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class PolicyConfigTest {

    private static PosternConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, "t.yml");
    }

    @Test
    void entriesInheritWhatTheyLeaveOut() {
        PosternConfig c = parse("""
                policy:
                  conflicts: strictest
                  recipients:
                    - match: ceo@example.com
                      spam_threshold: 3
                      spam_action: quarantine
                      greylist: false
                      subject_prefix: "[SPAM] "
                    - {match: example.org}
                """);
        assertThat(c.policy().conflicts()).isEqualTo(PolicyConflicts.STRICTEST);
        assertThat(c.policy().recipients().get(0)).isEqualTo(new RecipientPolicy("ceo@example.com",
                OptionalDouble.of(3), OptionalDouble.empty(), OptionalDouble.empty(), Optional.of(SpamAction.QUARANTINE),
                Optional.of(false), Optional.empty(), Optional.of("[SPAM] ")));
        assertThat(c.policy().recipients().get(1).greylist()).isEmpty();
        assertThat(parse("").policy()).isEqualTo(new PolicyConfig(PolicyConflicts.DEFER, java.util.List.of()));
    }

    @Test
    void badEntriesPointAtTheirKey() {
        assertThatThrownBy(() -> parse("policy:\n  recipients:\n    - {match: \"not an address\"}\n"))
                .hasMessageStartingWith("t.yml:3:").hasMessageContaining("policy.recipients[0].match must be an address");
        assertThatThrownBy(() -> parse("policy:\n  recipients:\n    - {match: a.test, spam_action: drop}\n"))
                .hasMessageContaining("must be one of reject, quarantine");
        assertThatThrownBy(() -> parse("policy:\n  recipients:\n    - {match: a.test}\n    - {match: A.test}\n"))
                .hasMessageContaining("repeats \"A.test\"");
        assertThatThrownBy(() -> parse("policy:\n  conflicts: merge\n")).hasMessageContaining("defer, strictest");
    }
}
