package org.postern.rbl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplyTemplateTest {

    private static Map<ReplyTemplate.Variable, String> values() {
        Map<ReplyTemplate.Variable, String> v = new EnumMap<>(ReplyTemplate.Variable.class);
        v.put(ReplyTemplate.Variable.CLIENT_ADDRESS, "192.0.2.99");
        v.put(ReplyTemplate.Variable.RBL_WHAT, "192.0.2.99");
        v.put(ReplyTemplate.Variable.RBL_CLASS, "Client host");
        v.put(ReplyTemplate.Variable.RBL_DOMAIN, "zen.spamhaus.org");
        v.put(ReplyTemplate.Variable.RBL_CODE, "127.0.0.2");
        return v;
    }

    @Test
    void rendersPostfixDefaultText() {
        assertThat(ReplyTemplate.parse(ReplyTemplate.DEFAULT).render(values()))
                .isEqualTo("Service unavailable; Client host [192.0.2.99] blocked using zen.spamhaus.org");
    }

    @Test
    void acceptsAllThreeVariableFormsAndDoubledDollar() {
        ReplyTemplate t = ReplyTemplate.parse("$rbl_domain/${rbl_code}/$(client_address) costs $$5, $rbl_what.");
        assertThat(t.render(values())).isEqualTo("zen.spamhaus.org/127.0.0.2/192.0.2.99 costs $5, 192.0.2.99.");
    }

    @Test
    void refusesVariablesPosternDoesNotFill() {
        assertThatThrownBy(() -> ReplyTemplate.parse("blocked: $helo_name"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("$helo_name, which Postern does not fill")
                .hasMessageContaining("known variables: $client_address, $rbl_class, $rbl_code, $rbl_domain,"
                        + " $rbl_what");
        assertThatThrownBy(() -> ReplyTemplate.parse("${rbl_reason}"))
                .hasMessageContaining("does not look up the list's TXT record");
    }

    @Test
    void refusesConditionalsLoneDollarsAndUnclosedBraces() {
        assertThatThrownBy(() -> ReplyTemplate.parse("x${rbl_reason?; $rbl_reason}"))
                .hasMessageContaining("conditional");
        assertThatThrownBy(() -> ReplyTemplate.parse("costs 5$")).hasMessageContaining("write $$");
        assertThatThrownBy(() -> ReplyTemplate.parse("costs $ 5")).hasMessageContaining("write $$");
        assertThatThrownBy(() -> ReplyTemplate.parse("${rbl_domain")).hasMessageContaining("without a closing '}'");
    }

    @Test
    void refusesWhatAnSmtpReplyCannotCarry() {
        assertThatThrownBy(() -> ReplyTemplate.parse("line\r\nbreak")).hasMessageContaining("U+000D");
        assertThatThrownBy(() -> ReplyTemplate.parse("caf\u00e9")).hasMessageContaining("U+00E9");
        assertThatThrownBy(() -> ReplyTemplate.parse("  ")).hasMessageContaining("empty");
    }
}
