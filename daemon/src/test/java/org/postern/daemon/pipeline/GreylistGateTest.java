package org.postern.daemon.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postern.config.ConfigLoader;
import org.postern.config.GreylistConfig;
import org.postern.greylist.GreylistPolicy;
import org.postern.greylist.Greylister;
import org.postern.greylist.InMemoryGreylistStore;

class GreylistGateTest {

    private final Greylister greylister = Greylister.open(new InMemoryGreylistStore(), GreylistPolicy.defaults(),
            Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC));

    @AfterEach
    void close() {
        greylister.close();
    }

    private GreylistGate gate(String yaml) {
        GreylistConfig config = ConfigLoader.parse(yaml, "t.yml").greylist();
        return new GreylistGate(greylister, config, Runnable::run, "SPF_PASS");
    }

    private static ConnectionFacts client(String ip, String name) throws Exception {
        return new ConnectionFacts(ip, Optional.of(InetAddress.getByName(ip)), name, 40000, "h", "mx", false);
    }

    private static Envelope inbound(String sender) {
        return new Envelope(sender, Optional.empty(), false, List.of());
    }

    @Test
    void onlySuspiciousClientsAreGreylistedByDefault() throws Exception {
        GreylistGate gate = gate("");
        Envelope env = inbound("a@remote.test");
        ConnectionFacts named = client("192.0.2.10", "mail.remote.test");
        assertThat(gate.appliesAtRcpt(named, env, List.of())).as("verified name, score 0").isFalse();
        assertThat(gate.appliesAtRcpt(named, env, List.of(Symbol.scored("RBL_PBL", 1.0, "", true))))
                .as("objective score at min_score").isTrue();
        assertThat(gate.appliesAtRcpt(named, env, List.of(Symbol.scored("X", 5.0, "", false))))
                .as("a non-objective score does not count").isFalse();
        assertThat(gate.appliesAtRcpt(client("192.0.2.10", "[192.0.2.10]"), env, List.of()))
                .as("no verified reverse name").isTrue();
    }

    @Test
    void exemptionsWinOverSuspicion() throws Exception {
        GreylistGate gate = gate("greylist: {min_score: ~, networks: [198.51.100.0/24]}\n");
        ConnectionFacts bot = client("192.0.2.10", "[192.0.2.10]");
        assertThat(gate.appliesAtRcpt(bot, inbound("a@remote.test"), List.of())).isTrue();
        assertThat(gate.appliesAtRcpt(client("127.0.0.1", "localhost"), inbound("a@remote.test"), List.of()))
                .as("loopback").isFalse();
        assertThat(gate.appliesAtRcpt(client("198.51.100.7", "[198.51.100.7]"), inbound("a@x.test"), List.of()))
                .as("configured network").isFalse();
        assertThat(gate.appliesAtRcpt(client("209.85.1.1", "mail-x.google.com"), inbound("a@x.test"), List.of()))
                .as("allowlisted big sender").isFalse();
        assertThat(gate.appliesAtRcpt(bot, new Envelope("a@x.test", Optional.of("alice"), true, List.of()),
                List.of())).as("outgoing").isFalse();
        Symbol spfPass = Symbol.scored("SPF_PASS", -0.2, "", true);
        assertThat(gate.appliesAtRcpt(bot, inbound("someone@gmail.com"), List.of(spfPass)))
                .as("SPF pass for a trusted domain").isFalse();
        assertThat(gate.appliesAtRcpt(bot, inbound("someone@gmail.com"), List.of()))
                .as("a trusted domain without SPF pass").isTrue();
        Symbol accept = new Symbol("LOCAL_SENDER_ALLOW", 0, "", Optional.of(ActionKind.NO_ACTION), Optional.empty(),
                true);
        assertThat(gate.appliesAtRcpt(bot, inbound("a@remote.test"), List.of(accept))).as("list accept").isFalse();
    }

    @Test
    void endOfMessageModeLeavesRcptAlone() throws Exception {
        GreylistGate gate = gate("greylist: {mode: end_of_message, min_score: ~}\n");
        ConnectionFacts bot = client("192.0.2.10", "[192.0.2.10]");
        assertThat(gate.appliesAtRcpt(bot, inbound("a@remote.test"), List.of())).isFalse();
        assertThat(gate.appliesAtEndOfMessage(bot, inbound("a@remote.test"), List.of())).isTrue();
        assertThat(gate.check(bot, inbound("a@remote.test"), "b@example.test", java.time.Duration.ofSeconds(5))
                .toCompletableFuture().join().defers()).isTrue();
    }

    @Test
    void aGreylisterThatDoesNotAnswerInTheBudgetDefersNothing() throws Exception {
        GreylistConfig config = ConfigLoader.parse("greylist: {min_score: ~}\n", "t.yml").greylist();
        java.util.concurrent.Executor never = task -> { };   // a work queue that never gets to the task
        GreylistGate gate = new GreylistGate(greylister, config, never, "SPF_PASS");
        var decision = gate.check(client("192.0.2.10", "[192.0.2.10]"), inbound("a@remote.test"), "b@example.test",
                java.time.Duration.ofMillis(50)).toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(decision.defers()).isFalse();
        assertThat(decision.detail()).isEqualTo("store_failure");
    }

    @Test
    void disabledGreylistingNeverApplies() throws Exception {
        GreylistGate gate = new GreylistGate(null, ConfigLoader.parse("", "t.yml").greylist(), Runnable::run,
                "SPF_PASS");
        assertThat(gate.appliesAtRcpt(client("192.0.2.10", "[192.0.2.10]"), inbound("a@r.test"), List.of()))
                .isFalse();
    }
}
