package org.postern.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** Drives the test server with dnsjava's synchronous client (blocking is fine in a test thread). */
class LoopbackDnsServerTest {

    private static final String ZONE = """
            example.org.        300 TXT "v=spf1 -all"
            example.org.            MX  10 mx.example.org.
            mx.example.org.         A   192.0.2.25
            a.example.org.          CNAME b.example.org.
            b.example.org.       30 CNAME mx.example.org.
            loop1.example.org.      CNAME loop2.example.org.
            loop2.example.org.      CNAME loop1.example.org.
            dangling.example.org.   CNAME gone.example.org.
            deep.name.example.org.  A   192.0.2.9
            slow.example.org.       TIMEOUT
            slow.example.org.       A   192.0.2.26
            slow.example.org.       NODATA MX
            flaky.example.org.      SERVFAIL
            flaky.example.org.      A   192.0.2.27
            """;

    private LoopbackDnsServer server;

    @AfterEach void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Message ask(String name, int type) throws IOException {
        return ask(name, type, false);
    }

    private Message ask(String name, int type, boolean ignoreTruncation) throws IOException {
        SimpleResolver r = new SimpleResolver(server.address());
        r.setTimeout(Duration.ofMillis(300));
        r.setIgnoreTruncation(ignoreTruncation);
        return r.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    }

    @Test void answersRecordsCaseInsensitively() throws IOException {
        server = LoopbackDnsServer.start(ZONE);
        Message m = ask("EXAMPLE.Org.", Type.MX);
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(m.getHeader().getFlag(Flags.RA)).isTrue();
        // Name compression points into the question, so the exchange comes back in the question's case (RFC 4343).
        assertThat(m.getSection(Section.ANSWER)).extracting(r -> r.rdataToString().toLowerCase(java.util.Locale.ROOT))
                .containsExactly("10 mx.example.org.");
    }

    @Test void tellsNxdomainFromNodataWithSoaInAuthority() throws IOException {
        server = LoopbackDnsServer.start(ZONE);
        Message nx = ask("nope.example.org.", Type.A);
        assertThat(nx.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(nx.getSection(Section.AUTHORITY)).extracting(Record::getType).containsExactly(Type.SOA);
        Message nodata = ask("example.org.", Type.AAAA);
        assertThat(nodata.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(nodata.getSection(Section.ANSWER)).isEmpty();
        assertThat(nodata.getSection(Section.AUTHORITY)).extracting(Record::getType).containsExactly(Type.SOA);
        Message emptyNonTerminal = ask("name.example.org.", Type.A);
        assertThat(emptyNonTerminal.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(emptyNonTerminal.getSection(Section.ANSWER)).isEmpty();
    }

    @Test void followsCnameChainsAndFailsLoops() throws IOException {
        server = LoopbackDnsServer.start(ZONE);
        Message chain = ask("a.example.org.", Type.A);
        assertThat(chain.getSection(Section.ANSWER)).extracting(Record::getType)
                .containsExactly(Type.CNAME, Type.CNAME, Type.A);
        assertThat(ask("a.example.org.", Type.CNAME).getSection(Section.ANSWER)).extracting(Record::rdataToString)
                .containsExactly("b.example.org.");
        assertThat(ask("loop1.example.org.", Type.A).getRcode()).isEqualTo(Rcode.SERVFAIL);
        Message dangling = ask("dangling.example.org.", Type.A);
        assertThat(dangling.getRcode()).as("RFC 6604: RCODE of the chain's last name").isEqualTo(Rcode.NXDOMAIN);
        assertThat(dangling.getSection(Section.ANSWER)).extracting(Record::getType).containsExactly(Type.CNAME);
    }

    @Test void withoutChasingAnswersTheCnameAlone() throws IOException {
        server = LoopbackDnsServer.start("$NOCHASE\n" + ZONE);
        Message m = ask("a.example.org.", Type.A);
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(m.getSection(Section.ANSWER)).extracting(Record::getType).containsExactly(Type.CNAME);
        assertThat(m.getSection(Section.AUTHORITY)).isEmpty();
    }

    @Test void timeoutNamesAnswerOnlyTheTypesTheyHave() throws IOException {
        server = LoopbackDnsServer.start(ZONE);
        assertThat(ask("slow.example.org.", Type.A).getSection(Section.ANSWER)).hasSize(1);
        assertThatThrownBy(() -> ask("slow.example.org.", Type.TXT)).isInstanceOf(IOException.class);
        Message declaredEmpty = ask("slow.example.org.", Type.MX);
        assertThat(declaredEmpty.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(declaredEmpty.getSection(Section.ANSWER)).isEmpty();
        assertThat(ask("flaky.example.org.", Type.A).getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(server.queriesReceived("slow.example.org")).isEqualTo(3);
    }

    @Test void truncatesUdpAnswersOver512OctetsAndAnswersInFullOverTcp() throws IOException {
        String strings = "\"" + "x".repeat(255) + "\" \"" + "y".repeat(255) + "\"";
        server = LoopbackDnsServer.start("big.test. TXT " + strings);
        Message udp = ask("big.test.", Type.TXT, true);
        assertThat(udp.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(udp.getSection(Section.ANSWER)).isEmpty();
        Message full = ask("big.test.", Type.TXT, false);   // dnsjava retries over TCP
        assertThat(full.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(full.getSection(Section.ANSWER)).hasSize(1);
        assertThat(server.queriesReceived()).isEqualTo(3);
    }

    @Test void replaceZoneChangesAnswersAndCountsEveryQuery() throws IOException {
        server = LoopbackDnsServer.start(DnsZone.empty());
        assertThat(ask("x.test.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        server.replaceZone(DnsZone.builder().add("x.test", "A", "192.0.2.1").build());
        assertThat(ask("x.test.", Type.A).getSection(Section.ANSWER)).hasSize(1);
        assertThat(server.queriesReceived()).isEqualTo(2);
        assertThat(server.queriesReceived("X.TEST.")).isEqualTo(2);
        assertThat(server.queriesReceived("y.test")).isZero();
    }

    @Test void closeStopsEveryThreadAndFreesThePort() throws IOException {
        server = LoopbackDnsServer.start(ZONE);
        ask("example.org.", Type.TXT);
        int port = server.address().getPort();
        server.close();
        server = null;
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .noneMatch(n -> n.startsWith("loopback-dns-") && n.endsWith("-" + port));
        try (java.net.DatagramSocket again = new java.net.DatagramSocket(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port))) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    @Test void startsManyServersOnDistinctPorts() {
        try (LoopbackDnsServer a = LoopbackDnsServer.start(DnsZone.empty());
             LoopbackDnsServer b = LoopbackDnsServer.start(DnsZone.empty())) {
            assertThat(List.of(a.address().getPort())).doesNotContain(b.address().getPort());
            assertThat(a.address().getAddress().isLoopbackAddress()).isTrue();
        }
    }
}
