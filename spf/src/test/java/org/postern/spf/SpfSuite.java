package org.postern.spf;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.postern.dns.DnsRecord;
import org.postern.dns.DnsResolver;
import org.postern.dns.DnsResolverSettings;
import org.postern.dns.DnsZone;
import org.postern.dns.LoopbackDnsServer;
import org.yaml.snakeyaml.Yaml;

/**
 * Runs an OpenSPF conformance suite (../shared/testdata/spf/README.md) against {@link SpfEvaluator}: each scenario's
 * {@code zonedata} is served by one {@link LoopbackDnsServer} (the zone is replaced per scenario) and read through a
 * real {@link DnsResolver} without cache, with a short timeout so TIMEOUT cases end quickly.
 *
 * <p>Zone rules, as the suite's reference driver (pyspf {@code test/testspf.py}): every string is UTF-8 encoded
 * (YAML turned {@code \xEF} into U+00EF); {@code TXT: [a, b]} is one record of two strings; an SPF (type 99) record
 * is served as TXT too unless the name lists any TXT entry; {@code TXT: NONE} is no TXT record; a bare
 * {@code TIMEOUT} item makes every query for a type the name lacks go unanswered; an MX host "" is the root.
 */
final class SpfSuite implements AutoCloseable {

    /** Per-try DNS timeout; TIMEOUT cases cost about this much each. */
    static final Duration DNS_TIMEOUT = Duration.ofMillis(300);

    private static final Path SUITES = Path.of("..", "..", "shared", "testdata", "spf");

    /** One test case. {@code results} holds every acceptable result; {@code explanation} "DEFAULT" means no exp. */
    record Case(String scenario, String name, String spec, String helo, String host, String mailfrom,
                List<String> results, Optional<String> explanation) {
        String displayName() {
            return scenario + " / " + name + " (" + spec + ")";
        }
    }

    /** One YAML document: a title, its cases, and the DNS data they all see. */
    record Scenario(String description, List<Case> cases, DnsZone zone) {
    }

    private final String title;
    private final List<Scenario> scenarios;
    private final Map<String, String> knownDeviations;
    private final LoopbackDnsServer server;
    private final DnsResolver resolver;
    private final SpfEvaluator evaluator;
    private final AtomicInteger passed = new AtomicInteger();
    private final AtomicInteger total = new AtomicInteger();
    private final List<String> choices = new ArrayList<>();
    private Scenario served;

    /**
     * @param file            the suite file name under ../shared/testdata/spf
     * @param title           how the summary names it ("RFC 7208 suite")
     * @param knownDeviations case name to the reason it cannot pass; such a case is reported as aborted, not passed
     */
    SpfSuite(String file, String title, Map<String, String> knownDeviations) throws IOException {
        this.title = title;
        this.scenarios = load(SUITES.resolve(file));
        this.knownDeviations = Map.copyOf(knownDeviations);
        this.server = LoopbackDnsServer.start(DnsZone.empty());
        DnsResolverSettings settings = new DnsResolverSettings(List.of(server.address()), DNS_TIMEOUT, 0,
                0 /* no cache: every scenario reuses names like mail.example.com with other data */,
                Duration.ofDays(1), Duration.ofMinutes(5), Ticker.systemTicker());
        this.resolver = DnsResolver.create(settings);
        this.evaluator = SpfEvaluator.create(resolver, SpfLimits.defaults());
    }

    List<Scenario> scenarios() {
        return scenarios;
    }

    int caseCount() {
        return scenarios.stream().mapToInt(s -> s.cases().size()).sum();
    }

