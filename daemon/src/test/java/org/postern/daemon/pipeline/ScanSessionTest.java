package org.postern.daemon.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postern.config.ConfigLoader;
import org.postern.config.SymbolConfig;
import org.postern.dns.DnsResolver;
import org.postern.dns.DnsResolverSettings;
import org.postern.dns.DnsZone;
import org.postern.dns.LoopbackDnsServer;
import org.postern.milter.ActionFlag;
import org.postern.milter.EndOfMessageReply;
import org.postern.milter.MacroStage;
import org.postern.milter.Macros;
import org.postern.milter.MilterCommand;
import org.postern.milter.MilterFilter;
import org.postern.milter.MilterReply;
import org.postern.milter.Negotiated;
import org.postern.milter.ProtocolFlag;
import org.postern.milter.SessionInfo;
import org.postern.milter.SmtpReply;

class ScanSessionTest {

    /** Lists-only scans: SPF off, so each test sees the symbols it sets up and nothing else. */
    private static final String BASE = "authserv_id: mx.example.test\nspf: {enabled: false}\n";

    /** DNS in tests comes from our loopback server, never the system resolver; these scans query nothing. */
    private static LoopbackDnsServer dnsServer;
    private static DnsResolver dns;

    @BeforeAll
    static void startDns() {
        dnsServer = LoopbackDnsServer.start(DnsZone.empty());
        dns = DnsResolver.create(DnsResolverSettings.defaults(List.of(dnsServer.address())));
    }

    @AfterAll
    static void stopDns() {
        dns.close();
        dnsServer.close();
    }

    @Test
    void cleanMailGetsSpamHeadersAndAuthenticationResults() {
        var s = new Scan(BASE);
        s.connect().helo("mail.remote.test").mail("<alice@remote.test>");
        assertThat(s.rcpt("<bob@example.test>")).isEqualTo(MilterReply.CONTINUE);
        s.header("Subject", " hello");
        EndOfMessageReply eom = s.eom();
        assertThat(eom.response()).isEqualTo(MilterReply.ACCEPT);
        assertThat(eom.modifications()).contains(
                new MilterReply.InsertHeader(1, "Authentication-Results", " mx.example.test; none"),
                new MilterReply.AddHeader("X-Spam-Flag", " NO"),
                new MilterReply.AddHeader("X-Spam-Score", " 0.0"));
        assertThat(unfolded(s.header(eom, "X-Spam-Status")))
                .startsWith(" No, score=0.0 required=6.0 tests=none autolearn=disabled version=");
        assertThat(s.header(eom, "X-Postern-Symbols")).isEqualTo(" score=0.00 action=no_action");
    }

    @Test
    void blocklistedSenderIsRejectedAtRcptWithTheConfiguredText() {
        var s = new Scan(BASE + """
                lists:
                  - {match: sender, value: spammer@bad.test, action: reject, reply: "550 5.7.1 Sender blocked here"}
                """);
        s.connect().helo("mail.remote.test").mail("<Spammer@BAD.test>");
        assertThat(s.rcpt("<bob@example.test>"))
                .isEqualTo(new MilterReply.ReplyCode(SmtpReply.of(550, "5.7.1", "Sender blocked here")));
    }

    @Test
    void aMultiLineReplyGoesOutAsContinuationLines() {
        var s = new Scan(BASE + """
                lists:
                  - {match: sender, value: bad.test, action: reject, reply: "550 5.7.1 Blocked here\\nSee the postmaster"}
                """);
        s.connect().helo("mail.remote.test").mail("<x@bad.test>");
        MilterReply.Response r = s.rcpt("<bob@example.test>");
        assertThat(((MilterReply.ReplyCode) r).reply().wireText())
                .isEqualTo("550-5.7.1 Blocked here\r\n550 5.7.1 See the postmaster");
    }

    @Test
    void forcedSoftRejectAnswersFourHundredAtRcpt() {
        var s = new Scan(BASE + "lists: [{match: helo, value: .dyn.example, action: soft_reject}]\n");
        s.connect().helo("host1.dyn.example").mail("<a@remote.test>");
        MilterReply.Response r = s.rcpt("<bob@example.test>");
        assertThat(r).isInstanceOf(MilterReply.ReplyCode.class);
        assertThat(((MilterReply.ReplyCode) r).reply().code()).isEqualTo(451);
    }

