package org.postern.config;

import static java.util.Objects.requireNonNullElse;

import java.util.regex.Pattern;

/**
 * The symbol that one result kind emits, and its score. A value of {@link PosternConfig#symbols()}.
 *
 * @param name        the symbol name, {@code MODULE_WHAT} in upper case ({@code ^[A-Z][A-Z0-9_]*$}), such as
 *                    {@code SPF_FAIL}; required, never null
 * @param score       what the symbol adds to the message's total score; negative means "looks legitimate"; finite;
 *                    default 0.0
 * @param description one line for the console and {@code postern config check}; no control characters; default
 *                    empty. Null means empty; never null after construction.
 * @throws IllegalArgumentException if the name is missing or malformed or the score is not finite
 */
public record SymbolConfig(String name, double score, String description) {

    static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]*");

    public SymbolConfig {
        if (name == null) {
            throw InvalidValueException.ofKey("name", "is required: an upper-case symbol name such as SPF_FAIL");
        }
        if (!NAME.matcher(name).matches()) {
            throw InvalidValueException.ofKey("name", "must be upper-case letters, digits and _, starting with a"
                    + " letter, such as SPF_FAIL, not " + Checks.quote(name));
        }
        Checks.finite("score", score);
        description = requireNonNullElse(description, "");
        for (int i = 0; i < description.length(); i++) {
            if (Character.isISOControl(description.charAt(i))) {
                throw InvalidValueException.ofKey("description", String.format(
                        "must be one line without control characters; character U+%04X at position %d is one",
                        (int) description.charAt(i), i + 1));
            }
        }
    }
}
