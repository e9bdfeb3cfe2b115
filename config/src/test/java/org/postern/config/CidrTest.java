package org.postern.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class CidrTest {

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);   // literals only: no lookup
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void parsesNetworksAndBareAddresses() {
        assertThat(Cidr.parse("192.0.2.0/24")).isEqualTo(new Cidr(ip("192.0.2.0"), 24));
        assertThat(Cidr.parse("2001:db8::/32")).isEqualTo(new Cidr(ip("2001:db8::"), 32));
        assertThat(Cidr.parse("192.0.2.7")).isEqualTo(new Cidr(ip("192.0.2.7"), 32));
        assertThat(Cidr.parse("2001:db8::7")).isEqualTo(new Cidr(ip("2001:db8::7"), 128));
        assertThat(Cidr.parse("0.0.0.0/0").prefix()).isZero();
        assertThat(Cidr.parse("::/0").prefix()).isZero();
    }

    @Test
    void toStringIsCanonicalAndReadsBack() {
        assertThat(Cidr.parse("192.0.2.0/24").toString()).isEqualTo("192.0.2.0/24");
        assertThat(Cidr.parse("2001:DB8:0:0:0:0:0:0/32").toString()).isEqualTo("2001:db8::/32");
        assertThat(Cidr.parse("2001:db8:0:0:1:0:0:1").toString()).isEqualTo("2001:db8::1:0:0:1/128");
        assertThat(Cidr.parse("::").toString()).isEqualTo("::/128");
        assertThat(Cidr.parse("::1").toString()).isEqualTo("::1/128");
        assertThat(Cidr.parse("1::").toString()).isEqualTo("1::/128");
        assertThat(Cidr.parse("1:0:2:3:4:5:6:7").toString()).isEqualTo("1:0:2:3:4:5:6:7/128");
        for (String text : new String[] {"10.0.0.0/8", "2001:db8::/32", "::ffff:192.0.2.0/120", "fe80::/10"}) {
            assertThat(Cidr.parse(Cidr.parse(text).toString())).isEqualTo(Cidr.parse(text));
        }
    }

    @Test
    void rejectsHostBitsWithAHint() {
        assertThatThrownBy(() -> Cidr.parse("192.0.2.1/24")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value has host bits set after the /24 prefix; write 192.0.2.0/24");
        assertThatThrownBy(() -> Cidr.parse("2001:db8::1/32"))
                .hasMessage("value has host bits set after the /32 prefix; write 2001:db8::/32");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.1/0")).hasMessage("value has host bits set after the /0 prefix;"
                + " write 0.0.0.0/0");
        assertThatThrownBy(() -> Cidr.parse("192.0.2.128/23")).hasMessageEndingWith("write 192.0.2.0/23");
    }

    @Test
    void rejectsPrefixOutOfRange() {
        assertThatThrownBy(() -> Cidr.parse("192.0.2.0/33"))
                .hasMessage("value must have a prefix length between 0 and 32, not 33");
        assertThatThrownBy(() -> Cidr.parse("::/129"))
                .hasMessage("value must have a prefix length between 0 and 128, not 129");
        assertThatThrownBy(() -> new Cidr(ip("192.0.2.0"), -1))
                .hasMessage("value must have a prefix length between 0 and 32, not -1");
        for (String bad : new String[] {"192.0.2.0/", "192.0.2.0/-1", "192.0.2.0/x", "192.0.2.0/24/8",
                "192.0.2.0/0024"}) {
            assertThatThrownBy(() -> Cidr.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void rejectsHostNamesWithoutLookingThemUp() {
        for (String name : new String[] {"localhost", "mail.example.com", "localhost/32", "example.invalid/24"}) {
            assertThatThrownBy(() -> Cidr.parse(name)).as(name).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("value must be an IP address or network such as 192.0.2.0/24 or 2001:db8::/32 (host"
                            + " names are not allowed), not " + Checks.quote(name));
        }
    }

    @Test
    void rejectsMalformedLiterals() {
        for (String bad : new String[] {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.04", "1.2.3.-4",
                " 1.2.3.4", "1.2.3.4 ", "1::2::3", ":::", ":1", "1:", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7",
                "1:2:3:4:5:6:7:8::", "12345::", "g::1", "fe80::1%eth0", "1.2.3.4::", "::1.2.3", "[::1]",
                "0x7f.0.0.1", "2130706433"}) {
            assertThatThrownBy(() -> Cidr.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void acceptsIpv6TextForms() {
        assertThat(Cidr.parse("1:2:3:4:5:6:7:8").network()).isEqualTo(ip("1:2:3:4:5:6:7:8"));
        assertThat(Cidr.parse("1:2:3:4:5:6:7::").network()).isEqualTo(ip("1:2:3:4:5:6:7:0"));
        assertThat(Cidr.parse("::2:3:4:5:6:7:8").network()).isEqualTo(ip("0:2:3:4:5:6:7:8"));
        assertThat(Cidr.parse("1:2:3:4:5:6:1.2.3.4").network()).isEqualTo(ip("1:2:3:4:5:6:102:304"));
        assertThat(Cidr.parse("::1.2.3.4").network()).isEqualTo(ip("::102:304"));
    }

    @Test
    void ipv4MappedAddressStaysIpv6() {
        Cidr mapped = Cidr.parse("::ffff:0:0/96");
        assertThat(mapped.network()).isInstanceOf(Inet6Address.class);
        assertThat(mapped.prefix()).isEqualTo(96);
        // Java presents a mapped client address as IPv4, and families never mix.
        assertThat(mapped.contains(ip("192.0.2.1"))).isFalse();
    }

    @Test
    void containsIpv4() {
        Cidr net = Cidr.parse("192.0.2.0/24");
        assertThat(net.contains(ip("192.0.2.0"))).isTrue();
        assertThat(net.contains(ip("192.0.2.255"))).isTrue();
        assertThat(net.contains(ip("192.0.1.255"))).isFalse();
        assertThat(net.contains(ip("192.0.3.0"))).isFalse();
    }

    @Test
    void containsWithPrefixesThatAreNotWholeBytes() {
        Cidr net = Cidr.parse("10.0.0.0/9");
        assertThat(net.contains(ip("10.127.255.255"))).isTrue();
        assertThat(net.contains(ip("10.128.0.0"))).isFalse();
        Cidr v6 = Cidr.parse("2001:db8::/33");
        assertThat(v6.contains(ip("2001:db8:7fff:ffff::1"))).isTrue();
        assertThat(v6.contains(ip("2001:db8:8000::"))).isFalse();
        Cidr narrow = Cidr.parse("2001:db8::/127");
        assertThat(narrow.contains(ip("2001:db8::1"))).isTrue();
        assertThat(narrow.contains(ip("2001:db8::2"))).isFalse();
    }

    @Test
    void hostRouteContainsOnlyItself() {
        assertThat(Cidr.parse("192.0.2.7").contains(ip("192.0.2.7"))).isTrue();
        assertThat(Cidr.parse("192.0.2.7").contains(ip("192.0.2.6"))).isFalse();
        assertThat(Cidr.parse("2001:db8::7").contains(ip("2001:db8::7"))).isTrue();
        assertThat(Cidr.parse("2001:db8::7").contains(ip("2001:db8::8"))).isFalse();
    }

    @Test
    void zeroPrefixContainsItsWholeFamilyOnly() {
        assertThat(Cidr.parse("0.0.0.0/0").contains(ip("255.255.255.255"))).isTrue();
        assertThat(Cidr.parse("0.0.0.0/0").contains(ip("::1"))).isFalse();
        assertThat(Cidr.parse("::/0").contains(ip("ffff::1"))).isTrue();
        assertThat(Cidr.parse("::/0").contains(ip("127.0.0.1"))).isFalse();
    }

    @Test
    void containsIpv6() {
        Cidr net = Cidr.parse("2001:db8::/32");
        assertThat(net.contains(ip("2001:db8::"))).isTrue();
        assertThat(net.contains(ip("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"))).isTrue();
        assertThat(net.contains(ip("2001:db9::"))).isFalse();
        assertThat(net.contains(ip("2001:db7:ffff::"))).isFalse();
    }
}