    @Test
    void blocklistedRecipientIsRefusedAloneAndTheOthersGoOn() {
        var s = new Scan(BASE + "lists: [{match: recipient, value: closed@example.test, action: reject}]\n");
        s.connect().helo("mail.remote.test").mail("<a@remote.test>");
        assertThat(s.rcpt("<closed@example.test>")).isInstanceOf(MilterReply.ReplyCode.class);
        assertThat(s.rcpt("<open@example.test>")).isEqualTo(MilterReply.CONTINUE);
        assertThat(s.eom().response()).isEqualTo(MilterReply.ACCEPT);
    }

    @Test
    void objectiveScoreAtTheRejectThresholdRejectsAtRcptWithTheDefaultReply() {
        var s = new Scan(BASE + """
                lists:
                  - {match: client, value: 192.0.2.0/24, score: 10}
                  - {match: sender, value: remote.test, score: 6}
                """);
        s.connect().helo("mail.remote.test").mail("<a@remote.test>");
        assertThat(s.rcpt("<bob@example.test>")).isEqualTo(
                new MilterReply.ReplyCode(SmtpReply.of(550, "5.7.1", "Message rejected as spam")));
    }

    @Test
    void scoreOverAddHeaderMarksSpam() {
        var s = new Scan(BASE + "lists: [{match: sender, value: remote.test, score: 7}]\n");
        s.connect().helo("h").mail("<a@remote.test>").rcpt("<b@example.test>");
        EndOfMessageReply eom = s.eom();
        assertThat(eom.response()).isEqualTo(MilterReply.ACCEPT);
        assertThat(s.header(eom, "X-Spam-Flag")).isEqualTo(" YES");
        assertThat(s.header(eom, "X-Spam-Level")).isEqualTo(" *******");
        assertThat(unfolded(s.header(eom, "X-Spam-Status")))
                .startsWith(" Yes, score=7.0 required=6.0 tests=LOCAL_SENDER_BLOCK autolearn=disabled");
        assertThat(s.header(eom, "X-Postern-Symbols"))
                .contains("action=add_header;").contains("LOCAL_SENDER_BLOCK(7.00){remote.test}");
    }

    @Test
    void scoreOverRewriteSubjectPrefixesTheSubjectKeepingItsSpacing() {
        var s = new Scan(BASE + "lists: [{match: sender, value: remote.test, score: 9}]\n");
        s.connect().helo("h").mail("<a@remote.test>").rcpt("<b@example.test>");
        s.header("Subject", " cheap\n\tpills");
        EndOfMessageReply eom = s.eom();
        assertThat(eom.modifications()).contains(new MilterReply.ChangeHeader(1, "Subject", " ***SPAM*** cheap\n\tpills"));
    }

    @Test
    void missingSubjectIsAddedWithThePrefixWhenRewriting() {
        var s = new Scan(BASE + "lists: [{match: sender, value: remote.test, score: 9}]\n");
        s.connect().helo("h").mail("<a@remote.test>").rcpt("<b@example.test>");
        assertThat(s.eom().modifications()).contains(new MilterReply.AddHeader("Subject", " ***SPAM***"));
    }

    @Test
    void quarantineEntryHoldsTheMessage() {
        var s = new Scan(BASE + "lists: [{match: sender, value: remote.test, action: quarantine}]\n");
        s.connect().helo("h").mail("<a@remote.test>");
        assertThat(s.rcpt("<b@example.test>")).isEqualTo(MilterReply.CONTINUE);
        EndOfMessageReply eom = s.eom();
        assertThat(eom.response()).isEqualTo(MilterReply.ACCEPT);
        assertThat(eom.modifications()).contains(new MilterReply.Quarantine("Postern: quarantined as spam"));
    }

