package org.postern.daemon.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.postern.bayes.LmdbBayesStore;
import org.postern.config.PosternConfig;
import org.postern.daemon.HostName;
import org.postern.daemon.Version;
import org.postern.daemon.pipeline.BayesModels;
import org.postern.daemon.pipeline.DeliveryCheck;
import org.postern.daemon.pipeline.DeliveryVerdict;
import org.postern.daemon.pipeline.ReceivedHeaders;
import org.postern.daemon.pipeline.Symbol;
import org.postern.daemon.pipeline.SymbolsSeal;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code postern check [--user U] [--json] [FILE...]}: classifies messages for one user as at delivery time, from
 * Sieve or an LMTP hook ({@link DeliveryCheck}; README "Bayes with several recipients"). Several files are checked in
 * one JVM, so a whole test set is quick. A file that cannot be read is reported on stderr and the others are still
 * checked; the exit status is then 1.
 */
@Command(name = "check", description = "Classify messages (stdin when no FILE) for one user as at delivery time,"
        + " carrying over the objective score of Postern's milter pass, and print the headers Postern would add.")
final class CheckCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    CommonOptions common;

    @Option(names = "--user", paramLabel = "U", defaultValue = "",
            description = "The recipient address or user key whose model and policy apply (mapped by bayes.users);"
                    + " default: the global model and the global policy.")
    String user;

    @Option(names = "--json", description = "Print one JSON object per message: file, action, score,"
            + " bayes_probability, symbols.")
    boolean json;

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Messages to check; - or none for stdin.")
    List<Path> files = List.of();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PosternConfig config = common.load();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean allRead = true;
        try (LmdbBayesStore store = BayesModels.openStore(config)) {
            DeliveryCheck check = DeliveryCheck.create(config, BayesModels.of(store), HostName.local(),
                    Version.CURRENT, seal(config.stateDir(), err));
            List<Path> inputs = files.isEmpty() ? List.of(Path.of("-")) : files;
            for (Path file : inputs) {
                byte[] raw;
                try {
                    raw = read(file);
                } catch (IOException e) {
                    err.println("postern check: " + file + ": cannot read: " + MessageSource.reason(e));
                    err.flush();
                    allRead = false;
                    continue;
                }
                DeliveryVerdict verdict = check.check(raw, user);
                if (json) {
                    out.println(json(file.toString(), verdict));
                } else {
                    if (inputs.size() > 1) {
                        out.println("==> " + file + " <==");
                    }
                    for (ReceivedHeaders.Field f : verdict.headers()) {
                        out.println(f.name() + ":" + f.value());
                    }
                }
                out.flush();
            }
        }
        return allRead ? 0 : 1;
    }

    /**
     * The daemon's seal from the state directory; without a usable key, {@link SymbolsSeal#NONE} and a sentence on
     * stderr saying why: then nothing of the milter pass is carried over.
     */
    private static SymbolsSeal seal(Path stateDir, PrintWriter err) {
        try {
            SymbolsSeal seal = SymbolsSeal.open(stateDir);
            if (!seal.present()) {
                err.println("postern check: no " + SymbolsSeal.KEY_FILE + " in " + stateDir + " (the daemon makes it"
                        + " on its first start; copy it here if the daemon runs elsewhere): the milter pass's scores"
                        + " are not carried over");
            }
            return seal;
        } catch (UncheckedIOException e) {
            err.println("postern check: " + e.getMessage() + "; the milter pass's scores are not carried over");
            return SymbolsSeal.NONE;
        } finally {
            err.flush();
        }
    }

    /** The whole message; the tokenizer reads at most bayes.max_scanned_bytes of it. */
    private static byte[] read(Path file) throws IOException {
        if (file.toString().equals("-")) {
            InputStream in = System.in;
            return in.readAllBytes();
        }
        return Files.readAllBytes(file);
    }

    /** {@code {"file": …, "action": …, "score": …, "bayes_probability": …, "symbols": [{"name": …, "score": …}]}}. */
    static String json(String file, DeliveryVerdict verdict) throws IOException {
        ObjectNode line = JSON.createObjectNode();
        line.put("file", file);
        line.put("action", verdict.action().logName());
        line.put("score", hundredths(verdict.score()));
        if (verdict.bayes().probability().isPresent()) {
            line.put("bayes_probability", verdict.bayes().probability().getAsDouble());
        } else {
            line.putNull("bayes_probability");
        }
        ArrayNode symbols = line.putArray("symbols");
        for (Symbol s : verdict.symbols()) {
            symbols.addObject().put("name", s.name()).put("score", hundredths(s.score()));
        }
        return JSON.writeValueAsString(line);
    }

    private static double hundredths(double value) {
        return Math.round(value * 100.0) / 100.0;
    }
}
