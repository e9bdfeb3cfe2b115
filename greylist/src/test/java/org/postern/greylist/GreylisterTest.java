package org.postern.greylist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postern.greylist.GreylistDecision.Defer;
import org.postern.greylist.GreylistDecision.Pass;
import org.postern.greylist.GreylistDecision.PassReason;

/** Greylisting semantics over the in-memory store; {@link LmdbGreylisterTest} repeats what matters over LMDB. */
class GreylisterTest {

    private static final Duration DELAY = Duration.ofMinutes(5);
    private static final InetAddress CLIENT = Addresses.of("192.0.2.10");
    private static final String SENDER = "alice@example.org";
    private static final String RCPT = "bob@example.net";

    private final MutableClock clock = MutableClock.atNoon();
    private final InMemoryGreylistStore store = new InMemoryGreylistStore();
    private Greylister greylister = Greylister.open(store, GreylistPolicy.defaults(), clock);

    @AfterEach
    void close() {
        greylister.close();
    }

    private GreylistDecision check(InetAddress ip, String sender, String rcpt) {
        return greylister.check(new GreylistRequest(ip, Optional.empty(), sender, rcpt));
    }

    private GreylistDecision check(InetAddress ip, String name, String sender, String rcpt) {
        return greylister.check(new GreylistRequest(ip, Optional.of(name), sender, rcpt));
    }

    private GreylistDecision check() {
        return check(CLIENT, SENDER, RCPT);
    }

    private static Pass pass(PassReason reason) {
        return new Pass(reason);
    }

    // --- the triplet timeline

    @Test
    void firstAttemptIsDeferredForTheWholeDelay() {
        GreylistDecision decision = check();
        assertThat(decision).isEqualTo(new Defer(DELAY, true));
        assertThat(decision.defers()).isTrue();
        assertThat(decision.detail()).isEqualTo("first_attempt");
    }

    @Test
    void retryBeforeTheDelayIsDeferredForTheRestWithoutResettingFirstSeen() {
        check();
        clock.advance(Duration.ofMinutes(2));
        assertThat(check()).isEqualTo(new Defer(Duration.ofMinutes(3), false));
        clock.advance(Duration.ofMinutes(2));
        GreylistDecision early = check();
        assertThat(early).isEqualTo(new Defer(Duration.ofMinutes(1), false));
        assertThat(early.detail()).isEqualTo("early_retry");
        clock.advance(Duration.ofMinutes(1));
        assertThat(check()).isEqualTo(pass(PassReason.RETRY_AFTER_DELAY));
    }

    @Test
    void retryExactlyAtTheDelayPasses() {
        check();
        clock.advance(DELAY.minusMillis(1));
        assertThat(check()).isEqualTo(new Defer(Duration.ofMillis(1), false));
        clock.advance(Duration.ofMillis(1));
        GreylistDecision decision = check();
        assertThat(decision).isEqualTo(pass(PassReason.RETRY_AFTER_DELAY));
        assertThat(decision.defers()).isFalse();
        assertThat(decision.detail()).isEqualTo("retry_after_delay");
    }

    @Test
    void retryJustInsideTheWindowPasses() {
        check();
        clock.advance(Duration.ofDays(2).minusMillis(1));
        assertThat(check()).isEqualTo(pass(PassReason.RETRY_AFTER_DELAY));
    }

    @Test
    void retryAfterTheWindowStartsOverWithANewFirstSeen() {
        check();
        clock.advance(Duration.ofDays(2));
        assertThat(check()).isEqualTo(new Defer(DELAY, true));
        clock.advance(Duration.ofMinutes(4));
        assertThat(check()).isEqualTo(new Defer(Duration.ofMinutes(1), false));
        clock.advance(Duration.ofMinutes(1));
        assertThat(check()).isEqualTo(pass(PassReason.RETRY_AFTER_DELAY));
    }