    @Test
    void discardEntryDropsTheMessage() {
        var s = new Scan(BASE + "lists: [{match: client, value: 192.0.2.10, action: discard}]\n");
        s.connect().helo("h").mail("<a@remote.test>").rcpt("<b@example.test>");
        assertThat(s.eom()).isEqualTo(new EndOfMessageReply(List.of(), MilterReply.DISCARD));
    }

    @Test
    void acceptEntrySuppressesTheThresholdsButABlockEntryStillWins() {
        var allowed = new Scan(BASE + """
                lists:
                  - {match: sender, value: friend@remote.test, action: accept}
                  - {match: client, value: 192.0.2.0/24, score: 20}
                """);
        allowed.connect().helo("h").mail("<friend@remote.test>");
        assertThat(allowed.rcpt("<b@example.test>")).isEqualTo(MilterReply.CONTINUE);
        assertThat(allowed.eom().response()).isEqualTo(MilterReply.ACCEPT);

        var blocked = new Scan(BASE + """
                lists:
                  - {match: sender, value: remote.test, action: accept}
                  - {match: sender, value: bad@remote.test, action: reject}
                """);
        blocked.connect().helo("h").mail("<bad@remote.test>");
        assertThat(blocked.rcpt("<b@example.test>")).isInstanceOf(MilterReply.ReplyCode.class);
    }

    @Test
    void forgedAuthenticationResultsWithOurAuthservIdAreRemovedOthersStay() {
        var s = new Scan(BASE);
        s.connect().helo("h").mail("<a@remote.test>").rcpt("<b@example.test>");
        s.header("Authentication-Results", " mx.example.test; spf=pass smtp.mailfrom=remote.test");
        s.header("Authentication-Results", " other.example; spf=fail");
        s.header("Authentication-Results", " (forged) MX.Example.TEST;\n\tdkim=pass");
        s.header("X-Spam-Flag", " NO");
        EndOfMessageReply eom = s.eom();
        assertThat(eom.modifications()).containsSubsequence(
                new MilterReply.ChangeHeader(3, "Authentication-Results", ""),
                new MilterReply.ChangeHeader(1, "Authentication-Results", ""),
                new MilterReply.ChangeHeader(1, "X-Spam-Flag", ""),
                new MilterReply.InsertHeader(1, "Authentication-Results", " mx.example.test; none"));
        assertThat(eom.modifications()).doesNotContain(new MilterReply.ChangeHeader(2, "Authentication-Results", ""));
    }

    @Test
    void outgoingMailIsNotTaggedButForgedHeadersStillGo() {
        var s = new Scan(BASE);
        s.connect("ORIGINATING").helo("laptop").mail("<alice@example.test>").rcpt("<friend@remote.test>");
        s.header("Authentication-Results", " mx.example.test; dkim=pass");
        EndOfMessageReply eom = s.eom();
        assertThat(eom.response()).isEqualTo(MilterReply.ACCEPT);
        assertThat(eom.modifications()).containsExactly(new MilterReply.ChangeHeader(1, "Authentication-Results", ""));
    }

    @Test
    void localSubmissionIsNeverRefusedAtRcpt() {
        var s = new Scan(BASE + "lists: [{match: sender, value: alice@example.test, action: reject}]\n");
        s.connectLocal().helo("localhost").mail("alice@example.test");
        assertThat(s.rcpt("carol@example.test")).isEqualTo(MilterReply.CONTINUE);
        assertThat(s.eom().response()).isInstanceOf(MilterReply.ReplyCode.class);
    }

    @Test
    void aCheckThatThrowsBecomesItsTemperrorSymbolAndMailFlows() {
        Check broken = new TestCheck() {
            @Override
            public CompletionStage<CheckResult> rcpt(ConnectionFacts c, Envelope e, String r) {
                throw new IllegalStateException("bug");
            }
        };
        var s = new Scan(BASE, broken);
        s.connect().helo("h").mail("<a@remote.test>");
        assertThat(s.rcpt("<b@example.test>")).isEqualTo(MilterReply.CONTINUE);
        assertThat(s.header(s.eom(), "X-Postern-Symbols")).contains("TEST_TEMPERROR(0.00){internal_error}").doesNotContain("bug");
    }

