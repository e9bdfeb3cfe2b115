package org.postern.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

class DnsZoneTest {

    private static Name name(String s) {
        return DomainNames.parseOrThrow(s);
    }

    @Test void parsesEveryRecordTypeWithOptionalTtlAndClass() {
        DnsZone zone = DnsZone.parse("""
                # a comment line

                example.org.        600 TXT "v=spf1 -all"    # trailing comment
                example.org.         IN MX  10 mx.example.org.
                mx.example.org.         A   192.0.2.25
                v6.example.org.         AAAA 2001:db8::1
                alias.example.org.      CNAME example.org.
                10.2.0.192.in-addr.arpa. PTR mail.example.org.
                example.org.            NS  ns.example.org.
                example.org.        60  SOA ns.example.org. hostmaster.example.org. 1 3600 600 86400 30
                old.example.org.        spf v=spf1 +all
                """);
        assertThat(zone.recordsAt(name("example.org"))).extracting(Record::getType)
                .containsExactly(Type.TXT, Type.MX, Type.NS, Type.SOA);
        assertThat(zone.recordsAt(name("example.org")).get(0).getTTL()).isEqualTo(600);
        assertThat(zone.recordsAt(name("example.org")).get(1).getTTL()).isEqualTo(DnsZone.DEFAULT_TTL);
        assertThat(zone.recordsAt(name("MX.Example.ORG")).get(0).rdataToString()).isEqualTo("192.0.2.25");
        assertThat(zone.recordsAt(name("v6.example.org")).get(0).getType()).isEqualTo(Type.AAAA);
        assertThat(zone.recordsAt(name("alias.example.org")).get(0).getType()).isEqualTo(Type.CNAME);
        assertThat(zone.recordsAt(name("10.2.0.192.in-addr.arpa")).get(0).getType()).isEqualTo(Type.PTR);
        assertThat(zone.recordsAt(name("old.example.org")).get(0).getType()).isEqualTo(Type.SPF);
    }

