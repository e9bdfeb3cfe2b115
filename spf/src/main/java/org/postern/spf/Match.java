package org.postern.spf;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What evaluating one mechanism gave (RFC 7208 §4.6.2, §5): it matched, it did not, or it raised an exception that
 * ends check_host() at once.
 *
 * @param kind   which of the four
 * @param reason for the two errors, a short phrase for logs ("" otherwise)
 */
record Match(Kind kind, String reason) {

    enum Kind { MATCH, NO_MATCH, TEMPERROR, PERMERROR }

    static final Match YES = new Match(Kind.MATCH, "");
    static final Match NO = new Match(Kind.NO_MATCH, "");

    Match {
        requireNonNull(kind, "kind");
        requireNonNull(reason, "reason");
    }

    static Match tempError(String reason) {
        return new Match(Kind.TEMPERROR, reason);
    }

    static Match permError(String reason) {
        return new Match(Kind.PERMERROR, reason);
    }

    static CompletionStage<Match> now(Match match) {
        return CompletableFuture.completedFuture(match);
    }

    static CompletionStage<Match> now(boolean matched) {
        return CompletableFuture.completedFuture(matched ? YES : NO);
    }
}
