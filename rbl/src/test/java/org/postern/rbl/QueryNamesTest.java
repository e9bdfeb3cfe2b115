package org.postern.rbl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QueryNamesTest {

    private static final RblList DBL = new RblList("dbl", "dbl.example", Optional.empty(), false,
            Set.of(NameKind.HELO), List.of(ReturnCodeRule.exact("RBL_DBL_SPAM", "127.0.1.2")), Optional.empty());

    private static byte[] bytes(String literal) throws Exception {
        return QueryNames.addressBytes(InetAddress.getByName(literal));
    }

    @Test
    void reversesIpv4Octets() throws Exception {
        // RFC 5782 §2.1: 192.0.2.99 is looked up as 99.2.0.192.<zone>.
        assertThat(QueryNames.reversed(bytes("192.0.2.99"))).isEqualTo("99.2.0.192");
        assertThat(QueryNames.reversed(bytes("127.0.0.2"))).isEqualTo("2.0.0.127");
    }

    @Test
    void reversesIpv6IntoThirtyTwoNibbles() throws Exception {
        // RFC 5782 §2.4 example: 2001:db8:1:2:3:4:567:89ab.
        assertThat(QueryNames.reversed(bytes("2001:db8:1:2:3:4:567:89ab")))
                .isEqualTo("b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2");
        assertThat(QueryNames.reversed(bytes("::1")).split("\\.")).hasSize(32);
        assertThat(QueryNames.reversed(bytes("::1"))).hasSize(QueryNames.MAX_ADDRESS_PREFIX_LENGTH - 1);
    }

    @Test
    void looksUpIpv4MappedIpv6AsIpv4() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 99};
        InetAddress v6 = Inet6Address.getByAddress(null, mapped, -1);
        assertThat(QueryNames.reversed(QueryNames.addressBytes(v6))).isEqualTo("99.2.0.192");
        assertThat(QueryNames.text(QueryNames.addressBytes(v6))).isEqualTo("192.0.2.99");
    }

    @Test
    void writesIpv6InRfc5952Form() throws Exception {
        assertThat(QueryNames.text(bytes("2001:0DB8:0:0:1:0:0:1"))).isEqualTo("2001:db8::1:0:0:1");
        assertThat(QueryNames.text(bytes("2001:db8:0:0:1:0:0:0"))).isEqualTo("2001:db8:0:0:1::");
        assertThat(QueryNames.text(bytes("2001:db8:0:1:1:1:1:1"))).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(QueryNames.text(bytes("::1"))).isEqualTo("::1");
        assertThat(QueryNames.text(bytes("::"))).isEqualTo("::");
        assertThat(QueryNames.text(bytes("fe80::1%1"))).isEqualTo("fe80::1");
    }

    @Test
    void normalizesCaseAndOneTrailingDot() {
        assertThat(QueryNames.normalize("Mail.Example.ORG.")).isEqualTo("mail.example.org");
        assertThat(QueryNames.normalize("mail.example.org")).isEqualTo("mail.example.org");
    }

    @Test
    void doesNotLetUnicodeLoweringSmuggleAsciiIn() {
        // U+212A KELVIN SIGN lower-cases to ASCII 'k' in Java; it must stay non-ASCII and be refused.
        String kelvin = QueryNames.normalize("\u212Aelvin.example");
        assertThat(QueryNames.problem(kelvin, DBL)).hasValueSatisfying(p -> assertThat(p).contains("not ASCII"));
    }

    @Test
    void acceptsOrdinaryHostNames() {
        assertThat(QueryNames.problem("mail-1.example.org", DBL)).isEmpty();
        assertThat(QueryNames.problem("localhost", DBL)).isEmpty();
        assertThat(QueryNames.problem("xn--exmple-cua.org", DBL)).isEmpty();
    }

    @Test
    void refusesWhatCannotBeAQueryName() {
        assertThat(QueryNames.problem("", DBL)).hasValue("the name is empty");
        assertThat(QueryNames.problem("[192.0.2.1]", DBL)).hasValueSatisfying(p -> assertThat(p).contains("literal"));
        assertThat(QueryNames.problem("192.0.2.1", DBL)).hasValueSatisfying(p -> assertThat(p).contains("IPv4"));
        assertThat(QueryNames.problem("a..example", DBL)).hasValueSatisfying(p -> assertThat(p).contains("empty"));
        assertThat(QueryNames.problem("a".repeat(64) + ".example", DBL))
                .hasValueSatisfying(p -> assertThat(p).contains("longer than 63"));
        assertThat(QueryNames.problem("-a.example", DBL)).hasValueSatisfying(p -> assertThat(p).contains("hyphen"));
        assertThat(QueryNames.problem("my_pc.example", DBL)).hasValueSatisfying(p -> assertThat(p).contains("not a"));
        assertThat(QueryNames.problem("my pc\r\n", DBL)).hasValueSatisfying(p -> assertThat(p).contains("'my pc??'"));
    }

    @Test
    void refusesNamesTooLongTogetherWithTheZone() {
        // 253 characters in all is the most a query name can have (RFC 1035 §2.3.4, presentation form).
        int room = QueryNames.MAX_NAME_LENGTH - 1 - "dbl.example".length();
        String fits = longName(room);
        assertThat(fits).hasSize(room);
        assertThat(QueryNames.problem(fits, DBL)).isEmpty();
        assertThat(QueryNames.problem("x" + fits, DBL))
                .hasValueSatisfying(p -> assertThat(p).contains("too long to look up under dbl.example"));
    }

    @Test
    void tooLongReasonNamesTheZoneNotTheKey() {
        RblList dqs = new RblList("dbl", "dbl.dq.example", Optional.of("secretkey"), false, Set.of(NameKind.HELO),
                List.of(ReturnCodeRule.exact("RBL_DBL_SPAM", "127.0.1.2")), Optional.empty());
        assertThat(QueryNames.suffix(dqs)).isEqualTo("secretkey.dbl.dq.example");
        assertThat(QueryNames.problem(longName(240), dqs)).hasValueSatisfying(p -> assertThat(p)
                .contains("dbl.dq.example").doesNotContain("secretkey"));
    }

    @Test
    void printableReplacesControlAndNonAsciiCharacters() {
        assertThat(QueryNames.printable("a\u0000b\u00e9c")).isEqualTo("a?b?c");
        assertThat(QueryNames.printable("x".repeat(300))).hasSize(255);
    }

    /** Labels of 60 characters and dots, exactly {@code length} long, never ending in a dot. */
    private static String longName(int length) {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < length) {
            if (sb.length() % 61 == 60 && sb.length() < length - 1) {
                sb.append('.');
            } else {
                sb.append('a');
            }
        }
        return sb.toString();
    }
}
