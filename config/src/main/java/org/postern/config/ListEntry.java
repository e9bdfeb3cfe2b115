package org.postern.config;

import static org.postern.config.Checks.orDefault;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * One local allow/block list entry: when {@code match} equals {@code value}, either take {@code action} at once or add
 * {@code score} to the message's total. An element of {@link PosternConfig#lists()}, YAML key {@code lists}.
 *
 * <p>Rules: exactly one of {@code action} and {@code score}; {@code reply} only with action reject (a 5xx) or
 * soft_reject (a 4xx); {@code value} in the form {@link ListMatch} describes for its match. A client value is parsed as
 * a literal, never resolved: {@code Cidr.parse(entry.value())} always succeeds for a {@link ListMatch#CLIENT} entry.
 * A null Optional means empty.
 *
 * @param match  what to compare; required, never null
 * @param value  what to compare with; required, never null. Client: {@code 192.0.2.7}, {@code 192.0.2.0/24},
 *               {@code 2001:db8::/32}. Helo: a name. Sender and recipient: {@code user@example.com} or a domain.
 *               Names and domains match as in Postfix's access maps: {@code example.com} that name and the names
 *               below it, {@code .example.com} only the names below it.
 * @param action what to do with a matching message; accept, reject, soft_reject, quarantine or discard
 * @param score  what to add to the total score of a matching message; finite; negative means "trust more"
 * @param reply  the SMTP reply for reject or soft_reject instead of {@code actions.reject_reply} /
 *               {@code actions.soft_reject_reply}
 * @param symbol the symbol to report, {@code ^[A-Z][A-Z0-9_]*$}; if empty, it is filled in as {@code LOCAL_} + MATCH +
 *               {@code _ALLOW} (action accept or a negative score) or {@code _BLOCK} (anything else), for example
 *               {@code LOCAL_CLIENT_ALLOW}. Always present after construction.
 * @throws IllegalArgumentException if a rule above is broken; the message names the YAML key
 */
public record ListEntry(ListMatch match, String value, Optional<ListAction> action, OptionalDouble score,
        Optional<ReplyText> reply, Optional<String> symbol) {

    private static final Pattern LOCAL_PART = Pattern.compile("[!-?A-~]+");   // printable ASCII except space and @

    public ListEntry {
        if (match == null) {
            throw InvalidValueException.ofKey("match", "is required: one of client, helo, sender, recipient");
        }
        if (value == null) {
            throw InvalidValueException.ofKey("value", "is required: the " + match.yamlName() + " to match");
        }
        checkValue(match, value);
        action = orDefault(action, Optional.empty());
        score = Checks.finite("score", orDefault(score, OptionalDouble.empty()));
        reply = orDefault(reply, Optional.empty());
        symbol = orDefault(symbol, Optional.empty());
        if (action.isPresent() && score.isPresent()) {
            throw new InvalidValueException(List.of(), "must have an action or a score, not both", List.of("score"),
                    true);
        }
        if (action.isEmpty() && score.isEmpty()) {
            throw new InvalidValueException(List.of(), "needs an action (accept, reject, soft_reject, quarantine or"
                    + " discard) or a score", List.of(), false);
        }
        if (reply.isPresent()) {
            ListAction a = action.orElse(null);
            if (a == ListAction.REJECT) {
                ActionsConfig.permanent("reply", reply.get());
            } else if (a == ListAction.SOFT_REJECT) {
                ActionsConfig.temporary("reply", reply.get());
            } else {
                throw InvalidValueException.ofKey("reply", "is only allowed with action reject or soft_reject");
            }
        }
        if (symbol.isPresent() && !SymbolConfig.NAME.matcher(symbol.get()).matches()) {
            throw InvalidValueException.ofKey("symbol", "must be upper-case letters, digits and _, starting with a"
                    + " letter, such as LOCAL_SENDER_BLOCK, not " + Checks.quote(symbol.get()));
        }
        if (symbol.isEmpty()) {
            boolean allow = action.equals(Optional.of(ListAction.ACCEPT)) || score.orElse(0) < 0;
            symbol = Optional.of("LOCAL_" + match.name() + (allow ? "_ALLOW" : "_BLOCK"));
        }
    }

    /** The symbol this entry reports: {@link #symbol()}, which construction always fills in. Never null. */
    public String symbolName() {
        return symbol.orElseThrow();
    }

    private static void checkValue(ListMatch match, String value) {
        switch (match) {
            case CLIENT:
                try {
                    Cidr.parse(value);
                } catch (InvalidValueException e) {
                    throw e.under("value");
                }
                return;
            case HELO:
                if (!Checks.isHostName(value.startsWith(".") ? value.substring(1) : value)) {
                    throw InvalidValueException.ofKey("value", "must be a host name such as mail.example.com, or"
                            + " .example.com for its subdomains, not " + Checks.quote(value));
                }
                return;
            case SENDER:
            case RECIPIENT:
                int at = value.lastIndexOf('@');
                String domain = at < 0 ? (value.startsWith(".") ? value.substring(1) : value) : value.substring(at + 1);
                boolean localOk = at < 0 || LOCAL_PART.matcher(value.substring(0, at)).matches();
                if (!localOk || !Checks.isHostName(domain)) {
                    throw InvalidValueException.ofKey("value", "must be an address such as user@example.com, a domain"
                            + " such as example.com, or .example.com for the domain and its subdomains, not "
                            + Checks.quote(value));
                }
                return;
            default:
                throw new IllegalStateException("unhandled match " + match);
        }
    }
}