    @Test void quotedStringsAreUtf8WithEscapesForRawOctets() {
        DnsZone zone = DnsZone.parse("""
                t.test. TXT "caf\u00e9" "\\x80\\xEF\\xbb\\xBF" "say \\"hi\\" \\\\ \\065" bare#comment
                """);
        TXTRecord txt = (TXTRecord) zone.recordsAt(name("t.test")).get(0);
        assertThat(txt.getStringsAsByteArrays()).containsExactly(
                new byte[] {'c', 'a', 'f', (byte) 0xc3, (byte) 0xa9},
                new byte[] {(byte) 0x80, (byte) 0xef, (byte) 0xbb, (byte) 0xbf},
                "say \"hi\" \\ A".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                "bare".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    @Test void timeoutServfailAndDirectives() {
        DnsZone zone = DnsZone.parse("""
                slow.test. TIMEOUT
                flaky.test. SERVFAIL
                $NOSOA
                $NOCHASE
                """);
        assertThat(zone.isTimeout(name("SLOW.test."))).isTrue();
        assertThat(zone.isServfail(name("flaky.test"))).isTrue();
        assertThat(zone.negativeSoa(name("x.test"))).isNull();
        assertThat(zone.chasesCnames()).isFalse();
        assertThat(zone.exists(name("test"))).as("ancestor of a zone name is an empty non-terminal").isTrue();
        assertThat(zone.exists(name("other.test"))).isFalse();
    }

    @Test void negativeSoaIsTheClosestEnclosingOneOrASyntheticRoot() {
        DnsZone zone = DnsZone.parse("""
                example.org. 60 SOA ns.example.org. hostmaster.example.org. 1 3600 600 86400 30
                """);
        assertThat(zone.negativeSoa(name("a.b.example.org")).getName()).isEqualTo(name("example.org"));
        assertThat(zone.negativeSoa(name("elsewhere.test")).getName()).isEqualTo(Name.root);
    }

    @Test void reportsSyntaxErrorsWithLineNumbers() {
        assertThatThrownBy(() -> DnsZone.parse("ok.test. A 192.0.2.1\n\nbad.test. FOO 1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("line 3: unknown type FOO");
        assertThatThrownBy(() -> DnsZone.parse("a.test. A 300.1.1.1"))
                .hasMessage("line 1: not an IPv4 address: 300.1.1.1");
        assertThatThrownBy(() -> DnsZone.parse("a.test. AAAA 192.0.2.1"))
                .hasMessage("line 1: not an IPv6 address: 192.0.2.1");
        assertThatThrownBy(() -> DnsZone.parse("# x\na.test. TXT \"open"))
                .hasMessage("line 2: unterminated quoted string starting at column 13");
        assertThatThrownBy(() -> DnsZone.parse("a.test. MX mx.test."))
                .hasMessage("line 1: MX needs a preference and an exchange, found 1 values");
        assertThatThrownBy(() -> DnsZone.parse("a.test. MX 70000 mx.test."))
                .hasMessage("line 1: MX preference out of range 0..65535: 70000");
        assertThatThrownBy(() -> DnsZone.parse("a.test. TXT \"\\xZZ\""))
                .hasMessage("line 1: \\x needs two hex digits, column 14");
        assertThatThrownBy(() -> DnsZone.parse("a.test. TXT \"" + "x".repeat(256) + "\""))
                .hasMessageStartingWith("line 1: TXT character-string longer than 255 octets (256)");
        assertThatThrownBy(() -> DnsZone.parse("a..test. A 192.0.2.1"))
                .hasMessageStartingWith("line 1: not a domain name");
        assertThatThrownBy(() -> DnsZone.parse("a.test. TIMEOUT now"))
                .hasMessage("line 1: TIMEOUT takes no value, found now");
        assertThatThrownBy(() -> DnsZone.parse("a.test. NODATA BOGUS"))
                .hasMessage("line 1: unknown type BOGUS");
        assertThatThrownBy(() -> DnsZone.parse("$ORIGIN example."))
                .hasMessage("line 1: unknown directive $ORIGIN example.");
        assertThatThrownBy(() -> DnsZone.parse("a.test."))
                .hasMessage("line 1: a record needs a name and a type: a.test.");
        assertThatThrownBy(() -> DnsZone.parse("a.test. 300"))
                .hasMessage("line 1: missing type after a.test. 300");
    }

    @Test void builderTakesAnyOctetInNamesAndTxtAsUtf8OrRawOctets() {
        DnsZone zone = DnsZone.builder()
                .txt("macro%percent  space%20url-space.example.com", "v=spf1 -all")
                .txtOctets("raw.test", List.of(new byte[] {(byte) 0x96}, new byte[0]))
                .add("utf8.test", "TXT", "\u00e9")
                .add("mx.test", 60, "MX", "5", "MX1.Test.")
                .add("rec.test", new DnsRecord.Txt(List.of("\u00e9")))
                .build();
        assertThat(zone.recordsAt(name("macro%percent  space%20url-space.example.com"))).hasSize(1);
        assertThat(((TXTRecord) zone.recordsAt(name("raw.test")).get(0)).getStringsAsByteArrays())
                .containsExactly(new byte[] {(byte) 0x96}, new byte[0]);
        assertThat(((TXTRecord) zone.recordsAt(name("utf8.test")).get(0)).getStringsAsByteArrays())
                .containsExactly(new byte[] {(byte) 0xc3, (byte) 0xa9});
        assertThat(((TXTRecord) zone.recordsAt(name("rec.test")).get(0)).getStringsAsByteArrays())
                .as("a DnsRecord.Txt holds octets, as the resolver returns them").containsExactly(new byte[] {(byte) 0xe9});
        assertThat(zone.recordsAt(name("mx.test")).get(0).getTTL()).isEqualTo(60);
        assertThatThrownBy(() -> DnsZone.builder().add("x.test", new DnsRecord.Txt(List.of("\u20ac"))))
                .hasMessageContaining("ISO-8859-1");
    }
}
