package org.postern.spf;

/**
 * RFC 7208 §6 and §12: a modifier this implementation does not know. It is ignored, but its value must still be a
 * valid macro-string (suite unknown-modifier-syntax).
 *
 * <pre>
 * unknown-modifier = name "=" macro-string
 * name             = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )
 * </pre>
 */
final class UnknownModifier {

    private UnknownModifier() {
    }

    /** Checks an unknown modifier's value; {@code name} is already known to match the name rule. */
    static Parsed<String> check(String name, String value) {
        return MacroString.parse(value, MacroString.Context.MODIFIER_VALUE).map(m -> name);
    }

    /** Whether {@code c} may follow the first letter of a modifier name. */
    static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '_' || c == '.';
    }
}
