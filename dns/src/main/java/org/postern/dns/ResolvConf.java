package org.postern.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Address;

/** The {@code nameserver} lines of resolv.conf(5), read without any DNS query. */
final class ResolvConf {

    private static final System.Logger LOG = System.getLogger(ResolvConf.class.getName());

    private ResolvConf() {
    }

    /** The nameservers of a resolv.conf file; empty if it is missing or unreadable. No DNS query is made. */
    static List<InetSocketAddress> read(Path resolvConf) {
        try {
            return parse(Files.readAllLines(resolvConf, StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read " + resolvConf + ": " + e);
            return List.of();
        }
    }

    /** resolv.conf(5): {@code nameserver ADDRESS} lines, IPv4 or IPv6 literals (a {@code %scope} is dropped). */
    static List<InetSocketAddress> parse(List<String> lines) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String line : lines) {
            String[] words = line.trim().split("\\s+");
            if (words.length < 2 || !words[0].equals("nameserver")) {
                continue;
            }
            String literal = words[1];
            int scope = literal.indexOf('%');
            if (scope >= 0) {
                literal = literal.substring(0, scope);
            }
            byte[] bytes = Address.toByteArray(literal, Address.IPv4);
            if (bytes == null) {
                bytes = Address.toByteArray(literal, Address.IPv6);
            }
            if (bytes == null) {
                LOG.log(System.Logger.Level.WARNING, "resolv.conf: not an IP address, ignored: " + line.trim());
                continue;
            }
            try {
                out.add(new InetSocketAddress(InetAddress.getByAddress(bytes), 53));
            } catch (UnknownHostException e) {
                throw new IllegalStateException("address of checked length refused: " + literal, e);
            }
        }
        return List.copyOf(out);
    }

}
