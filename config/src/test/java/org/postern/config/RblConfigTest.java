package org.postern.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RblConfigTest {

    private static PosternConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, "t.yml");
    }

    @Test
    void aListBindsWithItsDefaults() {
        PosternConfig c = parse("""
                rbl:
                  lists:
                    - name: zen
                      zone: zen.spamhaus.org
                      codes:
                        - {code: 127.0.0.2-127.0.0.3, symbol: RBL_ZEN_SBL, score: 8}
                        - {code: "&0.0.0.4", symbol: RBL_BITS}
                """);
        RblListConfig zen = c.rbl().lists().get(0);
        assertThat(zen.checks()).containsExactly(RblCheck.IP);
        assertThat(zen.key()).isEmpty();
        assertThat(zen.codes()).containsExactly(new RblCodeConfig("127.0.0.2-127.0.0.3", "RBL_ZEN_SBL", 8),
                new RblCodeConfig("&0.0.0.4", "RBL_BITS", 0));
        assertThat(zen.reply().code()).isEqualTo(554);
        assertThat(zen.reply().text()).contains("$rbl_domain");
    }

    @Test
    void namesChecksAndCodesAreValidatedWhereTheyAreWritten() {
        assertThatThrownBy(() -> parse("rbl:\n  lists:\n    - {name: Zen, zone: z.test, codes: []}\n"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("t.yml:3:14:")
                .hasMessageContaining("rbl.lists[0].name must be a short lower-case name");
        assertThatThrownBy(() -> parse("rbl:\n  lists:\n    - {name: z, zone: z.test, checks: [mx],"
                + " codes: [{code: 127.0.0.2, symbol: X}]}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("rbl.lists[0].checks[0] must be one of ip, helo, sender_domain, client_name");
        assertThatThrownBy(() -> parse("rbl:\n  lists:\n    - {name: z, zone: z.test, codes: []}\n"))
                .hasMessageContaining("rbl.lists[0].codes must map at least one return code");
        assertThatThrownBy(() -> parse("rbl:\n  lists:\n    - {name: z, zone: z.test,"
                + " codes: [{code: 127.0.0, symbol: X}]}\n"))
                .hasMessageContaining("code must be a code such as 127.0.0.2");
        assertThatThrownBy(() -> parse("rbl:\n  lists:\n    - {name: z, zone: z.test,"
                + " codes: [{code: 127.0.0.2, symbol: X}], reply: \"451 4.7.1 later\"}\n"))
                .hasMessageContaining("rbl.lists[0].reply");
    }

    @Test
    void listNamesAreUnique() {
        String list = "    - {name: z, zone: z.test, codes: [{code: 127.0.0.2, symbol: X}]}\n";
        assertThatThrownBy(() -> parse("rbl:\n  lists:\n" + list + list))
                .hasMessageContaining("t.yml:4:").hasMessageContaining("repeats the list name \"z\"");
    }

    @Test
    void dnsServersMustBeAddressesAndSpfHasItsDefaults() {
        PosternConfig c = parse("dns:\n  servers: [\"127.0.0.1:5353\"]\n  timeout: 300ms\n");
        assertThat(c.dns().servers()).containsExactly(new HostPort("127.0.0.1", 5353));
        assertThat(c.dns().timeout()).isEqualTo(Duration.ofMillis(300));
        assertThatThrownBy(() -> parse("dns:\n  servers: [\"resolver.test:53\"]\n"))
                .hasMessageContaining("dns.servers[0] must be an IP address with a port");
        assertThat(c.spf()).isEqualTo(new SpfConfig(true, false, ReplyText.parse("550 5.7.23 SPF validation failed"),
                true));
        assertThatThrownBy(() -> parse("spf:\n  fail_reply: \"451 4.7.1 x\"\n"))
                .hasMessageContaining("spf.fail_reply must be a permanent 5xx reply");
        assertThat(parse("").rbl().lists()).isEqualTo(List.of());
        assertThat(Optional.of(c.dns().retries())).contains(1);
    }
}
