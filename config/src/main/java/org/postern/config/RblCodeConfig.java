package org.postern.config;

import static org.postern.config.Checks.orDefault;

import java.util.regex.Pattern;

/**
 * One return-code mapping of a blocklist: answers matching {@code code} insert {@code symbol} with {@code score}. An
 * element of {@link RblListConfig#codes()}.
 *
 * @param code   a single code {@code 127.0.0.2}, a range {@code 127.0.0.4-127.0.0.7}, or a bit mask {@code &0.0.0.4}
 *               (any answer with all those bits set, for lists that add up reasons); required. Codes must lie in
 *               127.0.0.0/8 and never cover 127.255.255.252-255, which lists use for "query refused".
 * @param symbol the symbol to insert, {@code ^[A-Z][A-Z0-9_]*$}, e.g. {@code RBL_ZEN_SBL}; required
 * @param score  its score; finite, default 0
 * @throws IllegalArgumentException if a rule above is broken; the message names the YAML key
 */
public record RblCodeConfig(String code, String symbol, double score) {

    private static final String QUAD = "\\d{1,3}(\\.\\d{1,3}){3}";
    private static final Pattern CODE = Pattern.compile("&?" + QUAD + "|" + QUAD + "-" + QUAD);

    public RblCodeConfig {
        if (code == null || !CODE.matcher(code).matches()) {
            throw InvalidValueException.ofKey("code", "must be a code such as 127.0.0.2, a range such as"
                    + " 127.0.0.4-127.0.0.7, or a bit mask such as &0.0.0.4, not " + Checks.quote(String.valueOf(code)));
        }
        if (symbol == null || !SymbolConfig.NAME.matcher(symbol).matches()) {
            throw InvalidValueException.ofKey("symbol", "must be upper-case letters, digits and _, starting with a"
                    + " letter, such as RBL_ZEN_SBL, not " + Checks.quote(String.valueOf(symbol)));
        }
        Checks.finite("score", score);
    }
}
