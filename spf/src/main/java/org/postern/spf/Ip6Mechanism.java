package org.postern.spf;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * RFC 7208 §5.6: matches an IPv6 client within the network. An IPv4 client, IPv4-mapped ones included, never
 * matches (RFC 7208 §5, suite cidr6-ip4), even "ip6:::ffff:192.0.2.1".
 *
 * <pre>
 * IP6              = "ip6"      ":" ip6-network   [ ip6-cidr-length ]
 * ip6-network      = &lt;as per [RFC 4291], section 2.2&gt;
 * ip6-cidr-length  = "/" ("0" / %x31-39 0*2DIGIT) ; value range 0-128
 * </pre>
 */
final class Ip6Mechanism implements Mechanism {

    private final IpNetwork network;

    private Ip6Mechanism(IpNetwork network) {
        this.network = network;
    }

    static Parsed<Mechanism> parse(String args) {
        if (!args.startsWith(":")) {
            return Parsed.error("ip6 needs \":\" and an address: ip6" + MacroString.printable(args));
        }
        String value = args.substring(1);
        int slash = value.indexOf('/');
        String address = slash < 0 ? value : value.substring(0, slash);
        Optional<byte[]> octets = IpAddresses.parseIpv6(address);
        if (octets.isEmpty()) {
            return Parsed.error("bad ip6 address \"" + MacroString.printable(address) + "\"");
        }
        int prefix = 128;
        if (slash >= 0) {
            Optional<Integer> length = IpAddresses.decimal(value, slash + 1, value.length(), 128);
            if (length.isEmpty()) {
                return Parsed.error("bad ip6-cidr-length \"" + MacroString.printable(value.substring(slash)) + "\"");
            }
            prefix = length.get();
        }
        return Parsed.ok(new Ip6Mechanism(new IpNetwork(octets.get(), prefix)));
    }

    @Override
    public boolean queriesDns() {
        return false;
    }

    @Override
    public CompletionStage<Match> match(Evaluation evaluation, String domain) {
        ClientAddress client = evaluation.client();
        return Match.now(client.isIpv6() && network.contains(client.octets()));
    }

    @Override
    public String toString() {
        return "ip6:" + network;
    }
}