    @Test
    void aCheckThatNeverAnswersIsCutOffByTheStageBudget() {
        Check hanging = new TestCheck() {
            @Override
            public CompletionStage<CheckResult> mail(ConnectionFacts c, Envelope e) {
                return new CompletableFuture<>();
            }
        };
        var s = new Scan(BASE + "scan: {mail_budget: 50ms, rcpt_budget: 100ms}\n", hanging);
        s.connect().helo("h").mail("<a@remote.test>");
        assertThat(s.rcpt("<b@example.test>")).isEqualTo(MilterReply.CONTINUE);
        assertThat(s.header(s.eom(), "X-Postern-Symbols")).contains("TEST_TEMPERROR(0.00){timeout_at_mail}");
    }

    @Test
    void abortForgetsTheTransactionButKeepsTheConnection() {
        var s = new Scan(BASE + "lists: [{match: client, value: 192.0.2.10, score: 7}]\n");
        s.connect().helo("h").mail("<a@remote.test>").rcpt("<b@example.test>");
        s.filter.abort(Macros.empty());
        s.mail("<c@remote.test>").rcpt("<d@example.test>");
        assertThat(s.header(s.eom(), "X-Spam-Flag")).isEqualTo(" YES");  // client evidence survives ABORT
    }

    @Test
    void withoutLeadingSpaceNegotiatedValuesLoseTheirSpace() {
        var s = new Scan(BASE);
        s.filter.negotiated(new Negotiated(6, EnumSet.allOf(ActionFlag.class), Set.of()));
        s.connect().helo("h").mail("<a@remote.test>").rcpt("<b@example.test>");
        assertThat(s.eom().modifications()).contains(new MilterReply.AddHeader("X-Spam-Flag", "NO"));
    }

    @Test
    void longHeadersAreFoldedBeforeSeventySixColumns() {
        var s = new Scan(BASE + "lists: [{match: sender, value: remote.test, score: 7}]\n");
        s.connect().helo("h").mail("<a@remote.test>").rcpt("<b@example.test>");
        String status = s.header(s.eom(), "X-Spam-Status");
        assertThat(status).contains("\n\t");
        for (String line : ("X-Spam-Status:" + status).split("\n")) {
            assertThat(line.length()).as(line).isLessThanOrEqualTo(76);
        }
    }

    @Test
    void anAllowedRecipientDoesNotExemptTheOthers() {
        var s = new Scan(BASE + """
                lists:
                  - {match: client, value: 192.0.2.0/24, score: 20}
                  - {match: recipient, value: abuse@example.test, action: accept}
                """);
        s.connect().helo("h").mail("<a@remote.test>");
        assertThat(s.rcpt("<abuse@example.test>")).isEqualTo(MilterReply.CONTINUE);
        assertThat(s.rcpt("<victim@example.test>")).isInstanceOf(MilterReply.ReplyCode.class);
    }

    @Test
    void aRecipientsAcceptAppliesToTheMessageOnlyWhenEveryRecipientHasOne() {
        String lists = BASE + """
                lists:
                  - {match: client, value: 192.0.2.0/24, score: 9}
                  - {match: recipient, value: abuse@example.test, action: accept}
                """;
        var mixed = new Scan(lists);
        mixed.connect().helo("h").mail("<a@remote.test>").rcpt("<abuse@example.test>");
        mixed.rcpt("<other@example.test>");
        assertThat(mixed.header(mixed.eom(), "X-Postern-Symbols")).contains("action=rewrite_subject;")
                .doesNotContain("forced=");

        var onlyAllowed = new Scan(lists);
        onlyAllowed.connect().helo("h").mail("<a@remote.test>").rcpt("<abuse@example.test>");
        // The forced action is written for postern check, which keeps it at delivery (DeliveryCheck).
        assertThat(onlyAllowed.header(onlyAllowed.eom(), "X-Postern-Symbols"))
                .contains("action=no_action forced=no_action;");
    }

