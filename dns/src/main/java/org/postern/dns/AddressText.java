package org.postern.dns;

/**
 * IP addresses as text, the one way every module writes them (blocklist query names and replies, SPF macros and
 * headers): dotted quads for IPv4, RFC 5952 canonical text for IPv6.
 */
public final class AddressText {
    private AddressText() {}

    /**
     * The text of a 4- or 16-octet address: {@code 192.0.2.1}, or RFC 5952 §4 IPv6 (lower-case hex without leading
     * zeros, the longest run of two or more zero groups, the first of equal runs, shortened to {@code ::}).
     *
     * @throws IllegalArgumentException for any other length
     */
    public static String of(byte[] address) {
        if (address.length == 4) {
            return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "."
                    + (address[3] & 0xff);
        }
        if (address.length != 16) {
            throw new IllegalArgumentException("an address has 4 or 16 octets, not " + address.length);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
        }
        // RFC 5952 §4.2.2/§4.2.3: shorten the longest run of two or more zero groups, the first one on a tie.
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }
}
