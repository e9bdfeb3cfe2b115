package org.postern.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Received-SPF (RFC 7208 §9.1) and Authentication-Results (RFC 8601 §2.7.2) values. */
class ReceivedSpfTest {

    private static SpfQuery query(String ip, String helo, String sender) throws Exception {
        return new SpfQuery(InetAddress.getByName(ip), helo, sender, "mx.example.net");
    }

    @Test
    void writesPassLikeTheRfcExample() throws Exception {
        SpfQuery query = query("192.0.2.1", "foo.example.com", "myname@example.com");
        SpfResult pass = new SpfResult.Pass(SpfIdentity.MAILFROM, "example.com", "ip4:192.0.2.0/24");
        assertThat(ReceivedSpf.header(pass, query)).isEqualTo("pass (mx.example.net: domain of myname@example.com"
                + " designates 192.0.2.1 as permitted sender) client-ip=192.0.2.1;"
                + " envelope-from=\"myname@example.com\"; helo=foo.example.com; receiver=mx.example.net;"
                + " identity=mailfrom; mechanism=\"ip4:192.0.2.0/24\"");
        assertThat(ReceivedSpf.authenticationResults(pass, query)).isEqualTo("spf=pass smtp.mailfrom=example.com");
    }

    @Test
    void writesProblemsAndQuotesIpv6() throws Exception {
        SpfQuery query = query("2001:db8::1", "foo.example.com", "");
        SpfResult error = new SpfResult.PermError(SpfIdentity.MAILFROM, "foo.example.com",
                "2 SPF records at foo.example.com");
        assertThat(ReceivedSpf.header(error, query)).isEqualTo("permerror (mx.example.net: permanent error in"
                + " processing domain of postmaster@foo.example.com: 2 SPF records at foo.example.com)"
                + " client-ip=\"2001:db8::1\"; helo=foo.example.com; receiver=mx.example.net; identity=mailfrom;"
                + " problem=\"2 SPF records at foo.example.com\"");
    }

    @Test
    void writesHeloResultsWithTheHeloProperty() throws Exception {
        SpfQuery query = query("192.0.2.1", "mail.example.org", "a@example.org");
        SpfResult none = new SpfResult.None(SpfIdentity.HELO, "mail.example.org", "no SPF record at mail.example.org");
        assertThat(ReceivedSpf.authenticationResults(none, query)).isEqualTo("spf=none smtp.helo=mail.example.org");
        assertThat(ReceivedSpf.header(none, query)).contains("identity=helo").doesNotContain("mechanism=");
    }

    @Test
    void clientTextCannotInjectHeaders() throws Exception {
        SpfQuery query = query("192.0.2.1", "evil\r\nX-Injected: yes", "a\"b)(\\@ex\u00e9mple.org");
        SpfResult fail = new SpfResult.Fail(SpfIdentity.MAILFROM, "ex\u00e9mple.org", "-all", Optional.empty());
        String header = ReceivedSpf.header(fail, query);
        assertThat(header).doesNotContain("\r").doesNotContain("\n").matches("[\\x20-\\x7e]*");
        assertThat(header).contains("helo=\"evil??X-Injected: yes\"")
                .contains("envelope-from=\"a\\\"b)(\\\\@ex?mple.org\"")
                .contains("domain of a\"b\\)\\(\\\\@ex?mple.org does not designate");
        assertThat(ReceivedSpf.authenticationResults(fail, query)).isEqualTo("spf=fail smtp.mailfrom=\"ex?mple.org\"");
        SpfResult odd = new SpfResult.Pass(SpfIdentity.MAILFROM, "foo:bar/baz.example.com", "a");
        assertThat(ReceivedSpf.authenticationResults(odd, query))
                .isEqualTo("spf=pass smtp.mailfrom=\"foo:bar/baz.example.com\"");
    }

    @Test
    void leavesOutAnUnknownReceiver() throws Exception {
        SpfQuery query = new SpfQuery(InetAddress.getByName("192.0.2.1"), "h.example.org", "a@example.org", "");
        SpfResult neutral = new SpfResult.Neutral(SpfIdentity.MAILFROM, "example.org", "");
        assertThat(ReceivedSpf.header(neutral, query)).isEqualTo("neutral (192.0.2.1 is neither permitted nor denied"
                + " by domain of a@example.org) client-ip=192.0.2.1; envelope-from=\"a@example.org\";"
                + " helo=h.example.org; identity=mailfrom");
        assertThat(neutral.reason()).isEqualTo("default");
    }
}