    @Test
    void rcptRefusesOnlyWhenTheHighestReachedThresholdIsARefusal() {
        var s = new Scan(BASE + """
                actions: {reject: 15, discard: 20}
                lists: [{match: client, value: 192.0.2.10, score: 25}]
                """);
        s.connect().helo("h").mail("<a@remote.test>");
        assertThat(s.rcpt("<b@example.test>")).isEqualTo(MilterReply.CONTINUE);
        assertThat(s.eom().response()).isEqualTo(MilterReply.DISCARD);
    }

    @Test
    void forgedResultsAfterTheHeaderMemoryCapAreStillRemoved() {
        var s = new Scan(BASE);
        s.connect().helo("h").mail("<a@remote.test>").rcpt("<b@example.test>");
        s.header("X-Filler", " " + "x".repeat((int) ScanSession.MAX_HEADER_BYTES));
        s.header("Authentication-Results", " mx.example.test; spf=pass " + "y".repeat(60_000));
        s.header("Authentication-Results", " mx.example.test; dkim=pass");
        assertThat(s.eom().modifications()).containsSubsequence(
                new MilterReply.ChangeHeader(2, "Authentication-Results", ""),
                new MilterReply.ChangeHeader(1, "Authentication-Results", ""));
    }

    @Test
    void aHookThatReturnsNullBecomesItsTemperrorAndTheOtherChecksStillCount() {
        Check nullish = new TestCheck() {
            @Override
            public CompletionStage<CheckResult> endOfMessage(ConnectionFacts c, Envelope e, ReceivedHeaders h) {
                return null;
            }
        };
        var s = new Scan(BASE + "lists: [{match: sender, value: remote.test, score: 7}]\n", nullish);
        s.connect().helo("h").mail("<a@remote.test>").rcpt("<b@example.test>");
        s.header("Authentication-Results", " mx.example.test; spf=pass");
        EndOfMessageReply eom = s.eom();
        assertThat(eom.modifications()).contains(new MilterReply.ChangeHeader(1, "Authentication-Results", ""));
        assertThat(s.header(eom, "X-Postern-Symbols")).contains("TEST_TEMPERROR").contains("LOCAL_SENDER_BLOCK");
    }

    @Test
    void endOfHeadersHooksSeeTheHeadersAndCountAtEndOfMessage() {
        Check headerCheck = new TestCheck() {
            @Override
            public CompletionStage<CheckResult> endOfHeaders(ConnectionFacts c, Envelope e, ReceivedHeaders h) {
                String subject = h.first("Subject").map(ReceivedHeaders.Field::unfoldedValue).orElse("");
                return CompletableFuture.completedFuture(CheckResult.of(List.of(
                        Symbol.scored("TEST_SUBJECT", 6.5, subject, false))));
            }
        };
        var s = new Scan(BASE, headerCheck);
        s.connect().helo("h").mail("<a@remote.test>").rcpt("<b@example.test>");
        s.header("Subject", " win\n\tbig");
        s.filter.endOfHeaders(s.macros);
        assertThat(s.header(s.eom(), "X-Postern-Symbols")).contains("TEST_SUBJECT(6.50){win?big}");
    }

    private static final String POLICIES = BASE + """
            lists: [{match: sender, value: remote.test, score: 4}]
            policy:
              recipients:
                - {match: strict.test, spam_threshold: 3}
                - {match: boss@strict.test, spam_threshold: 3, spam_action: quarantine, reject_threshold: 3.5}
                - {match: sub.strict.test, spam_threshold: 10}
            """;

    @Test
    void aRecipientWithAnotherPolicyIsDeferredToItsOwnTransaction() {
        var s = new Scan(POLICIES);
        s.connect().helo("h").mail("<a@remote.test>");
        assertThat(s.rcpt("<alice@strict.test>")).isEqualTo(MilterReply.CONTINUE);
        assertThat(s.rcpt("<carol@strict.test>")).as("same policy").isEqualTo(MilterReply.CONTINUE);
        assertThat(s.rcpt("<bob@example.test>")).isEqualTo(new MilterReply.ReplyCode(
                SmtpReply.of(452, "4.5.3", "Please send to this recipient in a separate transaction")));
        assertThat(unfolded(s.header(s.eom(), "X-Spam-Status"))).startsWith(" Yes, score=4.0 required=3.0");

        s.mail("<a@remote.test>");
        assertThat(s.rcpt("<bob@example.test>")).isEqualTo(MilterReply.CONTINUE);
        assertThat(unfolded(s.header(s.eom(), "X-Spam-Status"))).startsWith(" No, score=4.0 required=6.0");
    }

