package org.postern.config;

import static java.util.Objects.requireNonNull;

/**
 * A TCP endpoint as written in the configuration: {@code 127.0.0.1:11332}, {@code [::1]:11332},
 * {@code localhost:11332}.
 *
 * <p>Nothing is resolved here: a host name stays a name, and the daemon resolves it when it binds or connects.
 *
 * @param host an IPv4 literal, an IPv6 literal without brackets ({@code ::1}), or a DNS host name; never null
 * @param port 0..65535; 0 asks the operating system for a free port (useful in tests)
 * @throws IllegalArgumentException if the host is neither an IP literal nor a host name, or the port is out of range
 */
public record HostPort(String host, int port) {

    public HostPort {
        requireNonNull(host, "host");
        if (IpLiteral.parse(host).isEmpty() && !Checks.isHostName(host)) {
            throw InvalidValueException.ofValue("must have an IP address or host name before the port, not "
                    + Checks.quote(host));
        }
        if (port < 0 || port > 65535) {
            throw InvalidValueException.ofValue("must have a port between 0 and 65535, not " + port);
        }
    }

    /**
     * Parses {@code host:port}, with IPv6 literals in brackets.
     *
     * @throws IllegalArgumentException with a sentence saying what is wrong
     */
    public static HostPort parse(String text) {
        requireNonNull(text, "text");
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || !text.startsWith(":", close + 1)) {
                throw malformed(text);
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
            if (host.indexOf(':') < 0 || IpLiteral.parse(host).isEmpty()) {
                throw InvalidValueException.ofValue("must have an IPv6 address inside the brackets, not "
                        + Checks.quote(host));
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw malformed(text);
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw InvalidValueException.ofValue("must put an IPv6 address in brackets, as in \"[::1]:11332\", not "
                        + Checks.quote(text));
            }
        }
        if (!port.matches("\\d{1,5}")) {
            throw malformed(text);
        }
        return new HostPort(host, Integer.parseInt(port));
    }

    private static InvalidValueException malformed(String text) {
        return InvalidValueException.ofValue("must be host:port such as 127.0.0.1:11332, \"[::1]:11332\" or"
                + " localhost:11332, not " + Checks.quote(text));
    }

    /** {@code host:port}, with brackets around an IPv6 host; {@link #parse} reads it back. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
