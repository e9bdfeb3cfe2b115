package org.postern.daemon.pipeline;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.concurrent.Executor;
import org.postern.dns.DnsResolver;
import org.postern.greylist.Greylister;

/**
 * The long-lived things the checks share, owned by the daemon's assembly class and kept across reloads: the DNS
 * resolver, the greylister with its store, the Bayes token store, and the executor for work that must not run on an
 * event loop (store I/O, tokenizing).
 *
 * @param dns        the shared resolver
 * @param greylister the greylister, empty when greylisting is disabled
 * @param work       the executor for blocking work; its threads are not event loops
 * @param bayes      the Bayes token store, empty when Bayes is disabled
 * @param seal       seals the symbols header for {@code postern check} ({@link SymbolsSeal#NONE}: unsealed)
 */
public record PipelineResources(DnsResolver dns, Optional<Greylister> greylister, Executor work,
                                Optional<BayesModels> bayes, SymbolsSeal seal) {

    public PipelineResources {
        requireNonNull(dns, "dns");
        requireNonNull(greylister, "greylister");
        requireNonNull(work, "work");
        requireNonNull(bayes, "bayes");
        requireNonNull(seal, "seal");
    }

    /** Without a Bayes store or a seal (the symbols header is written unsealed). */
    public PipelineResources(DnsResolver dns, Optional<Greylister> greylister, Executor work) {
        this(dns, greylister, work, Optional.empty(), SymbolsSeal.NONE);
    }
}
