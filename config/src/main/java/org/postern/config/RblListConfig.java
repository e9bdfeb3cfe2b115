package org.postern.config;

import static org.postern.config.Checks.orDefault;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One DNS blocklist (RFC 5782). An element of {@link RblConfig#lists()}.
 *
 * @param name   a short name for logs, counters and symbols reasons, {@code ^[a-z][a-z0-9_-]*$}, e.g. {@code zen};
 *               required, unique
 * @param zone   the list's DNS zone, e.g. {@code zen.spamhaus.org}; required
 * @param key    a Spamhaus Data Query Service key, put before the zone ({@code KEY.zen.dq.spamhaus.net}); empty by
 *               default; never logged
 * @param checks what the list looks up: {@code ip}, {@code helo}, {@code sender_domain}, {@code client_name}; default
 *               {@code [ip]}
 * @param codes  the return codes it answers and their symbols; at least one
 * @param reply  the SMTP reply when a listing refuses mail at RCPT: a 5xx code, an optional enhanced status code, and
 *               text in which {@code $client_address}, {@code $rbl_what}, {@code $rbl_domain}, {@code $rbl_code} and
 *               {@code $rbl_class} are replaced as in Postfix's {@code rbl_reply_maps}; default
 *               {@code 554 5.7.1 Service unavailable; $rbl_class [$rbl_what] blocked using $rbl_domain}
 * @throws IllegalArgumentException if a rule above is broken; the message names the YAML key
 */
public record RblListConfig(String name, String zone, Optional<String> key, List<RblCheck> checks,
        List<RblCodeConfig> codes, ReplyText reply) {

    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9]{1,63}");

    public RblListConfig {
        if (name == null || !NAME.matcher(name).matches()) {
            throw InvalidValueException.ofKey("name", "must be a short lower-case name such as zen (letters, digits,"
                    + " - and _), not " + Checks.quote(String.valueOf(name)));
        }
        if (zone == null || !Checks.isHostName(zone) || zone.indexOf('.') < 0) {
            throw InvalidValueException.ofKey("zone", "must be a DNS zone such as zen.spamhaus.org, not "
                    + Checks.quote(String.valueOf(zone)));
        }
        key = orDefault(key, Optional.empty());
        if (key.isPresent() && !KEY.matcher(key.get()).matches()) {
            throw InvalidValueException.ofKey("key", "must be letters and digits, as Spamhaus issues DQS keys");
        }
        checks = Checks.listOf("checks", orDefault(checks, List.of(RblCheck.IP)));
        if (checks.isEmpty()) {
            throw InvalidValueException.ofKey("checks", "must name at least one of ip, helo, sender_domain,"
                    + " client_name");
        }
        codes = Checks.listOf("codes", orDefault(codes, List.of()));
        if (codes.isEmpty()) {
            throw InvalidValueException.ofKey("codes", "must map at least one return code to a symbol, such as"
                    + " {code: 127.0.0.2, symbol: RBL_EXAMPLE, score: 5}");
        }
        reply = ActionsConfig.permanent("reply", orDefault(reply,
                new ReplyText(554, "5.7.1", "Service unavailable; $rbl_class [$rbl_what] blocked using $rbl_domain")));
    }
}