    @Test
    void passedTripletIsRememberedAndRefreshedOnUse() {
        passOnce(CLIENT, SENDER, RCPT);
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofDays(34));   // 102 days in all, every use within the 35-day lifetime
            assertThat(check()).isEqualTo(pass(PassReason.KNOWN_TRIPLET));
        }
    }

    @Test
    void passedTripletExpiresALifetimeAfterItsLastUse() {
        passOnce(CLIENT, SENDER, RCPT);
        clock.advance(Duration.ofDays(10));
        assertThat(check()).isEqualTo(pass(PassReason.KNOWN_TRIPLET));
        clock.advance(Duration.ofDays(35));
        assertThat(check()).isEqualTo(new Defer(DELAY, true));
    }

    @Test
    void zeroDelayStillDefersTheFirstAttempt() {
        replacePolicy(new GreylistPolicy(Duration.ZERO, Duration.ofHours(1), Duration.ofDays(1), 24, 64, 5,
                Duration.ofDays(1)));
        assertThat(check()).isEqualTo(new Defer(Duration.ZERO, true));
        assertThat(check()).isEqualTo(pass(PassReason.RETRY_AFTER_DELAY));
    }

    // --- what is one triplet

    @Test
    void retryFromAnotherAddressOfTheSameIpv4NetworkCounts() {
        check(Addresses.of("192.0.2.10"), SENDER, RCPT);
        clock.advance(DELAY);
        assertThat(check(Addresses.of("192.0.2.200"), SENDER, RCPT)).isEqualTo(pass(PassReason.RETRY_AFTER_DELAY));
        assertThat(check(Addresses.of("192.0.3.10"), SENDER, RCPT)).isEqualTo(new Defer(DELAY, true));
    }

    @Test
    void retryFromAnotherAddressOfTheSameIpv6NetworkCounts() {
        check(Addresses.of("2001:db8:1:2::1"), SENDER, RCPT);
        clock.advance(DELAY);
        assertThat(check(Addresses.of("2001:db8:1:2:ffff:ffff:ffff:5"), SENDER, RCPT))
                .isEqualTo(pass(PassReason.RETRY_AFTER_DELAY));
        assertThat(check(Addresses.of("2001:db8:1:3::1"), SENDER, RCPT)).isEqualTo(new Defer(DELAY, true));
    }

    @Test
    void ipv4MappedClientIsTheSameClientAsItsIpv4() {
        check(Addresses.ipv4Mapped("192.0.2.10"), SENDER, RCPT);
        clock.advance(DELAY);
        assertThat(check(Addresses.of("192.0.2.99"), SENDER, RCPT)).isEqualTo(pass(PassReason.RETRY_AFTER_DELAY));
    }

    @Test
    void prefixLengthsAreConfigurable() {
        replacePolicy(new GreylistPolicy(DELAY, Duration.ofDays(2), Duration.ofDays(35), 32, 128, 5,
                Duration.ofDays(35)));
        check(Addresses.of("192.0.2.10"), SENDER, RCPT);
        clock.advance(DELAY);
        assertThat(check(Addresses.of("192.0.2.11"), SENDER, RCPT)).isEqualTo(new Defer(DELAY, true));
        assertThat(check(Addresses.of("192.0.2.10"), SENDER, RCPT)).isEqualTo(pass(PassReason.RETRY_AFTER_DELAY));
    }

    @Test
    void retryWithAFreshBounceTagCounts() {
        check(CLIENT, "prvs=1123456789=Alice+news@Example.org", RCPT);
        clock.advance(DELAY);
        assertThat(check(CLIENT, "<prvs=2123456789=alice@example.org>", RCPT))
                .isEqualTo(pass(PassReason.RETRY_AFTER_DELAY));
        assertThat(check(CLIENT, "SRS0=abcd=TT=example.org=alice@forwarder.example.com", RCPT))
                .isEqualTo(pass(PassReason.KNOWN_TRIPLET));
    }

    @Test
    void recipientCaseAndBracketsDoNotMatter() {
        check(CLIENT, SENDER, "Bob@Example.NET");
        clock.advance(DELAY);
        assertThat(check(CLIENT, SENDER, "<bob@example.net>")).isEqualTo(pass(PassReason.RETRY_AFTER_DELAY));
    }

    @Test
    void nullSenderIsATripletOfItsOwn() {
        check(CLIENT, "", RCPT);
        clock.advance(DELAY);
        assertThat(check(CLIENT, "someone@example.org", RCPT)).isEqualTo(new Defer(DELAY, true));
        assertThat(check(CLIENT, "<>", RCPT)).isEqualTo(pass(PassReason.RETRY_AFTER_DELAY));
    }

    @Test
    void otherSenderOrRecipientIsAnotherTriplet() {
        passOnce(CLIENT, SENDER, RCPT);
        assertThat(check(CLIENT, "carol@example.org", RCPT)).isEqualTo(new Defer(DELAY, true));
        assertThat(check(CLIENT, SENDER, "dave@example.net")).isEqualTo(new Defer(DELAY, true));
    }

    // --- big senders rotating outbound addresses

    @Test
    void retryFromAnotherNetworkWithTheSameVerifiedReverseDomainCounts() {
        assertThat(check(Addresses.of("209.85.128.10"), "mail-a1.google.com", "bounce-1@news.example.com", RCPT))
                .isEqualTo(new Defer(DELAY, true));
        clock.advance(Duration.ofMinutes(2));
        assertThat(check(Addresses.of("74.125.1.1"), "mail-b2.GOOGLE.com.", "bounce-2@news.example.com", RCPT))
                .isEqualTo(new Defer(Duration.ofMinutes(3), false));
        clock.advance(Duration.ofMinutes(3));
        assertThat(check(Addresses.of("172.217.5.5"), "mail-c3.google.com", "bounce-3@news.example.com", RCPT))
                .isEqualTo(pass(PassReason.RETRY_FROM_REVERSE_DOMAIN));
        clock.advance(Duration.ofDays(3));
        assertThat(check(Addresses.of("142.250.9.9"), "mail-d4.google.com", "bounce-4@news.example.com", RCPT))
                .isEqualTo(pass(PassReason.KNOWN_REVERSE_DOMAIN));
        assertThat(check(Addresses.of("172.217.5.77"), "mail-c9.google.com", "bounce-3@news.example.com", RCPT))
                .isEqualTo(pass(PassReason.KNOWN_TRIPLET));
    }

    @Test
    void reverseDomainTripletKeepsSenderDomainAndRecipient() {
        check(Addresses.of("209.85.128.10"), "mail-a1.google.com", "a@news.example.com", RCPT);
        clock.advance(DELAY);
        assertThat(check(Addresses.of("74.125.1.1"), "mail-b2.google.com", "a@other.example.com", RCPT))
                .isEqualTo(new Defer(DELAY, true));
        assertThat(check(Addresses.of("74.125.1.1"), "mail-b2.google.com", "a@news.example.com", "x@example.net"))
                .isEqualTo(new Defer(DELAY, true));
    }

    @Test
    void rotationNeedsAVerifiedName() {
        check(Addresses.of("209.85.128.10"), "mail-a1.google.com", SENDER, RCPT);
        clock.advance(DELAY);
        assertThat(check(Addresses.of("74.125.1.1"), SENDER, RCPT)).isEqualTo(new Defer(DELAY, true));
        assertThat(check(Addresses.of("74.125.2.1"), "unknown", SENDER, RCPT)).isEqualTo(new Defer(DELAY, true));
    }

    @Test
    void genericProviderNamesDoNotGroupCustomers() {
        check(Addresses.of("198.51.100.7"), "ec2-198-51-100-7.compute-1.amazonaws.com", SENDER, RCPT);
        clock.advance(DELAY);
        assertThat(check(Addresses.of("203.0.113.9"), "ec2-203-0-113-9.compute-1.amazonaws.com", SENDER, RCPT))
                .isEqualTo(new Defer(DELAY, true));
    }

    // --- auto-allowlisting

    @Test
    void clientIsAutoAllowlistedAfterFivePassedTriplets() {
        for (int i = 1; i <= 4; i++) {
            passOnce(Addresses.of("192.0.2." + i), SENDER, "user" + i + "@example.net");
        }
        assertThat(check(CLIENT, SENDER, "user5@example.net")).isEqualTo(new Defer(DELAY, true));
        clock.advance(DELAY);
        assertThat(check(CLIENT, SENDER, "user5@example.net")).isEqualTo(pass(PassReason.RETRY_AFTER_DELAY));
        assertThat(check(Addresses.of("192.0.2.200"), "stranger@example.com", "user6@example.net"))
                .isEqualTo(pass(PassReason.AUTO_ALLOWLISTED_CLIENT));
        assertThat(check(Addresses.of("192.0.3.1"), "stranger@example.com", "user6@example.net"))
                .isEqualTo(new Defer(DELAY, true));
    }

    @Test
    void repeatedUseOfOnePassedTripletCountsOnce() {
        passOnce(CLIENT, SENDER, RCPT);
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofDays(1));
            assertThat(check()).isEqualTo(pass(PassReason.KNOWN_TRIPLET));
        }
        assertThat(check(CLIENT, SENDER, "other@example.net")).isEqualTo(new Defer(DELAY, true));
        assertThat(store.get(new GreylistKey.Client(network(CLIENT)))).get()
                .isInstanceOf(GreylistEntry.Counting.class)
                .extracting(e -> ((GreylistEntry.Counting) e).passedTriplets()).isEqualTo(1);
    }

    @Test
    void autoAllowlistingIsRefreshedOnUseAndExpiresWithoutUse() {
        allowlist(CLIENT);
        clock.advance(Duration.ofDays(30));
        assertThat(check(CLIENT, "new1@example.com", RCPT)).isEqualTo(pass(PassReason.AUTO_ALLOWLISTED_CLIENT));
        clock.advance(Duration.ofDays(30));
        assertThat(check(CLIENT, "new2@example.com", RCPT)).isEqualTo(pass(PassReason.AUTO_ALLOWLISTED_CLIENT));
        clock.advance(Duration.ofDays(35));
        assertThat(check(CLIENT, "new3@example.com", RCPT)).isEqualTo(new Defer(DELAY, true));
        assertThat(store.get(new GreylistKey.Client(network(CLIENT)))).isEmpty();
    }

    @Test
    void verifiedReverseDomainIsAutoAllowlistedAcrossNetworks() {
        for (int i = 1; i <= 5; i++) {
            InetAddress ip = Addresses.of("10." + i + ".0.1");
            String name = "out" + i + ".mailer.example.com";
            check(ip, name, SENDER, "user" + i + "@example.net");
            clock.advance(DELAY);
            assertThat(check(ip, name, SENDER, "user" + i + "@example.net"))
                    .isEqualTo(pass(PassReason.RETRY_AFTER_DELAY));
        }
        assertThat(check(Addresses.of("10.99.0.1"), "out99.mailer.example.com", "x@example.org", RCPT))
                .isEqualTo(pass(PassReason.AUTO_ALLOWLISTED_CLIENT));
        assertThat(check(Addresses.of("10.99.0.1"), "x@example.org", RCPT)).isEqualTo(new Defer(DELAY, true));
    }

    @Test
    void autoAllowlistingCanBeTurnedOff() {
        replacePolicy(new GreylistPolicy(DELAY, Duration.ofDays(2), Duration.ofDays(35), 24, 64, 0,
                Duration.ofDays(35)));
        for (int i = 1; i <= 10; i++) {
            passOnce(CLIENT, SENDER, "user" + i + "@example.net");
        }
        assertThat(check(CLIENT, SENDER, "user11@example.net")).isEqualTo(new Defer(DELAY, true));
        assertThat(store.get(new GreylistKey.Client(network(CLIENT)))).isEmpty();
    }

    // --- writes, expiry, failures

    @Test
    void knownTripletAndAllowlistedClientAreAnsweredWithoutWritesBetweenRefreshes() {
        CountingStore counting = new CountingStore(store);
        greylister = Greylister.open(counting, GreylistPolicy.defaults(), clock);
        passOnce(CLIENT, SENDER, RCPT);
        int writes = counting.updates.get();
        for (int i = 0; i < 50; i++) {
            clock.advance(Duration.ofMinutes(1));       // 50 minutes: under 1/1000 of 35 days (50.4 minutes)
            assertThat(check()).isEqualTo(pass(PassReason.KNOWN_TRIPLET));
        }
        assertThat(counting.updates.get()).isEqualTo(writes);
        clock.advance(Duration.ofMinutes(1));
        assertThat(check()).isEqualTo(pass(PassReason.KNOWN_TRIPLET));
        assertThat(counting.updates.get()).isEqualTo(writes + 1);
        assertThat(store.get(new GreylistKey.Triplet(network(CLIENT), SENDER, RCPT)))
                .contains(new GreylistEntry.Passed(clock.instant().plus(Duration.ofDays(35))));
    }

    @Test
    void purgeDeletesExpiredEntriesInBoundedBatches() {
        for (int i = 0; i < 10; i++) {
            check(Addresses.of("10.0." + i + ".1"), SENDER, RCPT);
        }
        passOnce(CLIENT, SENDER, RCPT);       // triplet plus client count: 2 entries that live 35 days
        assertThat(store.size()).isEqualTo(12);
        assertThat(greylister.purgeExpired(100)).isZero();
        clock.advance(Duration.ofDays(2));
        assertThat(greylister.purgeExpired(4)).isLessThanOrEqualTo(4);
        int deleted = 12 - store.size();
        for (int calls = 0; calls < 5; calls++) {
            deleted += greylister.purgeExpired(4);
        }
        assertThat(deleted).isEqualTo(10);
        assertThat(store.size()).isEqualTo(2);
        assertThat(check()).isEqualTo(pass(PassReason.KNOWN_TRIPLET));
    }

    @Test
    void storeFailureIsReportedAndDoesNotDefer() {
        greylister = Greylister.open(new FailingStore(), GreylistPolicy.defaults(), clock);
        GreylistDecision decision = check();
        assertThat(decision).isEqualTo(new GreylistDecision.StoreFailure("disk full"));
        assertThat(decision.defers()).isFalse();
        assertThat(decision.detail()).isEqualTo("store_failure");
    }

    @Test
    void checkAfterCloseIsABug() {
        greylister.close();
        greylister.close();
        assertThatThrownBy(this::check).isInstanceOf(IllegalStateException.class)
                .hasMessage("greylist store is closed");
    }

    // --- helpers

    private void passOnce(InetAddress ip, String sender, String rcpt) {
        assertThat(check(ip, sender, rcpt)).isEqualTo(new Defer(DELAY, true));
        clock.advance(DELAY);
        assertThat(check(ip, sender, rcpt)).isEqualTo(pass(PassReason.RETRY_AFTER_DELAY));
    }

    private void allowlist(InetAddress ip) {
        for (int i = 1; i <= 5; i++) {
            passOnce(ip, SENDER, "allow" + i + "@example.net");
        }
        assertThat(store.get(new GreylistKey.Client(network(ip)))).get().isInstanceOf(GreylistEntry.Allowlisted.class);
    }

    private void replacePolicy(GreylistPolicy policy) {
        greylister = Greylister.open(store, policy, clock);
    }

    private static ClientGroup network(InetAddress ip) {
        return ClientGroup.network(ip, 24, 64);
    }

    /** Counts the updates that reach the store. */
    private static final class CountingStore implements GreylistStore {
        final AtomicInteger updates = new AtomicInteger();
        private final GreylistStore delegate;

        CountingStore(GreylistStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public Optional<GreylistEntry> get(GreylistKey key) {
            return delegate.get(key);
        }

        @Override
        public void update(Map<GreylistKey, GreylistEntry> puts, Set<GreylistKey> deletes) {
            if (!puts.isEmpty() || !deletes.isEmpty()) {
                updates.incrementAndGet();
            }
            delegate.update(puts, deletes);
        }

        @Override
        public int purgeExpired(Instant now, int maxEntries) {
            return delegate.purgeExpired(now, maxEntries);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /** A store whose disk is full. */
    private static final class FailingStore implements GreylistStore {
        @Override
        public Optional<GreylistEntry> get(GreylistKey key) {
            throw new GreylistStoreException("disk full", null);
        }

        @Override
        public void update(Map<GreylistKey, GreylistEntry> puts, Set<GreylistKey> deletes) {
            throw new GreylistStoreException("disk full", null);
        }

        @Override
        public int purgeExpired(Instant now, int maxEntries) {
            throw new GreylistStoreException("disk full", null);
        }

        @Override
        public void close() {
        }
    }
}
