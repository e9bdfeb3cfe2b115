package org.postern.daemon.pipeline;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Runs check hooks so that they can never fail the mail flow (DESIGN.md "Fail open"; STYLE.md "Errors"): a hook that
 * throws or completes exceptionally is our bug, logged once at ERROR with its stack trace; a hook that misses its time
 * budget is not a bug. Either way the result is the check's {@code <name>.temperror} symbol, never an exception.
 */
final class CheckGuard {

    private static final System.Logger LOG = System.getLogger(CheckGuard.class.getName());

    private final BiFunction<String, String, Symbol> temperrorSymbol;

    /** @param temperrorSymbol builds the temperror symbol from a check's name and a reason */
    CheckGuard(BiFunction<String, String, Symbol> temperrorSymbol) {
        this.temperrorSymbol = temperrorSymbol;
    }

    /**
     * Starts one hook. The returned future never completes exceptionally and completes at most {@code budget} after
     * this call (on the hook's thread or the JDK's delay scheduler thread).
     */
    CompletableFuture<CheckResult> start(Check check, Stage stage, Duration budget,
                                         Supplier<CompletionStage<CheckResult>> hook) {
        CompletableFuture<CheckResult> started;
        try {
            started = java.util.Objects.requireNonNull(hook.get(), "hook returned null").toCompletableFuture();
        } catch (RuntimeException bug) {
            logBug(check, stage, bug);
            return CompletableFuture.completedFuture(temperror(check, "internal_error"));
        }
        return started
                .handle((result, failure) -> {
                    if (failure != null) {
                        logBug(check, stage, failure);
                        return temperror(check, "internal_error");
                    }
                    return result == null ? CheckResult.NOTHING : result;
                })
                .completeOnTimeout(temperror(check, "timeout_at_" + stage.name().toLowerCase(java.util.Locale.ROOT)),
                        budget.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** A bug in a check's synchronous code (a body scan): logged once at ERROR, the check's temperror result. */
    CheckResult bug(Check check, Stage stage, RuntimeException bug) {
        logBug(check, stage, bug);
        return temperror(check, "internal_error");
    }

    /** The temperror result of a check whose answer is not there when a stage must decide. */
    CheckResult temperror(Check check, String reason) {
        return CheckResult.of(List.of(temperrorSymbol.apply(check.name(), reason)));
    }

    private static void logBug(Check check, Stage stage, Throwable bug) {
        Throwable cause = bug instanceof java.util.concurrent.CompletionException && bug.getCause() != null
                ? bug.getCause() : bug;
        LOG.log(Level.ERROR, "check " + check.name() + " failed at " + stage + "; continuing with its temperror symbol",
                cause);
    }
}
