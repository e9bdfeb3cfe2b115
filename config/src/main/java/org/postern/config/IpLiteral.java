package org.postern.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * IP address literals, parsed without the resolver.
 *
 * <p>{@link InetAddress#getByName} accepts a literal without a lookup but silently resolves anything else, so
 * validating a file with it could block on DNS and would accept host names. This parser accepts only RFC 4291 §2.2
 * text forms (with {@code ::} and a trailing dotted quad) and strict dotted quads (no leading zeros, which some parsers
 * read as octal). Zone ids ({@code fe80::1%eth0}) are rejected: they mean nothing in a mail filter's lists.
 */
public final class IpLiteral {

    private static final Pattern DOTTED_QUAD =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");

    private IpLiteral() {
    }

    /** The address, or empty if {@code text} is not an IPv4 or IPv6 literal. Never performs a lookup. */
    public static Optional<InetAddress> parse(String text) {
        byte[] bytes = text.indexOf(':') >= 0 ? parseIpv6(text) : parseIpv4(text);
        return bytes == null ? Optional.empty() : Optional.of(of(bytes));
    }

    /** The address with these 4 or 16 bytes; no lookup. */
    static InetAddress of(byte[] bytes) {
        try {
            // Inet6Address.getByAddress keeps ::ffff:a.b.c.d as IPv6, where InetAddress.getByAddress would turn it
            // into an Inet4Address and change the meaning of a /96 prefix.
            return bytes.length == 4 ? InetAddress.getByAddress(bytes) : Inet6Address.getByAddress(null, bytes, -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a " + bytes.length + "-byte address was refused", e);
        }
    }

    private static byte[] parseIpv4(String text) {
        if (!DOTTED_QUAD.matcher(text).matches()) {
            return null;
        }
        String[] parts = text.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            bytes[i] = (byte) Integer.parseInt(parts[i]);
        }
        return bytes;
    }

    private static byte[] parseIpv6(String text) {
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        String head = gap >= 0 ? text.substring(0, gap) : text;
        String tail = gap >= 0 ? text.substring(gap + 2) : "";
        // A trailing dotted quad is only allowed at the very end: in the tail, or in the head when there is no ::.
        int[] headGroups = groups(head, gap < 0);
        int[] tailGroups = gap >= 0 ? groups(tail, true) : new int[0];
        if (headGroups == null || tailGroups == null) {
            return null;
        }
        int count = headGroups.length + tailGroups.length;
        if (gap < 0 ? count != 8 : count > 7) {
            return null;
        }
        int[] all = new int[8];
        System.arraycopy(headGroups, 0, all, 0, headGroups.length);
        System.arraycopy(tailGroups, 0, all, 8 - tailGroups.length, tailGroups.length);
        byte[] bytes = new byte[16];
        for (int i = 0; i < 8; i++) {
            bytes[2 * i] = (byte) (all[i] >>> 8);
            bytes[2 * i + 1] = (byte) all[i];
        }
        return bytes;
    }

    /**
     * Colon-separated hex groups; if {@code mayEndInQuad}, the last part may be a dotted quad (two groups). Returns
     * null on bad syntax; an empty string is zero groups.
     */
    private static int[] groups(String part, boolean mayEndInQuad) {
        if (part.isEmpty()) {
            return new int[0];
        }
        String[] pieces = part.split(":", -1);
        int quadBytes = 0;
        byte[] quad = null;
        String last = pieces[pieces.length - 1];
        if (last.indexOf('.') >= 0) {
            if (!mayEndInQuad) {
                return null;
            }
            quad = parseIpv4(last);
            if (quad == null) {
                return null;
            }
            quadBytes = 2;
        }
        int hexCount = quad == null ? pieces.length : pieces.length - 1;
        int[] out = new int[hexCount + quadBytes];
        for (int i = 0; i < hexCount; i++) {
            if (!HEX_GROUP.matcher(pieces[i]).matches()) {
                return null;
            }
            out[i] = Integer.parseInt(pieces[i], 16);
        }
        if (quad != null) {
            out[hexCount] = (quad[0] & 0xff) << 8 | quad[1] & 0xff;
            out[hexCount + 1] = (quad[2] & 0xff) << 8 | quad[3] & 0xff;
        }
        return out;
    }

    /** RFC 5952 text: lower case, leading zeros dropped, the longest run (of two or more) of zero groups as ::. */
    static String format(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 4) {
            return address.getHostAddress();
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = (b[2 * i] & 0xff) << 8 | b[2 * i + 1] & 0xff;
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        var sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
