package org.postern.greylist;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Groups SMTP clients by the registered domain of their verified reverse name, so that a big sender's retry from
 * another outbound host ({@code mail-yw1-f170.google.com}, then {@code mail-ej1-f41.google.com}) counts as a retry.
 *
 * <p>The registered domain is approximated without the Public Suffix List: the last two labels of the name, or the
 * last three when the top-level label has two letters (a country code) and the second-level label has at most
 * three characters ({@code co.uk}, {@code com.au}, {@code ne.jp}, {@code gov.br}). The heuristic errs towards the
 * narrower group: {@code mx.abc.de} keeps three labels where the PSL would say {@code abc.de}, which costs a
 * rotating sender one more deferral but never merges two registrants. It merges hosts under a shared suffix that
 * the PSL lists privately ({@code *.amazonaws.com}); {@link #isGeneric} keeps most of those out.
 *
 * <p>A name that embeds the client's IPv4 address ({@code ec2-198-51-100-7.compute-1.amazonaws.com},
 * {@code 7.100.51.198.dsl.example.net}) is a provider's generic name for one of many customers' hosts, not a
 * sender's own. Grouping by it would let one customer's retry pass another's first attempt and let a provider's
 * whole address space be auto-allowlisted, so such names are not grouped at all.
 */
final class ReverseNames {

    /** A DNS name is at most 253 characters (RFC 1035 §2.3.4, without the final dot). */
    private static final int MAX_NAME_LENGTH = 253;

    private ReverseNames() {
    }

    /**
     * The reverse-domain group of a client, if its name is verified, usable and not generic.
     *
     * @param verifiedName the name as Postfix gave it; "unknown" (Postfix's {@code {client_name}} when the name does
     *                     not verify), "" and an address literal ({@code [192.0.2.1]}) are no name
     */
    static Optional<ClientGroup> group(Optional<String> verifiedName, InetAddress clientIp) {
        if (verifiedName.isEmpty()) {
            return Optional.empty();
        }
        String name = verifiedName.get().strip().toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        // POSTFIX: smtpd sets {client_name} to "unknown" when the reverse name does not verify.
        if (name.isEmpty() || name.equals("unknown") || name.length() > MAX_NAME_LENGTH || !isHostName(name)
                || isGeneric(name, clientIp)) {
            return Optional.empty();
        }
        return registeredDomain(name).map(domain -> new ClientGroup(ClientGroup.Kind.REVERSE_DOMAIN, domain));
    }

    /** The approximate registered domain of a lower-case host name (see the class comment); empty for one label. */
    static Optional<String> registeredDomain(String name) {
        String[] labels = name.split("\\.", -1);
        if (labels.length < 2) {
            return Optional.empty();
        }
        String top = labels[labels.length - 1];
        String second = labels[labels.length - 2];
        int keep = labels.length >= 3 && top.length() == 2 && second.length() <= 3 ? 3 : 2;
        return Optional.of(String.join(".", List.of(labels).subList(labels.length - keep, labels.length)));
    }

    /**
     * Whether the name contains the four octets of the client's IPv4 address, in order or reversed, as consecutive
     * runs of decimal digits. IPv6 names are not recognised (they are rarely generic in the same way).
     */
    static boolean isGeneric(String name, InetAddress clientIp) {
        Inet4Address ipv4 = ClientGroup.ipv4(clientIp);
        if (ipv4 == null) {
            return false;
        }
        byte[] b = ipv4.getAddress();
        List<Integer> runs = digitRuns(name);
        for (int i = 0; i + 4 <= runs.size(); i++) {
            boolean forward = true;
            boolean reverse = true;
            for (int j = 0; j < 4; j++) {
                forward &= runs.get(i + j) == (b[j] & 0xff);
                reverse &= runs.get(i + j) == (b[3 - j] & 0xff);
            }
            if (forward || reverse) {
                return true;
            }
        }
        return false;
    }

    /** The values of the runs of decimal digits in {@code name}; a run too long for an octet is -1. */
    private static List<Integer> digitRuns(String name) {
        List<Integer> runs = new ArrayList<>();
        int i = 0;
        while (i < name.length()) {
            if (!isDigit(name.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            while (i < name.length() && isDigit(name.charAt(i))) {
                i++;
            }
            runs.add(i - start <= 3 ? Integer.parseInt(name, start, i, 10) : -1);
        }
        return runs;
    }

    /** Letters, digits, hyphens and underscores in non-empty labels of at most 63 characters (RFC 1035 §2.3.4). */
    private static boolean isHostName(String name) {
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!(c >= 'a' && c <= 'z' || isDigit(c) || c == '-' || c == '_')) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
