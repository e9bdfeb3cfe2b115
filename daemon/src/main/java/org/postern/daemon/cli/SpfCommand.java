package org.postern.daemon.cli;

import java.net.InetAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.postern.config.IpLiteral;
import org.postern.daemon.HostName;
import org.postern.dns.DnsResolver;
import org.postern.spf.ReceivedSpf;
import org.postern.spf.SpfEvaluator;
import org.postern.spf.SpfLimits;
import org.postern.spf.SpfQuery;
import org.postern.spf.SpfResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code postern spf}: evaluates SPF for one client as the daemon would, for admins debugging a record (like pyspf's
 * {@code spfquery}). The result keyword alone on the first line, so scripts can read it; then the explanation; then
 * the Received-SPF field.
 */
@Command(name = "spf", description = "Evaluate SPF (RFC 7208) for a client IP, HELO name and sender, and print the"
        + " result keyword, the explanation and the Received-SPF field.")
final class SpfCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--ip", required = true, paramLabel = "IP", description = "The client's IP address.")
    String ip;

    @Option(names = "--helo", required = true, paramLabel = "NAME", description = "The HELO/EHLO name.")
    String helo;

    @Option(names = "--sender", required = true, paramLabel = "ADDR",
            description = "The MAIL FROM address; empty (\"\") for the null sender, which checks the HELO name.")
    String sender;

    @Mixin
    DnsServerOption dns;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        InetAddress client = IpLiteral.parse(ip).orElseThrow(() -> new CommandLine.ParameterException(
                spec.commandLine(), "--ip must be an IPv4 or IPv6 address, not '" + ip + "'"));
        try (DnsResolver resolver = dns.resolver(common.load(), spec)) {
            SpfQuery query = new SpfQuery(client, helo, sender, HostName.local());
            SpfEvaluator evaluator = SpfEvaluator.create(resolver, SpfLimits.defaults());
            SpfResult result = evaluator.evaluate(query).toCompletableFuture()
                    .orTimeout(SpfLimits.defaults().overallTimeout().toSeconds() + 5, TimeUnit.SECONDS).join();
            var out = spec.commandLine().getOut();
            out.println(result.keyword());
            out.println(result.explanation().orElseGet(() -> result.describe(query)));
            out.println("Received-SPF: " + ReceivedSpf.header(result, query));
            out.flush();
        }
        return 0;
    }
}
