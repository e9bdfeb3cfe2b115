package org.postern.rbl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import org.junit.jupiter.api.Test;

class ReturnCodeRuleTest {

    private static Inet4Address code(String text) {
        return Ipv4.parse(text).orElseThrow();
    }

    @Test
    void exactRuleMatchesOneCode() {
        ReturnCodeRule rule = ReturnCodeRule.exact("RBL_TEST", "127.0.0.2");
        assertThat(rule.matches(code("127.0.0.2"))).isTrue();
        assertThat(rule.matches(code("127.0.0.3"))).isFalse();
    }

    @Test
    void rangeRuleIncludesBothEnds() {
        ReturnCodeRule xbl = ReturnCodeRule.range("RBL_ZEN_XBL", "127.0.0.4", "127.0.0.7");
        assertThat(xbl.matches(code("127.0.0.3"))).isFalse();
        assertThat(xbl.matches(code("127.0.0.4"))).isTrue();
        assertThat(xbl.matches(code("127.0.0.7"))).isTrue();
        assertThat(xbl.matches(code("127.0.0.8"))).isFalse();
    }

    @Test
    void maskRuleNeedsEveryBitOfTheMask() {
        // RFC 5782 §2.3: sublists as bits of the last octet (URIBL multi: 2 black, 4 grey, 8 red).
        ReturnCodeRule grey = ReturnCodeRule.mask("URIBL_GREY", "0.0.0.4");
        assertThat(grey.matches(code("127.0.0.4"))).isTrue();
        assertThat(grey.matches(code("127.0.0.6"))).isTrue();
        assertThat(grey.matches(code("127.0.0.14"))).isTrue();
        assertThat(grey.matches(code("127.0.0.2"))).isFalse();
        ReturnCodeRule both = ReturnCodeRule.mask("BOTH", "127.0.0.6");
        assertThat(both.matches(code("127.0.0.6"))).isTrue();
        assertThat(both.matches(code("127.0.0.4"))).isFalse();
    }

    @Test
    void parsesTheThreeConfigurationForms() {
        assertThat(ReturnCodeRule.parse("A", "127.0.0.2").match()).isInstanceOf(ReturnCodeRule.Match.Exact.class);
        assertThat(ReturnCodeRule.parse("A", " 127.0.0.4 - 127.0.0.7 ").match())
                .isEqualTo(new ReturnCodeRule.Match.Range(code("127.0.0.4"), code("127.0.0.7")));
        assertThat(ReturnCodeRule.parse("A", "&0.0.0.8").match())
                .isEqualTo(new ReturnCodeRule.Match.Mask(code("0.0.0.8")));
        for (String spec : new String[] {"127.0.0.2", "127.0.0.4-127.0.0.7", "&0.0.0.8"}) {
            assertThat(ReturnCodeRule.parse("A", spec).match().spec()).isEqualTo(spec);
        }
    }

    @Test
    void refusesCodesOutsideLoopback() {
        assertThatThrownBy(() -> ReturnCodeRule.exact("A", "10.0.0.2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside 127.0.0.0/8");
        assertThatThrownBy(() -> ReturnCodeRule.range("A", "126.0.0.2", "127.0.0.2"))
                .hasMessageContaining("outside 127.0.0.0/8");
    }

    @Test
    void refusesRulesThatWouldMapAQueryError() {
        assertThatThrownBy(() -> ReturnCodeRule.exact("A", "127.255.255.254"))
                .hasMessageContaining("query error").hasMessageContaining("never a listing");
        assertThatThrownBy(() -> ReturnCodeRule.range("A", "127.0.0.2", "127.255.255.255"))
                .hasMessageContaining("query error");
        assertThatThrownBy(() -> ReturnCodeRule.range("A", "127.0.0.2", "127.255.255.253"))
                .hasMessageContaining("range end 127.255.255.253 is a query error");
        assertThat(ReturnCodeRule.range("A", "127.0.0.2", "127.255.255.251").matches(code("127.255.255.251")))
                .isTrue();
    }

    @Test
    void refusesEmptyRangesAndMasks() {
        assertThatThrownBy(() -> ReturnCodeRule.range("A", "127.0.0.7", "127.0.0.4")).hasMessageContaining("empty");
        assertThatThrownBy(() -> ReturnCodeRule.mask("A", "0.0.0.0")).hasMessageContaining("at least one bit");
        assertThatThrownBy(() -> ReturnCodeRule.mask("A", "10.0.0.4")).hasMessageContaining("start with 0 or 127");
    }

    @Test
    void refusesTextThatIsNotADottedQuadWithoutAskingDns() {
        assertThatThrownBy(() -> ReturnCodeRule.exact("A", "localhost")).hasMessageContaining("dotted-quad");
        assertThatThrownBy(() -> ReturnCodeRule.exact("A", "127.0.0.02")).hasMessageContaining("dotted-quad");
        assertThatThrownBy(() -> ReturnCodeRule.exact("A", "127.0.0.256")).hasMessageContaining("dotted-quad");
        assertThatThrownBy(() -> ReturnCodeRule.exact("A", "127.0.0")).hasMessageContaining("dotted-quad");
    }

    @Test
    void refusesSymbolsThatAreNotUpperCaseIdentifiers() {
        assertThatThrownBy(() -> ReturnCodeRule.exact("rbl_zen", "127.0.0.2"))
                .hasMessageContaining("upper-case").hasMessageContaining("'rbl_zen'");
        assertThatThrownBy(() -> ReturnCodeRule.exact("RBL ZEN", "127.0.0.2")).hasMessageContaining("upper-case");
    }
}
