package org.postern.rbl;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One blocklist as configured: where to ask, what to ask about, and what its answers mean.
 *
 * <p>An IP lookup asks {@code <reversed address>.<keyPrefix>.<zone>} (RFC 5782 §2.1, §2.4); a name lookup asks
 * {@code <name>.<keyPrefix>.<zone>} (RFC 5782 §2.2). {@link #toString()} never shows the key prefix, because a
 * Spamhaus DQS key is an account credential; neither do outcomes nor reply texts.
 *
 * @param name          short identifier for counters, logs and symbol names: lower-case letters, digits, {@code -} and
 *                      {@code _}, e.g. {@code zen}; unique within one {@link RblChecker}
 * @param zone          the list's DNS zone, e.g. {@code zen.spamhaus.org} or {@code zen.dq.spamhaus.net}; lower case,
 *                      no trailing dot
 * @param keyPrefix     labels put between the looked-up part and the zone: the Spamhaus DQS key, so
 *                      {@code 2.0.0.127.<key>.zen.dq.spamhaus.net}
 * @param checksIp      whether {@link RblChecker#checkIp} asks this list (a DNSBL)
 * @param nameKinds     the names {@link RblChecker#checkName} asks this list about (an RHSBL); may be empty
 * @param rules         what the answers mean, in order; at least one. An answer several rules map yields all of them.
 * @param replyTemplate reply text for a listing, with Postfix-style variables {@code $client_address},
 *                      {@code $rbl_class}, {@code $rbl_code} (the answer codes), {@code $rbl_domain} (the zone, without
 *                      key) and {@code $rbl_what}; {@code $$} is a dollar sign. Empty means Postfix's default text
 *                      {@code Service unavailable; $rbl_class [$rbl_what] blocked using $rbl_domain}.
 */
public record RblList(String name, String zone, Optional<String> keyPrefix, boolean checksIp, Set<NameKind> nameKinds,
                      List<ReturnCodeRule> rules, Optional<String> replyTemplate) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    private static final Pattern DNS_NAME =
            Pattern.compile("(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*");

    /**
     * @throws IllegalArgumentException with a sentence naming the list: a bad name, zone or key, a list that checks
     *                                  nothing, no rules, a zone too long to hold an IPv6 query, or a template that
     *                                  uses an unknown variable
     */
    public RblList {
        requireNonNull(name, "name");
        requireNonNull(zone, "zone");
        requireNonNull(keyPrefix, "keyPrefix");
        requireNonNull(replyTemplate, "replyTemplate");
        nameKinds = nameKinds.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(nameKinds));
        rules = List.copyOf(rules);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("list name must be lower-case letters, digits, '-' and '_', like zen,"
                    + " not '" + name + "'");
        }
        if (!DNS_NAME.matcher(zone).matches() || zone.length() > QueryNames.MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("list " + name + ": zone must be a lower-case DNS name without a"
                    + " trailing dot, like zen.spamhaus.org, not '" + zone + "'");
        }
        keyPrefix.ifPresent(key -> {
            if (!DNS_NAME.matcher(key).matches()) {
                // Deliberately without the value: it is a credential.
                throw new IllegalArgumentException("list " + name + ": key prefix must be DNS labels of lower-case"
                        + " letters, digits and '-' (a Spamhaus DQS key is 26 such characters)");
            }
        });
        if (!checksIp && nameKinds.isEmpty()) {
            throw new IllegalArgumentException("list " + name + " checks nothing: set checksIp, name kinds, or both");
        }
        if (rules.isEmpty()) {
            throw new IllegalArgumentException("list " + name + " has no return-code rules; map at least one code"
                    + " (for example 127.0.0.2) to a symbol");
        }
        int suffixLength = zone.length() + keyPrefix.map(k -> k.length() + 1).orElse(0);
        if (checksIp && QueryNames.MAX_ADDRESS_PREFIX_LENGTH + 1 + suffixLength > QueryNames.MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("list " + name + ": zone " + zone + " (with its key) is too long for"
                    + " an IPv6 query name, which needs 64 characters more and at most 253 in all");
        }
        replyTemplate.ifPresent(template -> {
            try {
                ReplyTemplate.parse(template);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("list " + name + ": " + e.getMessage(), e);
            }
        });
    }

    /**
     * Spamhaus ZEN on the public mirrors, for the client IP. Symbols: {@code RBL_ZEN_SBL} for 127.0.0.2–3 (SBL, SBL
     * CSS) and 127.0.0.9 (DROP/EDROP), {@code RBL_ZEN_XBL} for 127.0.0.4–7, {@code RBL_ZEN_PBL} for 127.0.0.10–11
     * (Spamhaus "DNSBL return codes"). Spamhaus answers queries that arrive through public resolvers with
     * 127.255.255.254, so production use needs a local recursive resolver or {@link #spamhausZenDqs(String)}.
     */
    public static RblList spamhausZen() {
        return zen("zen.spamhaus.org", Optional.empty());
    }

    /** Spamhaus ZEN over the Data Query Service, {@code <key>.zen.dq.spamhaus.net}; codes as {@link #spamhausZen()}. */
    public static RblList spamhausZenDqs(String key) {
        return zen("zen.dq.spamhaus.net", Optional.of(key));
    }

    /**
     * Spamhaus DBL on the public mirrors, for HELO names, sender domains and verified client names. Symbols (Spamhaus
     * "DBL return codes"): {@code RBL_DBL_SPAM} 127.0.1.2, {@code RBL_DBL_PHISH} 127.0.1.4, {@code RBL_DBL_MALWARE}
     * 127.0.1.5, {@code RBL_DBL_BOTNET} 127.0.1.6, {@code RBL_DBL_ABUSED} 127.0.1.102–106 (abused legitimate
     * domains).
     * DBL answers 127.0.1.255 to an IP address it was asked about as a name; {@link RblChecker} never asks that.
     */
    public static RblList spamhausDbl() {
        return dbl("dbl.spamhaus.org", Optional.empty());
    }

    /** Spamhaus DBL over the Data Query Service, {@code <key>.dbl.dq.spamhaus.net}; codes as {@link #spamhausDbl()}. */
    public static RblList spamhausDblDqs(String key) {
        return dbl("dbl.dq.spamhaus.net", Optional.of(key));
    }

    /** The list without its key prefix, which is a credential. */
    @Override
    public String toString() {
        return "RblList[name=" + name + ", zone=" + zone + ", keyPrefix=" + keyPrefix.map(k -> "<redacted>")
                .orElse("none") + ", checksIp=" + checksIp + ", nameKinds=" + nameKinds + ", rules=" + rules
                + ", replyTemplate=" + replyTemplate + "]";
    }

    private static RblList zen(String zone, Optional<String> key) {
        return new RblList("zen", zone, key, true, Set.of(), List.of(
                ReturnCodeRule.range("RBL_ZEN_SBL", "127.0.0.2", "127.0.0.3"),
                ReturnCodeRule.exact("RBL_ZEN_SBL", "127.0.0.9"),
                ReturnCodeRule.range("RBL_ZEN_XBL", "127.0.0.4", "127.0.0.7"),
                ReturnCodeRule.range("RBL_ZEN_PBL", "127.0.0.10", "127.0.0.11")),
                Optional.empty());
    }

    private static RblList dbl(String zone, Optional<String> key) {
        return new RblList("dbl", zone, key, false, EnumSet.allOf(NameKind.class), List.of(
                ReturnCodeRule.exact("RBL_DBL_SPAM", "127.0.1.2"),
                ReturnCodeRule.exact("RBL_DBL_PHISH", "127.0.1.4"),
                ReturnCodeRule.exact("RBL_DBL_MALWARE", "127.0.1.5"),
                ReturnCodeRule.exact("RBL_DBL_BOTNET", "127.0.1.6"),
                ReturnCodeRule.range("RBL_DBL_ABUSED", "127.0.1.102", "127.0.1.106")),
                Optional.empty());
    }
}