    @Test
    void strictestCombinesTheRecipientsPolicies() {
        var s = new Scan(POLICIES.replace("policy:\n", "policy:\n  conflicts: strictest\n"));
        s.connect().helo("h").mail("<a@remote.test>");
        assertThat(s.rcpt("<bob@example.test>")).isEqualTo(MilterReply.CONTINUE);
        assertThat(s.rcpt("<boss@strict.test>")).isEqualTo(MilterReply.CONTINUE);
        EndOfMessageReply eom = s.eom();
        // The lowest reject threshold (3.5, boss's) is reached, and boss wants quarantine rather than reject.
        assertThat(eom.response()).isEqualTo(MilterReply.ACCEPT);
        assertThat(eom.modifications()).contains(new MilterReply.Quarantine("Postern: quarantined as spam"));
    }

    @Test
    void quarantinePolicyHoldsWhatWouldBeRejectedAndTheAddressEntryWinsOverItsDomain() {
        var s = new Scan(POLICIES);
        s.connect().helo("h").mail("<a@remote.test>");
        assertThat(s.rcpt("<boss@strict.test>")).as("not refused at RCPT").isEqualTo(MilterReply.CONTINUE);
        assertThat(s.eom().modifications()).contains(new MilterReply.Quarantine("Postern: quarantined as spam"));
    }

    @Test
    void theMostSpecificDomainEntryApplies() {
        var s = new Scan(POLICIES);
        s.connect().helo("h").mail("<a@remote.test>");
        assertThat(s.rcpt("<x@mail.sub.strict.test>")).isEqualTo(MilterReply.CONTINUE);
        assertThat(unfolded(s.header(s.eom(), "X-Spam-Status"))).startsWith(" No, score=4.0 required=8.0");  // rewrite_subject 8 now comes first
    }

    private static java.util.Optional<org.postern.greylist.Greylister> greylister() {
        return java.util.Optional.of(org.postern.greylist.Greylister.open(
                new org.postern.greylist.InMemoryGreylistStore(), org.postern.greylist.GreylistPolicy.defaults(),
                java.time.Clock.systemUTC()));
    }

    @Test
    void endOfMessageModeDefersANewTripletAfterData() {
        var s = new Scan(BASE + """
                greylist: {mode: end_of_message, min_score: ~}
                actions: {greylist: 3}
                lists: [{match: sender, value: remote.test, score: 4}]
                """, greylister());
        s.connect().helo("h").mail("<a@remote.test>");
        assertThat(s.rcpt("<b@example.test>")).isEqualTo(MilterReply.CONTINUE);
        assertThat(s.eom()).isEqualTo(new EndOfMessageReply(List.of(), new MilterReply.ReplyCode(
                SmtpReply.of(451, "4.7.1", "Greylisted, please try again later"))));
    }

    @Test
    void aPolicyWithoutGreylistingIsNotGreylistedAfterData() {
        var s = new Scan(BASE + """
                greylist: {mode: end_of_message, min_score: ~}
                actions: {greylist: 3}
                lists: [{match: sender, value: remote.test, score: 4}]
                policy:
                  recipients: [{match: example.test, greylist: false}]
                """, greylister());
        s.connect().helo("h").mail("<a@remote.test>").rcpt("<b@example.test>");
        EndOfMessageReply eom = s.eom();
        assertThat(eom.response()).isEqualTo(MilterReply.ACCEPT);
        assertThat(s.header(eom, "X-Postern-Symbols")).contains("action=no_action");
    }

