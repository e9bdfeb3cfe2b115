package org.postern.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostPortTest {

    @Test
    void parsesIpv4Ipv6AndNames() {
        assertThat(HostPort.parse("127.0.0.1:11332")).isEqualTo(new HostPort("127.0.0.1", 11332));
        assertThat(HostPort.parse("[::1]:11332")).isEqualTo(new HostPort("::1", 11332));
        assertThat(HostPort.parse("[2001:db8::1]:25")).isEqualTo(new HostPort("2001:db8::1", 25));
        assertThat(HostPort.parse("localhost:11332")).isEqualTo(new HostPort("localhost", 11332));
        assertThat(HostPort.parse("milter.example.com:0")).isEqualTo(new HostPort("milter.example.com", 0));
        assertThat(HostPort.parse("0.0.0.0:65535").port()).isEqualTo(65535);
    }

    @Test
    void toStringReadsBack() {
        for (String text : new String[] {"127.0.0.1:11332", "[::1]:11332", "localhost:1"}) {
            assertThat(HostPort.parse(text).toString()).isEqualTo(text);
        }
    }

    @Test
    void rejectsPortOutOfRange() {
        assertThatThrownBy(() -> HostPort.parse("127.0.0.1:65536"))
                .hasMessage("value must have a port between 0 and 65535, not 65536");
        assertThatThrownBy(() -> new HostPort("localhost", -1))
                .hasMessage("value must have a port between 0 and 65535, not -1");
    }

    @Test
    void rejectsMissingOrMalformedPort() {
        for (String bad : new String[] {"localhost", "localhost:", "localhost:http", "[::1]", "[::1]11332",
                "127.0.0.1:123456", "127.0.0.1:-1", ":11332"}) {
            assertThatThrownBy(() -> HostPort.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> HostPort.parse("localhost")).hasMessage("value must be host:port such as"
                + " 127.0.0.1:11332, \"[::1]:11332\" or localhost:11332, not \"localhost\"");
    }

    @Test
    void requiresBracketsAroundIpv6() {
        assertThatThrownBy(() -> HostPort.parse("::1:11332")).hasMessage(
                "value must put an IPv6 address in brackets, as in \"[::1]:11332\", not \"::1:11332\"");
        assertThatThrownBy(() -> HostPort.parse("[127.0.0.1]:25"))
                .hasMessage("value must have an IPv6 address inside the brackets, not \"127.0.0.1\"");
    }

    @Test
    void rejectsBadHosts() {
        assertThatThrownBy(() -> HostPort.parse("bad host:25"))
                .hasMessage("value must have an IP address or host name before the port, not \"bad host\"");
        assertThatThrownBy(() -> HostPort.parse("-x.example:25")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HostPort.parse("a..b:25")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HostPort("", 25)).isInstanceOf(IllegalArgumentException.class);
    }
}
