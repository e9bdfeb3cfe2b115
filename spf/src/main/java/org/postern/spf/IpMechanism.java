package org.postern.spf;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * RFC 7208 §5.6: {@code ip4} and {@code ip6}, one mechanism in two address families. {@code ip4} matches an IPv4
 * client (IPv4-mapped IPv6 included) within the network, never an IPv6 client; {@code ip6} matches an IPv6 client
 * within the network, never an IPv4 client, IPv4-mapped ones included (RFC 7208 §5, suite cidr6-ip4), even for
 * {@code ip6:::ffff:192.0.2.1}.
 *
 * <pre>
 * IP4              = "ip4"      ":" ip4-network   [ ip4-cidr-length ]
 * ip4-network      = qnum "." qnum "." qnum "." qnum
 * qnum             = DIGIT / %x31-39 DIGIT / "1" 2DIGIT / "2" %x30-34 DIGIT / "25" %x30-35
 * ip4-cidr-length  = "/" ("0" / %x31-39 0*1DIGIT) ; value range 0-32
 * IP6              = "ip6"      ":" ip6-network   [ ip6-cidr-length ]
 * ip6-network      = &lt;as per [RFC 4291], section 2.2&gt;
 * ip6-cidr-length  = "/" ("0" / %x31-39 0*2DIGIT) ; value range 0-128
 * </pre>
 */
final class IpMechanism implements Mechanism {

    /** The two address families: the mechanism's name, its address parser, its longest prefix. */
    enum Family {
        IP4("ip4", IpAddresses::parseIpv4, 32, false),
        IP6("ip6", IpAddresses::parseIpv6, 128, true);

        private final String name;
        private final Function<String, Optional<byte[]>> parser;
        private final int maxPrefix;
        private final boolean ipv6;

        Family(String name, Function<String, Optional<byte[]>> parser, int maxPrefix, boolean ipv6) {
            this.name = name;
            this.parser = parser;
            this.maxPrefix = maxPrefix;
            this.ipv6 = ipv6;
        }

        /** The parser of this family's mechanism, for the record parser's table. */
        Parsed<Mechanism> parse(String args) {
            return IpMechanism.parse(this, args);
        }
    }

    private final Family family;
    private final IpNetwork network;

    private IpMechanism(Family family, IpNetwork network) {
        this.family = family;
        this.network = network;
    }

    private static Parsed<Mechanism> parse(Family family, String args) {
        String name = family.name;
        if (!args.startsWith(":")) {
            return Parsed.error(name + " needs \":\" and an address: " + name + MacroString.printable(args));
        }
        String value = args.substring(1);
        int slash = value.indexOf('/');
        String address = slash < 0 ? value : value.substring(0, slash);
        Optional<byte[]> octets = family.parser.apply(address);
        if (octets.isEmpty()) {
            return Parsed.error("bad " + name + " address \"" + MacroString.printable(address) + "\"");
        }
        int prefix = family.maxPrefix;
        if (slash >= 0) {
            Optional<Integer> length = IpAddresses.decimal(value, slash + 1, value.length(), family.maxPrefix);
            if (length.isEmpty()) {
                return Parsed.error("bad " + name + "-cidr-length \"" + MacroString.printable(value.substring(slash))
                        + "\"");
            }
            prefix = length.get();
        }
        return Parsed.ok(new IpMechanism(family, new IpNetwork(octets.get(), prefix)));
    }

    @Override
    public boolean queriesDns() {
        return false;
    }

    @Override
    public CompletionStage<Match> match(Evaluation evaluation, String domain) {
        ClientAddress client = evaluation.client();
        return Match.now(client.isIpv6() == family.ipv6 && network.contains(client.octets()));
    }

    @Override
    public String toString() {
        return family.name + ":" + network;
    }
}
