package org.postern.greylist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientGroupTest {

    @ParameterizedTest(name = "{0} /{1} /{2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            192.0.2.77            | 24 | 64  | 192.0.2.0/24
            192.0.2.255           | 24 | 64  | 192.0.2.0/24
            192.0.2.77            | 32 | 64  | 192.0.2.77/32
            192.0.2.77            | 20 | 64  | 192.0.0.0/20
            192.0.2.77            | 0  | 64  | 0.0.0.0/0
            2001:db8:1:2:3:4:5:6  | 24 | 64  | 2001:db8:1:2:0:0:0:0/64
            2001:db8:1:2::ffff    | 24 | 64  | 2001:db8:1:2:0:0:0:0/64
            2001:db8:1:2:3:4:5:6  | 24 | 48  | 2001:db8:1:0:0:0:0:0/48
            2001:db8:1:2:3:4:5:6  | 24 | 128 | 2001:db8:1:2:3:4:5:6/128
            """)
    void networkKeepsThePrefixBits(String address, int ipv4Prefix, int ipv6Prefix, String expected) {
        assertThat(ClientGroup.network(Addresses.of(address), ipv4Prefix, ipv6Prefix))
                .isEqualTo(new ClientGroup(ClientGroup.Kind.NETWORK, expected));
    }

    @Test
    void ipv4MappedIpv6IsGroupedAsIpv4() {
        Inet6Address mapped = Addresses.ipv4Mapped("192.0.2.77");
        assertThat(ClientGroup.network(mapped, 24, 64))
                .isEqualTo(ClientGroup.network(Addresses.of("192.0.2.1"), 24, 64));
        assertThat(ClientGroup.ipv4(mapped)).isEqualTo(Addresses.of("192.0.2.77"));
    }

    @Test
    void ipv4OfPlainIpv6IsNull() {
        assertThat(ClientGroup.ipv4(Addresses.of("2001:db8::1"))).isNull();
    }

    @Test
    void rejectsEmptyNamesAndNul() {
        assertThatThrownBy(() -> new ClientGroup(ClientGroup.Kind.REVERSE_DOMAIN, ""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ClientGroup(ClientGroup.Kind.REVERSE_DOMAIN, "a\0b"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
