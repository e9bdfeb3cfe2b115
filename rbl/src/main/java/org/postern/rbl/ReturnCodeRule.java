package org.postern.rbl;

import static java.util.Objects.requireNonNull;

import java.net.Inet4Address;
import java.util.regex.Pattern;

/**
 * One return-code mapping of a list: which A-record answers mean {@link #symbol()}.
 *
 * <p>RFC 5782 §2.3: one zone often serves several sublists, told apart either by distinct answer values (Spamhaus
 * zen: 127.0.0.2 SBL, 127.0.0.4 XBL, 127.0.0.10 PBL) or by bits of the last octet (URIBL multi: bit 2 black, bit 4
 * grey, bit 8 red). So a rule matches one code ({@link Match.Exact}), an inclusive range ({@link Match.Range}), or a
 * bit mask ({@link Match.Mask}). The symbol is an identifier only: its score and description live in configuration,
 * where the pipeline maps symbols (DESIGN: names and scores live in configuration).
 *
 * <p>A rule can never match an error answer: rules must stay inside 127.0.0.0/8 and must not cover
 * 127.255.255.252–255, and {@link RblChecker} turns such answers into {@link RblOutcome.Failed} before any rule is
 * consulted (a mask rule {@code &0.0.0.4} would otherwise match 127.255.255.254).
 *
 * @param symbol what a match means, {@code MODULE_WHAT} style: upper-case letters, digits and underscores, e.g.
 *               {@code RBL_ZEN_SBL}
 * @param match  which answers match
 */
public record ReturnCodeRule(String symbol, Match match) {

    private static final Pattern SYMBOL = Pattern.compile("[A-Z][A-Z0-9_]*");

    public ReturnCodeRule {
        requireNonNull(symbol, "symbol");
        requireNonNull(match, "match");
        if (!SYMBOL.matcher(symbol).matches()) {
            throw new IllegalArgumentException("return-code symbol must be upper-case letters, digits and underscores"
                    + " starting with a letter, like RBL_ZEN_SBL, not '" + symbol + "'");
        }
    }

    /** A rule for one answer: {@code exact("RBL_BARRACUDA", "127.0.0.2")}. */
    public static ReturnCodeRule exact(String symbol, String code) {
        return new ReturnCodeRule(symbol, new Match.Exact(Ipv4.parseOrThrow(code, "return code for " + symbol)));
    }

    /** A rule for an inclusive range: {@code range("RBL_ZEN_XBL", "127.0.0.4", "127.0.0.7")}. */
    public static ReturnCodeRule range(String symbol, String first, String last) {
        return new ReturnCodeRule(symbol, new Match.Range(Ipv4.parseOrThrow(first, "range start for " + symbol),
                Ipv4.parseOrThrow(last, "range end for " + symbol)));
    }

    /** A bit-mask rule: {@code mask("URIBL_GREY", "0.0.0.4")} matches every answer with bit 4 of the last octet set. */
    public static ReturnCodeRule mask(String symbol, String bits) {
        return new ReturnCodeRule(symbol, new Match.Mask(Ipv4.parseOrThrow(bits, "bit mask for " + symbol)));
    }

    /**
     * Parses the configuration form of a rule: {@code 127.0.0.2} (one code), {@code 127.0.0.4-127.0.0.7} (inclusive
     * range) or {@code &0.0.0.4} (every bit of the mask set, as Exim writes {@code dnslists = zone&0.0.0.4}).
     * {@link Match#spec()} gives the same text back.
     *
     * @throws IllegalArgumentException with a sentence saying what is wrong
     */
    public static ReturnCodeRule parse(String symbol, String spec) {
        requireNonNull(spec, "spec");
        String text = spec.strip();
        if (text.startsWith("&")) {
            return mask(symbol, text.substring(1).strip());
        }
        int dash = text.indexOf('-');
        if (dash >= 0) {
            return range(symbol, text.substring(0, dash).strip(), text.substring(dash + 1).strip());
        }
        return exact(symbol, text);
    }

    /** Whether this rule maps {@code code}; error codes and answers outside 127.0.0.0/8 never get here. */
    public boolean matches(Inet4Address code) {
        return match.matches(Ipv4.toInt(code));
    }

    /** The answers a rule maps. Each kind checks in its constructor that it stays inside the listing codes. */
    public sealed interface Match {

        /** The configuration text, as {@link ReturnCodeRule#parse} reads it. */
        String spec();

        /** Whether the 32-bit answer value matches. */
        boolean matches(int code);

        /** Exactly one answer, e.g. 127.0.0.2. */
        record Exact(Inet4Address code) implements Match {
            public Exact {
                requireNonNull(code, "code");
                requireListingCode(Ipv4.toInt(code), "return code");
            }

            @Override
            public String spec() {
                return code.getHostAddress();
            }

            @Override
            public boolean matches(int value) {
                return value == Ipv4.toInt(code);
            }
        }

        /** Every answer from {@code first} to {@code last}, both included, e.g. 127.0.0.4–127.0.0.7. */
        record Range(Inet4Address first, Inet4Address last) implements Match {
            public Range {
                requireNonNull(first, "first");
                requireNonNull(last, "last");
                int low = Ipv4.toInt(first);
                int high = Ipv4.toInt(last);
                requireListingCode(low, "range start");
                requireListingCode(high, "range end");
                // Both ends are in 127/8, so signed comparison orders them correctly. A range that covers
                // 127.255.255.252-255 must end on one of them, which requireListingCode has refused.
                if (low > high) {
                    throw new IllegalArgumentException("return-code range " + first.getHostAddress() + "-"
                            + last.getHostAddress() + " is empty: its start is after its end");
                }
            }

            @Override
            public String spec() {
                return first.getHostAddress() + "-" + last.getHostAddress();
            }

            @Override
            public boolean matches(int value) {
                return value >= Ipv4.toInt(first) && value <= Ipv4.toInt(last);
            }
        }

        /**
         * Every answer in which all bits of the mask's last three octets are set (rspamd {@code returnbits}:
         * {@code band(ip, bit) == bit}). The first octet of the mask is 0 or 127 and is ignored: every listing
         * answer starts with 127.
         */
        record Mask(Inet4Address bits) implements Match {
            public Mask {
                requireNonNull(bits, "bits");
                int value = Ipv4.toInt(bits);
                int first = value >>> 24;
                if ((first != 0 && first != 127) || (value & 0x00FFFFFF) == 0) {
                    throw new IllegalArgumentException("bit mask must start with 0 or 127 and set at least one bit"
                            + " in the last three octets, like 0.0.0.4, not " + bits.getHostAddress());
                }
            }

            @Override
            public String spec() {
                return "&" + bits.getHostAddress();
            }

            @Override
            public boolean matches(int value) {
                int mask = Ipv4.toInt(bits) & 0x00FFFFFF;
                return (value & mask) == mask;
            }
        }
    }

    private static void requireListingCode(int value, String what) {
        String text = Ipv4.of(value).getHostAddress();
        if (!Ipv4.isLoopback(value)) {
            // RFC 5782 §2.1: answers are in 127.0.0.0/8; anything else means a broken or wildcarded zone.
            throw new IllegalArgumentException(what + " " + text + " is outside 127.0.0.0/8, where lists answer");
        }
        if (Ipv4.isErrorCode(value)) {
            throw new IllegalArgumentException(what + " " + text + " is a query error"
                    + " (Spamhaus: refused, open resolver, rate limit), never a listing");
        }
    }
}