    @Test
    void aGreylistScoreThatDoesNotGreylistStillMarksSpam() {
        var s = new Scan(BASE + """
                greylist: {networks: [192.0.2.0/24]}
                actions: {greylist: 10}
                lists: [{match: sender, value: remote.test, score: 11}]
                """, greylister());
        s.connect().helo("h").mail("<a@remote.test>");
        assertThat(s.rcpt("<b@example.test>")).as("an exempt network").isEqualTo(MilterReply.CONTINUE);
        EndOfMessageReply eom = s.eom();
        assertThat(eom.response()).isEqualTo(MilterReply.ACCEPT);
        assertThat(s.header(eom, "X-Spam-Flag")).isEqualTo(" YES");
        assertThat(s.header(eom, "X-Postern-Symbols")).contains("action=rewrite_subject");
    }

    /** RFC 5322 §2.2.3 unfolding. */
    private static String unfolded(String value) {
        return value.replace("\n\t", " ");
    }

    /** A check whose symbol table entry the tests add: {@code test.temperror → TEST_TEMPERROR}. */
    private abstract static class TestCheck implements Check {
        @Override
        public String name() {
            return "test";
        }

        @Override
        public Set<String> resultKinds() {
            return Set.of("test.temperror");
        }
    }

    /** Drives one ScanSession the way MilterSession does, awaiting each stage with a bound. */
    private static final class Scan {
        final MilterFilter filter;
        Macros macros = Macros.empty();

        Scan(String yaml, Check... extra) {
            this(yaml, java.util.Optional.empty(), extra);
        }

        Scan(String yaml, java.util.Optional<org.postern.greylist.Greylister> greylister, Check... extra) {
            var config = ConfigLoader.parse(yaml, "test.yml");
            var resources = new PipelineResources(dns, greylister, Runnable::run);
            PipelineSettings settings = PipelineSettings.compile(config, resources, "mx.example.test", "Postern test",
                    List.of(extra), extra.length == 0 ? Map.of()
                            : Map.of("test.temperror", new SymbolConfig("TEST_TEMPERROR", 0, "")));
            filter = new ScanPipeline(settings).newFilter(new SessionInfo(1, null, Runnable::run));
            filter.negotiated(new Negotiated(6, EnumSet.allOf(ActionFlag.class),
                    EnumSet.of(ProtocolFlag.HDR_LEADSPC)));
        }

        Scan connect() {
            return connect("mx.example.test");
        }

        Scan connect(String daemonName) {
            macros = macros.with(MacroStage.CONNECT, Map.of("{daemon_name}", daemonName));
            await(filter.connect(new MilterCommand.Connect("mail.remote.test", MilterCommand.Family.INET, 41234,
                    "192.0.2.10"), macros));
            return this;
        }

        Scan connectLocal() {
            macros = macros.with(MacroStage.CONNECT, Map.of("{daemon_name}", "mx.example.test"));
            await(filter.connect(new MilterCommand.Connect("localhost", MilterCommand.Family.INET, 0, "127.0.0.1"),
                    macros));
            return this;
        }

        Scan helo(String name) {
            await(filter.helo(new MilterCommand.Helo(name), macros));
            return this;
        }

        Scan mail(String sender) {
            await(filter.mail(new MilterCommand.Mail(sender, List.of()), macros));
            return this;
        }

        MilterReply.Response rcpt(String recipient) {
            return await(filter.rcpt(new MilterCommand.Rcpt(recipient, List.of()), macros));
        }

        void header(String name, String value) {
            await(filter.header(new MilterCommand.Header(name, value), macros));
        }

        EndOfMessageReply eom() {
            return await(filter.endOfMessage(macros.with(MacroStage.END_OF_MESSAGE, Map.of("i", "4XTEST"))));
        }

        /** The value of the one header this reply adds or inserts with that name. */
        String header(EndOfMessageReply eom, String name) {
            List<String> values = new ArrayList<>();
            for (MilterReply.Modification m : eom.modifications()) {
                if (m instanceof MilterReply.AddHeader a && a.name().equals(name)) {
                    values.add(a.value());
                } else if (m instanceof MilterReply.InsertHeader i && i.name().equals(name)) {
                    values.add(i.value());
                }
            }
            assertThat(values).as("headers named " + name).hasSize(1);
            return values.get(0);
        }

        private static <T> T await(CompletionStage<T> stage) {
            try {
                return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("stage did not complete", e);
            }
        }
    }
}
