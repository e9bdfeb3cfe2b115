package org.postern.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.postern.dns.DnsType;

/** Address literals, prefixes and the client's address forms (RFC 7208 §5.6, §7.3; RFC 4291; RFC 5952). */
class IpAddressesTest {

    private static byte[] v6(String text) {
        return IpAddresses.parseIpv6(text).orElseThrow(() -> new AssertionError("not IPv6: " + text));
    }

    @Test
    void parsesIpv4StrictlyWithoutLeadingZeros() {
        assertThat(IpAddresses.parseIpv4("192.0.2.255")).map(IpAddresses::ipv4Text).contains("192.0.2.255");
        assertThat(IpAddresses.parseIpv4("0.0.0.0")).isPresent();
        for (String bad : List.of("1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.256", "1.2.3.4 ", "1..3.4", "a.b.c.d",
                "1.2.3.-4", "", "1.2.3.4/8")) {
            assertThat(IpAddresses.parseIpv4(bad)).as(bad).isEmpty();
        }
    }

    @Test
    void parsesIpv6TextForms() {
        assertThat(IpAddresses.ipv6Text(v6("2001:DB8:0:0:0:0:0:1"))).isEqualTo("2001:db8::1");
        assertThat(IpAddresses.ipv6Text(v6("::"))).isEqualTo("::");
        assertThat(IpAddresses.ipv6Text(v6("::1"))).isEqualTo("::1");
        assertThat(IpAddresses.ipv6Text(v6("1::"))).isEqualTo("1::");
        assertThat(IpAddresses.ipv6Text(v6("::1.1.1.1"))).isEqualTo("::101:101");
        assertThat(IpAddresses.ipv6Text(v6("::FFFF:1.2.3.4"))).isEqualTo("::ffff:102:304");
        assertThat(IpAddresses.ipv6Text(v6("1:2:3:4:5:6:7::"))).isEqualTo("1:2:3:4:5:6:7:0");
        assertThat(IpAddresses.ipv6Text(v6("1:0:0:2:0:0:0:3"))).isEqualTo("1:0:0:2::3");     // longest run
        assertThat(IpAddresses.ipv6Text(v6("1:0:0:2:0:0:3:4"))).isEqualTo("1::2:0:0:3:4");   // first of equal runs
        assertThat(IpAddresses.ipv6Text(v6("1:0:2:3:4:5:6:7"))).isEqualTo("1:0:2:3:4:5:6:7"); // one zero group stays
        for (String bad : List.of(":CAFE::BABE", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7",
                "12345::", "g::", "1.2.3.4", "::1.2.3", "1:2:3:4:5:6:7:8::", "::1.2.3.4:5", "")) {
            assertThat(IpAddresses.parseIpv6(bad)).as(bad).isEmpty();
        }
    }

    @Test
    void matchesPrefixesBitByBit() {
        byte[] net = IpAddresses.parseIpv4("192.0.2.128").orElseThrow();
        assertThat(new IpNetwork(net, 25).contains(IpAddresses.parseIpv4("192.0.2.200").orElseThrow())).isTrue();
        assertThat(new IpNetwork(net, 25).contains(IpAddresses.parseIpv4("192.0.2.127").orElseThrow())).isFalse();
        assertThat(new IpNetwork(net, 0).contains(IpAddresses.parseIpv4("8.8.8.8").orElseThrow())).isTrue();
        assertThat(new IpNetwork(net, 0).contains(v6("::"))).isFalse();     // another family never matches
        assertThat(new IpNetwork(v6("cafe:babe:8000::"), 33).contains(v6("cafe:babe:ffff::1"))).isTrue();
        assertThat(new IpNetwork(v6("cafe:babe:8000::"), 33).contains(v6("cafe:babe:7fff::1"))).isFalse();
    }

    @Test
    void splitsDualCidrLengths() {
        assertThat(DualCidr.split("")).extracting(s -> s.value().cidr()).isEqualTo(DualCidr.FULL);
        assertThat(DualCidr.split(":example.net/24//64").value())
                .isEqualTo(new DualCidr.Split(":example.net", new DualCidr(24, 64)));
        assertThat(DualCidr.split("//0").value()).isEqualTo(new DualCidr.Split("", new DualCidr(32, 0)));
        assertThat(DualCidr.split(":foo:bar/baz.example.com").value().body()).isEqualTo(":foo:bar/baz.example.com");
        assertThat(DualCidr.split("/24/8").value().body()).isEqualTo("/24");     // the caller rejects the body
        for (String bad : List.of("/24/64", "/33", "//129", "/032", "//064", "/9999999999")) {
            assertThat(DualCidr.split(bad).isOk()).as(bad).isFalse();
        }
    }

    @Test
    void treatsIpv4MappedClientsAsIpv4() throws Exception {
        ClientAddress mapped = ClientAddress.of(InetAddress.getByAddress(v6("::ffff:192.0.2.1")));
        assertThat(mapped.isIpv6()).isFalse();
        assertThat(mapped.addressType()).isEqualTo(DnsType.A);
        assertThat(mapped.reverseName()).isEqualTo("1.2.0.192.in-addr.arpa");
        assertThat(mapped.text()).isEqualTo("192.0.2.1");
    }

    @Test
    void writesIpv6ReverseNamesAndMacroForms() throws Exception {
        ClientAddress client = ClientAddress.of(InetAddress.getByName("2001:db8::cb01"));
        assertThat(client.addressType()).isEqualTo(DnsType.AAAA);
        assertThat(client.reverseName())
                .isEqualTo("1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
        assertThat(client.macroI()).isEqualTo("2.0.0.1.0.D.B.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.C.B.0.1");
        assertThat(client.macroC()).isEqualTo("2001:db8::cb01");
        assertThat(client.macroV()).isEqualTo("ip6");
    }

    @Test
    void readsDecimalsWithoutLeadingZeros() {
        assertThat(IpAddresses.decimal("0", 0, 1, 32)).contains(0);
        assertThat(IpAddresses.decimal("32", 0, 2, 32)).contains(32);
        assertThat(IpAddresses.decimal("33", 0, 2, 32)).isEqualTo(Optional.empty());
        assertThat(IpAddresses.decimal("00", 0, 2, 32)).isEmpty();
        assertThat(IpAddresses.decimal("", 0, 0, 32)).isEmpty();
    }
}
