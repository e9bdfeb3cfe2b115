package org.postern.daemon.cli;

import java.net.InetSocketAddress;
import java.util.List;
import org.postern.config.HostPort;
import org.postern.config.IpLiteral;
import org.postern.config.PosternConfig;
import org.postern.daemon.DnsSetup;
import org.postern.dns.DnsResolver;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --dns HOST:PORT}, for the commands that look things up: ask that server instead of the configured ones. */
final class DnsServerOption {

    @Option(names = "--dns", paramLabel = "HOST:PORT",
            description = "Ask this DNS server instead of the configured ones (an IP and port, e.g. 127.0.0.1:53).")
    String dnsServer;

    /**
     * The resolver to use; the caller closes it.
     *
     * @throws CommandLine.ParameterException when {@code --dns} is not an IP address and port
     */
    DnsResolver resolver(PosternConfig config, CommandLine.Model.CommandSpec spec) {
        if (dnsServer == null) {
            return DnsSetup.resolver(config.dns());
        }
        HostPort server = null;
        try {
            server = HostPort.parse(dnsServer);
        } catch (IllegalArgumentException e) {
            // reported below
        }
        if (server == null || IpLiteral.parse(server.host()).isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--dns must be an IP address and port such as 127.0.0.1:53, not '" + dnsServer + "'");
        }
        return DnsSetup.resolver(config.dns(), List.of(new InetSocketAddress(server.host(), server.port())));
    }
}
