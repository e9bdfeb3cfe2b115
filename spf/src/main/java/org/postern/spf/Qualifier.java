package org.postern.spf;

/** RFC 7208 §4.6.2: {@code qualifier = "+" / "-" / "?" / "~"}; "+" when omitted. */
enum Qualifier {
    PASS('+', Verdict.Kind.PASS),
    FAIL('-', Verdict.Kind.FAIL),
    SOFTFAIL('~', Verdict.Kind.SOFTFAIL),
    NEUTRAL('?', Verdict.Kind.NEUTRAL);

    private final char symbol;
    private final Verdict.Kind result;

    Qualifier(char symbol, Verdict.Kind result) {
        this.symbol = symbol;
        this.result = result;
    }

    /** The qualifier for a term's first character, or null when the character is not one (then "+" applies). */
    static Qualifier of(char c) {
        for (Qualifier q : values()) {
            if (q.symbol == c) {
                return q;
            }
        }
        return null;
    }

    /** The check_host() result when a directive with this qualifier matches (RFC 7208 §4.6.2). */
    Verdict.Kind result() {
        return result;
    }
}
