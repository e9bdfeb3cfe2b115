package org.postern.spf;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * RFC 7208 §5.6: matches an IPv4 client (IPv4-mapped IPv6 included) within the network. Never an IPv6 client.
 *
 * <pre>
 * IP4              = "ip4"      ":" ip4-network   [ ip4-cidr-length ]
 * ip4-network      = qnum "." qnum "." qnum "." qnum
 * qnum             = DIGIT / %x31-39 DIGIT / "1" 2DIGIT / "2" %x30-34 DIGIT / "25" %x30-35
 * ip4-cidr-length  = "/" ("0" / %x31-39 0*1DIGIT) ; value range 0-32
 * </pre>
 */
final class Ip4Mechanism implements Mechanism {

    private final IpNetwork network;

    private Ip4Mechanism(IpNetwork network) {
        this.network = network;
    }

    static Parsed<Mechanism> parse(String args) {
        if (!args.startsWith(":")) {
            return Parsed.error("ip4 needs \":\" and an address: ip4" + MacroString.printable(args));
        }
        String value = args.substring(1);
        int slash = value.indexOf('/');
        String address = slash < 0 ? value : value.substring(0, slash);
        Optional<byte[]> octets = IpAddresses.parseIpv4(address);
        if (octets.isEmpty()) {
            return Parsed.error("bad ip4 address \"" + MacroString.printable(address) + "\"");
        }
        int prefix = 32;
        if (slash >= 0) {
            Optional<Integer> length = IpAddresses.decimal(value, slash + 1, value.length(), 32);
            if (length.isEmpty()) {
                return Parsed.error("bad ip4-cidr-length \"" + MacroString.printable(value.substring(slash)) + "\"");
            }
            prefix = length.get();
        }
        return Parsed.ok(new Ip4Mechanism(new IpNetwork(octets.get(), prefix)));
    }

    @Override
    public boolean queriesDns() {
        return false;
    }

    @Override
    public CompletionStage<Match> match(Evaluation evaluation, String domain) {
        ClientAddress client = evaluation.client();
        return Match.now(!client.isIpv6() && network.contains(client.octets()));
    }

    @Override
    public String toString() {
        return "ip4:" + network;
    }
}
