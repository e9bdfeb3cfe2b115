package org.postern.spf;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The result of one check_host() call (RFC 7208 §2.6, §4), before it becomes a public {@link SpfResult}: include
 * needs the kind only, and the exp= explanation is fetched once, at the top, and only for "fail" (§6.2).
 *
 * @param kind        the result
 * @param detail      the matched directive as written, "" for the default neutral (§4.7), or the reason of none,
 *                    permerror and temperror
 * @param explanation the exp= of the record whose directive failed, with the domain its macros expand for
 */
record Verdict(Kind kind, String detail, Optional<Explain> explanation) {

    /** RFC 7208 §2.6: the seven results. */
    enum Kind { PASS, FAIL, SOFTFAIL, NEUTRAL, NONE, PERMERROR, TEMPERROR }

    /** An exp= modifier to expand if this verdict ends the evaluation as "fail" (RFC 7208 §6.2). */
    record Explain(ExplanationModifier modifier, String domain) {
        Explain {
            requireNonNull(modifier, "modifier");
            requireNonNull(domain, "domain");
        }
    }

    Verdict {
        requireNonNull(kind, "kind");
        requireNonNull(detail, "detail");
        requireNonNull(explanation, "explanation");
    }

    static Verdict of(Kind kind, String detail) {
        return new Verdict(kind, detail, Optional.empty());
    }

    static Verdict none(String reason) {
        return of(Kind.NONE, reason);
    }

    static Verdict permError(String reason) {
        return of(Kind.PERMERROR, reason);
    }

    static Verdict tempError(String reason) {
        return of(Kind.TEMPERROR, reason);
    }
}
