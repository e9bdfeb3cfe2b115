package org.postern.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postern.dns.LoopbackDnsServer;
import picocli.CommandLine;

class SpfCommandTest {

    private static LoopbackDnsServer dns;

    @BeforeAll
    static void start() {
        dns = LoopbackDnsServer.start("""
                example.test.   TXT "v=spf1 ip4:192.0.2.0/24 -all"
                helo.test.      TXT "v=spf1 a -all"
                helo.test.      A   198.51.100.9
                """);
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    @Test
    void printsTheKeywordAloneOnTheFirstLineThenTheExplanationAndReceivedSpf() {
        Run pass = run("--ip", "192.0.2.7", "--helo", "mail.example.test", "--sender", "a@example.test");
        assertThat(pass.code).isZero();
        String[] lines = pass.out.split("\n");
        assertThat(lines[0]).isEqualTo("pass");
        assertThat(lines[1]).contains("a@example.test").contains("192.0.2.7");
        assertThat(lines[2]).startsWith("Received-SPF: pass ").contains("client-ip=192.0.2.7");

        assertThat(run("--ip", "203.0.113.5", "--helo", "x.test", "--sender", "a@example.test").out)
                .startsWith("fail\n");
        assertThat(run("--ip", "203.0.113.5", "--helo", "x.test", "--sender", "a@nowhere.test").out)
                .startsWith("none\n");
    }

    @Test
    void theNullSenderChecksTheHeloName() {
        Run helo = run("--ip", "198.51.100.9", "--helo", "helo.test", "--sender", "");
        assertThat(helo.out).startsWith("pass\n").contains("postmaster@helo.test");
    }

    @Test
    void badArgumentsAreUsageErrors() {
        Run badIp = run("--ip", "not-an-ip", "--helo", "h", "--sender", "a@b.test");
        assertThat(badIp.code).isEqualTo(2);
        assertThat(badIp.err).contains("--ip must be an IPv4 or IPv6 address");
        Run badDns = runWith("resolver.test:53", "--ip", "192.0.2.1", "--helo", "h", "--sender", "a@b.test");
        assertThat(badDns.code).isEqualTo(2);
        assertThat(badDns.err).contains("--dns must be an IP address and port");
    }

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        return runWith("127.0.0.1:" + dns.address().getPort(), args);
    }

    private static Run runWith(String server, String... args) {
        CommandLine cl = PosternCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 5];
        all[0] = "spf";
        all[1] = "--dns";
        all[2] = server;
        all[3] = "--config";
        all[4] = "/dev/null";
        System.arraycopy(args, 0, all, 5, args.length);
        int code = cl.execute(all);
        return new Run(code, out.toString(), err.toString());
    }
}