    /** One dynamic test per case, named {@code <scenario> / <case> (spec)}, in file order. */
    Stream<DynamicTest> tests() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Scenario scenario : scenarios) {
            for (Case c : scenario.cases()) {
                tests.add(DynamicTest.dynamicTest(c.displayName(), () -> run(scenario, c)));
            }
        }
        return tests.stream();
    }

    private void run(Scenario scenario, Case c) throws Exception {
        total.incrementAndGet();
        if (served != scenario) {
            server.replaceZone(scenario.zone());
            served = scenario;
        }
        SpfQuery query = new SpfQuery(InetAddress.getByName(c.host()), c.helo(), c.mailfrom(), "receiver.example.net");
        SpfResult result = evaluator.evaluate(query).toCompletableFuture().get(30, TimeUnit.SECONDS);
        boolean resultOk = c.results().contains(result.keyword());
        boolean explanationOk = c.explanation().map(expected -> expected.equals("DEFAULT")
                ? result.explanation().isEmpty()
                : result.explanation().equals(Optional.of(expected))).orElse(true);
        String deviation = knownDeviations.get(c.name());
        if (deviation != null && !(resultOk && explanationOk)) {
            Assumptions.abort("known deviation: " + deviation + "; got " + result);
        }
        assertThat(result.keyword()).as("result of %s: %s", c.name(), result).isIn(c.results());
        if (c.explanation().isPresent() && c.explanation().get().equals("DEFAULT")) {
            assertThat(result.explanation()).as("explanation (exp= must be ignored): %s", result).isEmpty();
        } else if (c.explanation().isPresent()) {
            assertThat(result.explanation()).as("explanation: %s", result).contains(c.explanation().get());
        }
        passed.incrementAndGet();
        if (c.results().size() > 1) {
            choices.add(c.name() + " -> " + result.keyword() + " (accepts " + String.join(", ", c.results()) + ")");
        }
    }

    /**
     * "RFC 7208 suite: 203 of 203 cases pass", then one line per passing case that accepts several results, saying
     * which one we gave.
     */
    String summary() {
        StringBuilder out = new StringBuilder(title).append(": ").append(passed.get()).append(" of ")
                .append(caseCount()).append(" cases pass");
        if (total.get() < caseCount()) {
            out.append(" (").append(total.get()).append(" run)");
        }
        choices.forEach(choice -> out.append(System.lineSeparator()).append("  ").append(choice));
        return out.toString();
    }

    @Override
    public void close() {
        resolver.close();
        server.close();
    }

    /** Reads every scenario of a suite file. */
    @SuppressWarnings("unchecked")
    static List<Scenario> load(Path file) throws IOException {
        List<Scenario> scenarios = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (Object document : new Yaml().loadAll(in)) {
                Map<String, Object> doc = (Map<String, Object>) document;
                String description = String.valueOf(doc.get("description"));
                List<Case> cases = new ArrayList<>();
                Map<String, Map<String, Object>> tests = (Map<String, Map<String, Object>>) doc.get("tests");
                for (Map.Entry<String, Map<String, Object>> e : tests.entrySet()) {
                    cases.add(toCase(description, e.getKey(), e.getValue()));
                }
                Map<String, List<Object>> zonedata = doc.get("zonedata") == null
                        ? Map.of() : (Map<String, List<Object>>) doc.get("zonedata");
                scenarios.add(new Scenario(description, cases, zone(zonedata)));
            }
        }
        return scenarios;
    }

    @SuppressWarnings("unchecked")
    private static Case toCase(String scenario, String name, Map<String, Object> t) {
        Object result = t.get("result");
        List<String> results = result instanceof List<?> list
                ? list.stream().map(String::valueOf).toList() : List.of(String.valueOf(result));
        Object spec = t.get("spec");
        String specText = spec instanceof List<?> list ? String.join(", ", (List<String>) list) : String.valueOf(spec);
        return new Case(scenario, name, specText, String.valueOf(t.get("helo")), String.valueOf(t.get("host")),
                String.valueOf(t.get("mailfrom")), results,
                Optional.ofNullable(t.get("explanation")).map(String::valueOf));
    }

    /** Builds the zone of one scenario by the README's rules. */
    @SuppressWarnings("unchecked")
    static DnsZone zone(Map<String, List<Object>> zonedata) {
        DnsZone.Builder zone = DnsZone.builder();
        for (Map.Entry<String, List<Object>> entry : new LinkedHashMap<>(zonedata).entrySet()) {
            String name = entry.getKey();
            List<Object> items = entry.getValue();
            boolean listsTxt = items.stream().anyMatch(i -> i instanceof Map<?, ?> m && m.containsKey("TXT"));
            for (Object item : items) {
                if ("TIMEOUT".equals(item)) {
                    zone.timeout(name);
                    continue;
                }
                Map.Entry<String, Object> record = ((Map<String, Object>) item).entrySet().iterator().next();
                Object value = record.getValue();
                switch (record.getKey()) {
                    case "TXT" -> {
                        if (!"NONE".equals(value)) {
                            zone.txtOctets(name, strings(value));
                        }
                    }
                    case "SPF" -> {
                        zone.spfOctets(name, strings(value));
                        if (!listsTxt) {
                            zone.txtOctets(name, strings(value));     // the SPF-to-TXT copy
                        }
                    }
                    case "MX" -> {
                        List<Object> mx = (List<Object>) value;
                        String host = String.valueOf(mx.get(1));
                        zone.add(name, new DnsRecord.Mx((Integer) mx.get(0), host.isEmpty() ? "." : host));
                    }
                    case "A" -> zone.add(name, new DnsRecord.A(literal(value)));
                    case "AAAA" -> zone.add(name, new DnsRecord.Aaaa(literal(value)));
                    case "PTR" -> zone.add(name, new DnsRecord.Ptr(String.valueOf(value)));
                    case "CNAME" -> zone.add(name, new DnsRecord.Cname(String.valueOf(value)));
                    default -> throw new IllegalArgumentException("zonedata type " + record.getKey() + " at " + name);
                }
            }
        }
        return zone.build();
    }

    /** A TXT/SPF value (a string or a list of strings) as UTF-8 character-strings. */
    private static List<byte[]> strings(Object value) {
        List<byte[]> out = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object s : list) {
                out.add(String.valueOf(s).getBytes(StandardCharsets.UTF_8));
            }
        } else {
            out.add(String.valueOf(value).getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /** An address literal from the suite (never a name, so no DNS is asked). */
    private static InetAddress literal(Object value) {
        try {
            return InetAddress.getByName(String.valueOf(value));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address literal: " + value, e);
        }
    }
}
