package org.postern.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    private static PosternConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, "t.yml");
    }

    private static ConfigException error(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml));
    }

    private static void assertError(String yaml, int line, int column, String sentence) {
        ConfigException e = error(yaml);
        assertThat(e.getMessage()).isEqualTo("t.yml:" + line + ":" + column + ": " + sentence);
        assertThat(e.line()).isEqualTo(line);
        assertThat(e.column()).isEqualTo(column);
        assertThat(e.source()).isEqualTo("t.yml");
        assertThat(e.sentence()).isEqualTo(sentence);
    }

    // --- defaults

    @Test
    void defaultsEqualTheExampleFile() {
        assertThat(ConfigLoader.load(Path.of("../conf/postern.yml"))).isEqualTo(ConfigLoader.defaults());
    }

    @Test
    void emptyFileGivesDefaults() {
        assertThat(parse("")).isEqualTo(ConfigLoader.defaults());
        assertThat(parse("\n\n")).isEqualTo(ConfigLoader.defaults());
    }

    @Test
    void fileWithOnlyCommentsGivesDefaults() {
        assertThat(parse("# nothing here\n  # still nothing\n")).isEqualTo(ConfigLoader.defaults());
    }

    @Test
    void explicitNullDocumentGivesDefaults() {
        assertThat(parse("~\n")).isEqualTo(ConfigLoader.defaults());
        assertThat(parse("---\n")).isEqualTo(ConfigLoader.defaults());
    }

    @Test
    void defaultsHaveTheDocumentedValues() {
        PosternConfig d = ConfigLoader.defaults();
        assertThat(d.milter()).isEqualTo(new MilterConfig(new HostPort("127.0.0.1", 11332), 1_048_576,
                Duration.ofSeconds(10), Duration.ofSeconds(30), 4096));
        assertThat(d.stateDir()).isEqualTo(Path.of("/var/lib/postern"));
        assertThat(d.authservId()).isEmpty();
        assertThat(d.outgoing()).isEqualTo(new OutgoingConfig(List.of("ORIGINATING"), true, true, List.of()));
        assertThat(d.scan()).isEqualTo(new ScanConfig(Duration.ofSeconds(2), Duration.ofSeconds(2),
                Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(60)));
        ActionsConfig a = d.actions();
        assertThat(a.reject()).isEqualTo(OptionalDouble.of(15));
        assertThat(a.softReject()).isEmpty();
        assertThat(a.discard()).isEmpty();
        assertThat(a.quarantine()).isEmpty();
        assertThat(a.rewriteSubject()).isEqualTo(OptionalDouble.of(8));
        assertThat(a.addHeader()).isEqualTo(OptionalDouble.of(6));
        assertThat(a.greylist()).isEqualTo(OptionalDouble.empty());
        assertThat(a.rejectReply()).isEqualTo(ReplyText.parse("550 5.7.1 Message rejected as spam"));
        assertThat(a.softRejectReply()).isEqualTo(ReplyText.parse("451 4.7.1 Try again later"));
        assertThat(a.greylistReply()).isEqualTo(ReplyText.parse("451 4.7.1 Greylisted, please try again later"));
        assertThat(a.subjectPrefix()).isEqualTo("***SPAM*** ");
        assertThat(a.quarantineReason()).isEqualTo("Postern: quarantined as spam");
        assertThat(d.headers()).isEqualTo(new HeadersConfig(true, "X-Postern-Symbols", true, true));
        assertThat(d.symbols()).isEqualTo(PosternConfig.BUILT_IN_SYMBOLS);
        assertThat(d.symbols().get("lists.temperror")).isEqualTo(new SymbolConfig("LOCAL_LISTS_TEMPERROR", 0.0,
                "local allow/block lists could not be evaluated"));
        assertThat(d.lists()).isEmpty();
    }

    @Test
    void nullComponentsMeanDefaults() {
        assertThat(new PosternConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null))
                .isEqualTo(ConfigLoader.defaults());
    }

    // --- binding

    @Test
    void bindsEveryKey() {
        PosternConfig c = parse(String.join("\n",
                "milter:",
                "  listen: \"[::1]:2000\"",
                "  max_frame_bytes: 65537",
                "  progress_interval: 500ms",
                "  negotiation_timeout: 1m",
                "  max_connections: 7",
                "state_dir: /srv/postern",
                "authserv_id: mx.example.com",
                "outgoing:",
                "  daemon_names: [ORIGINATING, SUBMISSION]",
                "  authenticated: false",
                "  local_submission: false",
                "  networks: [192.0.2.0/24, \"2001:db8::/32\", 198.51.100.7]",
                "scan:",
                "  connect_budget: 1ms",
                "  helo_budget: 3s",
                "  mail_budget: 4s",
                "  rcpt_budget: 5s",
                "  end_of_message_budget: 10m",
                "actions:",
                "  reject: 20.5",
                "  soft_reject: 12",
                "  discard: 100",
                "  quarantine: 30",
                "  rewrite_subject:",
                "  add_header: -1",
                "  greylist: ~",
                "  reject_reply: 554 5.7.0 Go away",
                "  soft_reject_reply: 450 Later",
                "  greylist_reply: 421 4.7.0 Slow down",
                "  subject_prefix: \"\"",
                "  quarantine_reason: held",
                "headers:",
                "  spam_headers: false",
                "  symbols_header: X-Filter",
                "  authentication_results: false",
                "  remove_foreign_spam_headers: false",
                "symbols:",
                "  spf.fail: {name: SPF_FAIL, score: 1, description: SPF says fail}",
                "lists:",
                "  - {match: client, value: 192.0.2.0/24, action: accept}",
                "  - match: sender",
                "    value: .spammer.example",
                "    action: reject",
                "    reply: 550 5.7.1 No",
                "  - {match: helo, value: .dyn.example.net, score: 3.5, symbol: DYN_HELO}",
                ""));
        assertThat(c.milter()).isEqualTo(new MilterConfig(new HostPort("::1", 2000), 65537, Duration.ofMillis(500),
                Duration.ofMinutes(1), 7));
        assertThat(c.stateDir()).isEqualTo(Path.of("/srv/postern"));
        assertThat(c.authservId()).contains("mx.example.com");
        assertThat(c.outgoing()).isEqualTo(new OutgoingConfig(List.of("ORIGINATING", "SUBMISSION"), false, false,
                List.of(Cidr.parse("192.0.2.0/24"), Cidr.parse("2001:db8::/32"), Cidr.parse("198.51.100.7/32"))));
        assertThat(c.scan()).isEqualTo(new ScanConfig(Duration.ofMillis(1), Duration.ofSeconds(3),
                Duration.ofSeconds(4), Duration.ofSeconds(5), Duration.ofMinutes(10)));
        assertThat(c.actions()).isEqualTo(new ActionsConfig(OptionalDouble.of(20.5), OptionalDouble.of(12),
                OptionalDouble.of(100), OptionalDouble.of(30), OptionalDouble.empty(), OptionalDouble.of(-1),
                OptionalDouble.empty(), ReplyText.parse("554 5.7.0 Go away"), new ReplyText(450, "", "Later"),
                ReplyText.parse("421 4.7.0 Slow down"), "", "held"));
        assertThat(c.headers()).isEqualTo(new HeadersConfig(false, "X-Filter", false, false));
        assertThat(c.symbols()).containsKeys("lists.temperror", "spf.fail", "spf.pass");
        assertThat(c.symbols().get("spf.fail")).isEqualTo(new SymbolConfig("SPF_FAIL", 1.0, "SPF says fail"));
        assertThat(c.lists()).containsExactly(
                new ListEntry(ListMatch.CLIENT, "192.0.2.0/24", Optional.of(ListAction.ACCEPT), OptionalDouble.empty(),
                        Optional.empty(), Optional.of("LOCAL_CLIENT_ALLOW")),
                new ListEntry(ListMatch.SENDER, ".spammer.example", Optional.of(ListAction.REJECT),
                        OptionalDouble.empty(), Optional.of(ReplyText.parse("550 5.7.1 No")),
                        Optional.of("LOCAL_SENDER_BLOCK")),
                new ListEntry(ListMatch.HELO, ".dyn.example.net", Optional.empty(), OptionalDouble.of(3.5),
                        Optional.empty(), Optional.of("DYN_HELO")));
    }

    @Test
    void missingKeysKeepTheirDefaultsNextToGivenOnes() {
        PosternConfig c = parse("milter:\n  max_connections: 10\nheaders:\n  spam_headers: false\n");
        assertThat(c.milter().maxConnections()).isEqualTo(10);
        assertThat(c.milter().maxFrameBytes()).isEqualTo(1_048_576);
        assertThat(c.milter().listen()).isEqualTo(new HostPort("127.0.0.1", 11332));
        assertThat(c.headers().spamHeaders()).isFalse();
        assertThat(c.headers().authenticationResults()).isTrue();
        assertThat(c.headers().removeForeignSpamHeaders()).isTrue();
        assertThat(c.actions()).isEqualTo(ConfigLoader.defaults().actions());
    }

    @Test
    void emptyValueMeansTheDefault() {
        PosternConfig c = parse(String.join("\n", "milter:", "  listen:", "  max_frame_bytes: ~",
                "  progress_interval:", "headers:", "  spam_headers:", "outgoing:", "  daemon_names:", "scan:",
                "lists:", "state_dir:", "authserv_id:", ""));
        assertThat(c).isEqualTo(ConfigLoader.defaults());
    }

    @Test
    void emptyThresholdDisablesItsAction() {
        ActionsConfig a = parse("actions:\n  reject:\n  greylist: ~\n  add_header: null\n").actions();
        assertThat(a.reject()).isEmpty();
        assertThat(a.greylist()).isEmpty();
        assertThat(a.addHeader()).isEmpty();
        assertThat(a.rewriteSubject()).isEqualTo(OptionalDouble.of(8));
    }

    @Test
    void integerThresholdIsANumber() {
        assertThat(parse("actions:\n  reject: 15\n").actions().reject()).isEqualTo(OptionalDouble.of(15.0));
    }

    @Test
    void emptyListDisablesDaemonNames() {
        assertThat(parse("outgoing:\n  daemon_names: []\n").outgoing().daemonNames()).isEmpty();
    }

    @Test
    void symbolsEntryReplacesTheBuiltInOne() {
        PosternConfig c = parse("symbols:\n  lists.temperror:\n    name: LISTS_BROKEN\n    score: 0.5\n");
        assertThat(c.symbols()).containsOnlyKeys(PosternConfig.BUILT_IN_SYMBOLS.keySet());
        assertThat(c.symbols().get("lists.temperror")).isEqualTo(new SymbolConfig("LISTS_BROKEN", 0.5, ""));
        assertThat(c.symbols().get("spf.fail")).isEqualTo(PosternConfig.BUILT_IN_SYMBOLS.get("spf.fail"));
    }

    @Test
    void aResultKindNoCheckProducesPointsAtTheKeyAndNamesTheValidOnes() {
        assertError("symbols:\n  spf.fial: {name: SPF_FAIL}\n", 2, 3,
                "symbols.spf.fial is not a result kind any check produces; valid kinds: bayes.ham, bayes.spam,"
                        + " bayes.temperror, dkim.invalid, dkim.none, dkim.temperror, dkim.valid, dmarc.fail_none,"
                        + " dmarc.fail_quarantine, dmarc.fail_reject, dmarc.none, dmarc.pass, dmarc.permerror,"
                        + " dmarc.temperror, greylist.deferred, greylist.passed, greylist.temperror, lists.temperror,"
                        + " rbl.broken, rbl.temperror, rbl.unmapped, spf.fail, spf.neutral, spf.none, spf.pass,"
                        + " spf.permerror, spf.softfail, spf.temperror");
    }

    @Test
    void listsAndMapsAreUnmodifiable() {
        PosternConfig c = parse("lists:\n  - {match: client, value: 192.0.2.1, score: 1}\n");
        assertThatThrownBy(() -> c.lists().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> c.symbols().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> c.outgoing().daemonNames().add("X"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void clientValueParsesWithoutDns() throws Exception {
        PosternConfig c = parse("lists:\n  - {match: client, value: \"2001:db8::/32\", action: discard}\n");
        Cidr cidr = Cidr.parse(c.lists().get(0).value());
        assertThat(cidr.contains(InetAddress.getByName("2001:db8::1"))).isTrue();
    }

    @Test
    void yamlBooleanSpellingsAreBooleans() {
        assertThat(parse("headers:\n  spam_headers: no\n").headers().spamHeaders()).isFalse();
    }

    // --- syntax, duplicates, documents

    @Test
    void syntaxErrorPointsAtTheProblem() {
        assertError("milter:\n  listen: [1\n", 3, 1, "YAML syntax error: expected ',' or ']', but got <stream end>"
                + " (while parsing a flow sequence at line 2, column 11)");
    }

    @Test
    void tabIndentationIsASyntaxError() {
        ConfigException e = error("milter:\n\tlisten: x\n");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.column()).isEqualTo(1);
        assertThat(e.sentence()).startsWith("YAML syntax error: ");
    }

    @Test
    void unquotedIpv6ListenIsExplained() {
        ConfigException e = error("milter:\n  listen: [::1]:11332\n");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.sentence()).startsWith("YAML syntax error");
    }

    @Test
    void duplicateKeyNamesBothPositions() {
        assertError("milter:\n  max_connections: 1\n  listen: \"a:1\"\n  max_connections: 2\n", 4, 3,
                "duplicate key milter.max_connections; it is already set at line 2, column 3");
    }

    @Test
    void duplicateTopLevelKey() {
        assertError("state_dir: /a\nstate_dir: /b\n", 2, 1,
                "duplicate key state_dir; it is already set at line 1, column 1");
    }

    @Test
    void sameKeyInTwoListEntriesIsNotADuplicate() {
        assertThat(parse("lists:\n  - {match: client, value: 192.0.2.1, score: 1}\n"
                + "  - {match: client, value: 192.0.2.2, score: 1}\n").lists()).hasSize(2);
    }

    @Test
    void aliasIsRejected() {
        assertError("milter:\n  listen: &l \"a:1\"\nstate_dir: *l\n", 3, 12,
                "aliases such as *l are not supported; write the value out");
    }

    @Test
    void secondDocumentIsRejected() {
        assertError("state_dir: /a\n---\nstate_dir: /b\n", 3, 1,
                "the file must hold one YAML document; remove the second one (after ---)");
    }

    @Test
    void topLevelMustBeAMapping() {
        assertError("- a\n", 1, 1, "the file must be a mapping of keys to values, not a list");
        assertError("hello\n", 1, 1, "the file must be a mapping of keys to values, not \"hello\"");
    }

    // --- unknown keys

    @Test
    void unknownTopLevelKeyListsTheValidKeys() {
        assertError("# comment\nmilter: {}\nbogus: 1\n", 3, 1, "unknown key bogus; valid keys at the top level:"
                + " actions, authserv_id, bayes, dkim, dmarc, dns, greylist, headers, lists, milter, outgoing, policy,"
                + " rbl, scan, spf, state_dir, symbols");
    }

    @Test
    void unknownNestedKeyListsTheValidKeysSortedAndSuggests() {
        assertError("milter:\n  listen: \"a:1\"\n  max_frame_byte: 70000\n", 3, 3,
                "unknown key milter.max_frame_byte; valid keys in milter: listen, max_connections, max_frame_bytes,"
                        + " negotiation_timeout, progress_interval (did you mean max_frame_bytes?)");
    }

    @Test
    void unknownKeyInAListEntry() {
        assertError("lists:\n  - match: client\n    value: 192.0.2.1\n    acton: accept\n", 4, 5,
                "unknown key lists[0].acton; valid keys in lists[0]: action, match, reply, score, symbol, value"
                        + " (did you mean action?)");
    }

    @Test
    void unknownKeyInASymbol() {
        assertError("symbols:\n  spf.fail:\n    name: SPF_FAIL\n    weight: 2\n", 4, 5,
                "unknown key symbols.spf.fail.weight; valid keys in symbols.spf.fail: description, name, score");
    }

    @Test
    void unknownKeyIsReportedBeforeOtherProblemsOfItsEntry() {
        assertError("lists:\n  - match: client\n    value: mail.example.com\n    scor: 1\n", 4, 5,
                "unknown key lists[0].scor; valid keys in lists[0]: action, match, reply, score, symbol, value"
                        + " (did you mean score?)");
    }

    @Test
    void firstUnknownKeyInDocumentOrderWins() {
        assertError("milter:\n  max_connections: x\n  lisen: \"a:1\"\nbogus: 1\n", 3, 3,
                "unknown key milter.lisen; valid keys in milter: listen, max_connections, max_frame_bytes,"
                        + " negotiation_timeout, progress_interval (did you mean listen?)");
    }

    @Test
    void keysUnderAScalarKeyAreATypeError() {
        assertError("state_dir:\n  path: /x\n", 2, 3,
                "state_dir must be a path such as /var/lib/postern, not a mapping");
    }

    @Test
    void camelCaseKeyIsUnknown() {
        ConfigException e = error("milter:\n  maxFrameBytes: 70000\n");
        assertThat(e.sentence()).startsWith("unknown key milter.maxFrameBytes; valid keys in milter: ");
    }

    // --- wrong types

    @Test
    void stringForAnInteger() {
        assertError("milter:\n  max_frame_bytes: big\n", 2, 20,
                "milter.max_frame_bytes must be an integer, not \"big\"");
    }

    @Test
    void quotedNumberForAnInteger() {
        assertError("milter:\n  max_connections: \"10\"\n", 2, 20,
                "milter.max_connections must be an integer, not \"10\"");
    }

    @Test
    void floatForAnInteger() {
        assertError("milter:\n  max_connections: 10.5\n", 2, 20, "milter.max_connections must be an integer, not 10.5");
    }

    @Test
    void integerTooLargeForAnInteger() {
        assertError("milter:\n  max_connections: 99999999999\n", 2, 20,
                "milter.max_connections is too large: 99999999999");
    }

    @Test
    void stringForANumber() {
        assertError("actions:\n  reject: \"15\"\n", 2, 11, "actions.reject must be a number, not \"15\"");
    }

    @Test
    void stringForABoolean() {
        assertError("headers:\n  spam_headers: \"true\"\n", 2, 17,
                "headers.spam_headers must be true or false, not \"true\"");
        assertError("headers:\n  spam_headers: 1\n", 2, 17, "headers.spam_headers must be true or false, not 1");
    }

    @Test
    void numberForAStringSuggestsQuotes() {
        assertError("actions:\n  quarantine_reason: 42\n", 2, 22,
                "actions.quarantine_reason must be a string, not 42; put it in quotes: \"42\"");
    }

    @Test
    void listForAMapping() {
        assertError("milter:\n  - listen\n", 2, 3, "milter must be a mapping of keys to values, not a list");
    }

    @Test
    void mappingForAList() {
        assertError("lists:\n  match: client\n", 2, 3, "lists must be a list, not a mapping");
    }

    @Test
    void scalarForAList() {
        assertError("outgoing:\n  networks: 10.0.0.0/8\n", 2, 13,
                "outgoing.networks must be a list, not \"10.0.0.0/8\"");
    }

    @Test
    void listForAString() {
        assertError("headers:\n  symbols_header: [a]\n", 2, 19, "headers.symbols_header must be a string, not a list");
    }

    @Test
    void emptyListElementIsRejected() {
        assertError("outgoing:\n  daemon_names:\n    - ORIGINATING\n    -\n", 4, 6,
                "outgoing.daemon_names[1] must not be empty");
        assertError("lists:\n  - ~\n", 2, 5, "lists[0] must not be empty");
    }

    @Test
    void emptySymbolIsRejected() {
        assertError("symbols:\n  spf.fail:\n", 2, 3, "symbols.spf.fail must not be empty");
    }

    // --- enums

    @Test
    void unknownEnumValueListsTheChoicesInYamlSpelling() {
        assertError("lists:\n  - match: ip\n    value: 192.0.2.1\n    score: 1\n", 2, 12,
                "lists[0].match must be one of client, helo, sender, recipient, not \"ip\"");
        assertError("lists:\n  - {match: client, value: 192.0.2.1, action: SOFT_REJECT}\n", 2, 47,
                "lists[0].action must be one of accept, reject, soft_reject, quarantine, discard, not"
                        + " \"SOFT_REJECT\"");
    }

    @Test
    void wrongTypeForEnum() {
        assertError("lists:\n  - {match: 1, value: 192.0.2.1, score: 1}\n", 2, 13,
                "lists[0].match must be one of client, helo, sender, recipient, not 1");
    }

    // --- bayes

    @Test
    void bindsTheBayesSection() {
        BayesConfig b = parse(String.join("\n",
                "bayes:",
                "  recipient_delimiter: \"+-\"",
                "  users:",
                "    \"Info@Example.com\": Alice@example.com",
                "    \"@example.org\": family",
                "  spam_probability: 0.95",
                "  ham_probability: 0.2",
                "  autolearn: {enabled: true, spam_score: 10, ham_score: -1}",
                "")).bayes();
        assertThat(b.recipientDelimiter()).isEqualTo("+-");
        assertThat(b.users()).containsExactlyInAnyOrderEntriesOf(
                java.util.Map.of("info@example.com", "alice@example.com", "@example.org", "family"));
        assertThat(b.spamProbability()).isEqualTo(0.95);
        assertThat(b.hamProbability()).isEqualTo(0.2);
        assertThat(b.autolearn()).isEqualTo(new BayesAutolearn(true, 10.0, -1.0));
        assertThat(b.minSpam()).isEqualTo(200);
    }

    @Test
    void bayesDefaultsAreDocumented() {
        BayesConfig b = ConfigLoader.defaults().bayes();
        assertThat(b).isEqualTo(new BayesConfig(true, 200, 200, 524288, 2_000_000, "+", java.util.Map.of(), 0.76, 0.1,
                new BayesAutolearn(false, 12.0, -0.5), 1_073_741_824L, 67_108_864L));
        assertThat(ConfigLoader.defaults().symbols().get("bayes.spam")).extracting(SymbolConfig::name,
                SymbolConfig::score).containsExactly("BAYES_SPAM", 5.1);
        assertThat(ConfigLoader.defaults().symbols().get("bayes.ham").score()).isEqualTo(-3.0);
        assertThat(ConfigLoader.defaults().symbols().get("bayes.temperror").score()).isEqualTo(0.0);
    }

    @Test
    void userKeyIsTheMappedAddressElseTheAddressWithoutItsExtension() {
        BayesConfig b = parse(String.join("\n",
                "bayes:",
                "  recipient_delimiter: \"+-\"",
                "  users:",
                "    \"info@example.com\": alice@example.com",
                "    \"sales+eu@example.com\": eu-team",
                "    \"@example.org\": family",
                "")).bayes();
        assertThat(b.userKey("Bob+Lists@Example.COM")).isEqualTo("bob@example.com");
        assertThat(b.userKey("bob-x@example.com")).isEqualTo("bob@example.com");
        assertThat(b.userKey("INFO+news@example.com")).isEqualTo("alice@example.com");
        assertThat(b.userKey("sales+eu@example.com")).isEqualTo("eu-team");
        assertThat(b.userKey("sales+us@example.com")).isEqualTo("sales@example.com");
        assertThat(b.userKey("anyone@Example.org")).isEqualTo("family");
        assertThat(b.userKey("+leading@example.com")).isEqualTo("+leading@example.com");
        assertThat(b.userKey("Family")).isEqualTo("family");
        assertThat(ConfigLoader.defaults().bayes().userKey("a-b+c@x.test")).isEqualTo("a-b@x.test");
    }

    @Test
    void bayesScoresGrowLinearlyFromHalfAtTheThresholdToTheMaximum() {
        BayesConfig b = ConfigLoader.defaults().bayes();
        assertThat(b.spamScore(0.76, 5.0)).isCloseTo(2.5, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(b.spamScore(0.88, 5.0)).isCloseTo(3.75, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(b.spamScore(1.0, 5.0)).isCloseTo(5.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(b.hamScore(0.1, -3.0)).isCloseTo(-1.5, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(b.hamScore(0.0, -3.0)).isCloseTo(-3.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void bayesStoreAndCacheSizesAreBytesWithinTheirRange() {
        BayesConfig b = parse(String.join("\n", "bayes:", "  max_store_bytes: 8589934592", "  read_cache_bytes: 0",
                "")).bayes();
        assertThat(List.of(b.maxStoreBytes(), b.readCacheBytes())).containsExactly(8_589_934_592L, 0L);
        assertError("bayes:\n  max_store_bytes: 1000\n", 2, 20,
                "bayes.max_store_bytes must be between 1048576 and 17592186044416, not 1000");
        assertError("bayes:\n  read_cache_bytes: -1\n", 2, 21,
                "bayes.read_cache_bytes must be between 0 and 17179869184, not -1");
    }

    @Test
    void bayesProbabilitiesOutOfRangeNameTheRange() {
        assertError("bayes:\n  spam_probability: 1\n", 2, 21,
                "bayes.spam_probability must be above 0.5 and below 1, such as 0.9, not 1.0");
        assertError("bayes:\n  ham_probability: 0.5\n", 2, 20,
                "bayes.ham_probability must be above 0 and below 0.5, such as 0.1, not 0.5");
    }

    @Test
    void autolearnHamScoreMustBeBelowSpamScore() {
        assertError("bayes:\n  autolearn:\n    spam_score: 5\n    ham_score: 6\n", 4, 16,
                "bayes.autolearn.ham_score must be below spam_score (5.0), not 6.0");
    }

    @Test
    void badUsersEntriesPointAtTheEntry() {
        assertError("bayes:\n  users:\n    example.org: family\n", 3, 5,
                "bayes.users.example.org is not an address (info@example.com) or a whole domain"
                        + " (\"@example.org\", quoted)");
        assertError("bayes:\n  users:\n    \"@example.org\": \"two words\"\n", 3, 21,
                "bayes.users.@example.org must be a user key: 1 to 255 printable ASCII characters without spaces,"
                        + " such as alice@example.com");
        assertError("bayes:\n  recipient_delimiter: \"@\"\n", 2, 24,
                "bayes.recipient_delimiter must be up to 10 printable ASCII characters without spaces or @, such as"
                        + " \"+\" or \"+-\" (as Postfix's recipient_delimiter), not \"@\"");
    }

    // --- ranges and forms

    @Test
    void integerOutOfRangeNamesTheRange() {
        assertError("milter:\n  max_frame_bytes: 12\n", 2, 20,
                "milter.max_frame_bytes must be between 65537 and 67108864, not 12");
        assertError("milter:\n  max_connections: 0\n", 2, 20,
                "milter.max_connections must be between 1 and 100000, not 0");
    }

    @Test
    void durationWithoutUnitSaysToAddOne() {
        assertError("milter:\n  progress_interval: 10\n", 2, 22, "milter.progress_interval must be a duration with a"
                + " unit (ms, s, m, h or d), not 10; add a unit: 10s");
    }

    @Test
    void malformedDuration() {
        assertError("scan:\n  mail_budget: 1.5s\n", 2, 16, "scan.mail_budget must be a duration such as 500ms, 10s,"
                + " 5m, 1h or 2d (a whole number and one unit), not \"1.5s\"");
    }

    @Test
    void durationOutOfRange() {
        assertError("milter:\n  progress_interval: 10m\n", 2, 22,
                "milter.progress_interval must be between 100ms and 5m, not 10m");
        assertError("scan:\n  end_of_message_budget: 0s\n", 2, 26,
                "scan.end_of_message_budget must be between 1ms and 10m, not 0s");
    }

    @Test
    void badListenAddress() {
        assertError("milter:\n  listen: localhost\n", 2, 11, "milter.listen must be host:port such as"
                + " 127.0.0.1:11332, \"[::1]:11332\" or localhost:11332, not \"localhost\"");
        assertError("milter:\n  listen: \"::1:11332\"\n", 2, 11, "milter.listen must put an IPv6 address in brackets,"
                + " as in \"[::1]:11332\", not \"::1:11332\"");
        assertError("milter:\n  listen: 11332\n", 2, 11,
                "milter.listen must be host:port such as 127.0.0.1:11332, not 11332");
    }

    @Test
    void hostNameInNetworksIsRejected() {
        assertError("outgoing:\n  networks:\n    - 10.0.0.0/8\n    - mail.example.com\n", 4, 7,
                "outgoing.networks[1] must be an IP address or network such as 192.0.2.0/24 or 2001:db8::/32"
                        + " (host names are not allowed), not \"mail.example.com\"");
    }

    @Test
    void networkWithHostBitsIsRejected() {
        assertError("outgoing:\n  networks: [192.0.2.1/24]\n", 2, 14,
                "outgoing.networks[0] has host bits set after the /24 prefix; write 192.0.2.0/24");
    }

    @Test
    void replyOfTheWrongClassForItsKey() {
        assertError("actions:\n  reject_reply: 451 4.7.1 Later\n", 2, 17,
                "actions.reject_reply must be a permanent 5xx reply, not 451");
        assertError("actions:\n  greylist_reply: \"550 5.7.1 No\"\n", 2, 19,
                "actions.greylist_reply must be a temporary 4xx reply, not 550");
    }

    @Test
    void replyWithMismatchedEnhancedStatus() {
        assertError("actions:\n  reject_reply: 550 4.7.1 x\n", 2, 17, "actions.reject_reply has enhanced status code"
                + " 4.7.1, whose class does not match reply code 550; write 5.7.1");
    }

    @Test
    void nonAsciiSubjectPrefix() {
        assertError("actions:\n  subject_prefix: \"[SPÄM] \"\n", 2, 19,
                "actions.subject_prefix must be printable US-ASCII; character U+00C4 at position 4 is not");
    }

    @Test
    void thresholdMustBeFinite() {
        assertError("actions:\n  reject: .inf\n", 2, 11, "actions.reject must be a finite number, not .inf");
        assertThatThrownBy(() -> new SymbolConfig("A", Double.POSITIVE_INFINITY, ""))
                .hasMessage("score must be a finite number, not Infinity");
    }

    @Test
    void relativeStateDirIsRejected() {
        assertError("state_dir: var/postern\n", 1, 12,
                "state_dir must be an absolute path such as /var/lib/postern, not \"var/postern\"");
    }

    @Test
    void authservIdWithSpaceIsRejected() {
        assertError("authserv_id: mx example\n", 1, 14, "authserv_id must be a name such as mx.example.com without"
                + " spaces or any of ()<>@,;:\\\"/[]?= (RFC 8601 §2.5), not \"mx example\"");
    }

    @Test
    void badHeaderName() {
        assertError("headers:\n  symbols_header: \"X-A: b\"\n", 2, 19, "headers.symbols_header must be a header field"
                + " name (printable US-ASCII without spaces or colons) such as X-Postern-Symbols, not \"X-A: b\"");
    }

    @Test
    void badDaemonName() {
        assertError("outgoing:\n  daemon_names: [\"a b\"]\n", 2, 18, "outgoing.daemon_names[0] must be a Postfix"
                + " service name without spaces, such as ORIGINATING, not \"a b\"");
    }

    // --- symbols

    @Test
    void badResultKindPointsAtTheKey() {
        assertError("symbols:\n  spf.fail: {name: SPF_FAIL}\n  Spf.Pass:\n    name: SPF_PASS\n", 3, 3,
                "symbols.Spf.Pass is not a result kind id: use lower-case words joined by dots, such as"
                        + " lists.temperror");
    }

    @Test
    void missingSymbolNamePointsAtTheEntry() {
        assertError("symbols:\n  spf.fail:\n    score: 2\n", 2, 3,
                "symbols.spf.fail.name is required: an upper-case symbol name such as SPF_FAIL");
    }

    @Test
    void badSymbolNamePointsAtTheName() {
        assertError("symbols:\n  spf.fail:\n    name: spf_fail\n", 3, 11, "symbols.spf.fail.name must be upper-case"
                + " letters, digits and _, starting with a letter, such as SPF_FAIL, not \"spf_fail\"");
    }

    // --- list entries: rule errors point at the right line

    @Test
    void actionAndScoreTogetherPointsAtScore() {
        assertError(String.join("\n", "lists:", "  - match: client", "    value: 192.0.2.1", "    score: 1",
                "  - match: client", "    value: 192.0.2.2", "    action: accept", "    score: -5", ""), 8, 5,
                "lists[1] must have an action or a score, not both");
    }

    @Test
    void neitherActionNorScorePointsAtTheEntry() {
        assertError("lists:\n  - match: client\n    value: 192.0.2.1\n", 2, 5, "lists[0] needs an action (accept,"
                + " reject, soft_reject, quarantine or discard) or a score");
    }

    @Test
    void missingValuePointsAtTheEntry() {
        assertError("lists:\n  - match: helo\n    score: 1\n", 2, 5, "lists[0].value is required: the helo to match");
    }

    @Test
    void badClientValuePointsAtTheValue() {
        assertError("lists:\n  - match: client\n    value: mail.example.com\n    score: 1\n", 3, 12,
                "lists[0].value must be an IP address or network such as 192.0.2.0/24 or 2001:db8::/32 (host names"
                        + " are not allowed), not \"mail.example.com\"");
    }

    @Test
    void replyWithoutRejectPointsAtTheReply() {
        assertError("lists:\n  - match: sender\n    value: a@example.com\n    action: accept\n"
                + "    reply: 550 5.7.1 No\n", 5, 12,
                "lists[0].reply is only allowed with action reject or soft_reject");
    }

    @Test
    void softRejectWithPermanentReply() {
        assertError("lists:\n  - match: sender\n    value: a@example.com\n    action: soft_reject\n"
                + "    reply: 550 5.7.1 No\n", 5, 12, "lists[0].reply must be a temporary 4xx reply, not 550");
    }

    @Test
    void flowStyleEntryErrorPointsInsideTheLine() {
        assertError("lists:\n  - {match: client, value: 192.0.2.1, action: accept, symbol: local}\n", 2, 63,
                "lists[0].symbol must be upper-case letters, digits and _, starting with a letter, such as"
                        + " LOCAL_SENDER_BLOCK, not \"local\"");
    }

    // --- files

    @Test
    void loadsAFileAndNamesItInErrors(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("postern.yml");
        Files.writeString(file, "milter:\n  max_connections: 0\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertThat(e.getMessage()).isEqualTo(file + ":2:20: milter.max_connections must be between 1 and 100000,"
                + " not 0");
        assertThat(e.source()).isEqualTo(file.toString());
    }

    @Test
    void missingFileHasNoPosition(@TempDir Path dir) {
        Path file = dir.resolve("absent.yml");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertThat(e.getMessage()).isEqualTo(file + ": no such file");
        assertThat(e.line()).isZero();
        assertThat(e.column()).isZero();
    }

    @Test
    void nonUtf8FileIsRejected(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("latin1.yml");
        Files.write(file, "state_dir: /v\u00e4r\n".getBytes(StandardCharsets.ISO_8859_1));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertThat(e.getMessage()).isEqualTo(file + ": is not UTF-8 text");
    }

    @Test
    void configExceptionIsUnchecked() {
        assertThat(RuntimeException.class).isAssignableFrom(ConfigException.class);
    }

    // --- records constructed directly

    @Test
    void overridesForTheCommandLine() {
        PosternConfig d = ConfigLoader.defaults();
        PosternConfig moved = d.withStateDir(Path.of("/tmp/p")).withListen(HostPort.parse("[::1]:1"));
        assertThat(moved.stateDir()).isEqualTo(Path.of("/tmp/p"));
        assertThat(moved.milter().listen()).isEqualTo(new HostPort("::1", 1));
        assertThat(moved.milter().maxFrameBytes()).isEqualTo(d.milter().maxFrameBytes());
        assertThat(moved.withStateDir(d.stateDir()).withListen(d.milter().listen())).isEqualTo(d);
        assertThatThrownBy(() -> d.withStateDir(Path.of("relative")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("state_dir must be an absolute path such as /var/lib/postern, not \"relative\"");
    }

    @Test
    void recordsValidateWhenConstructedDirectly() {
        assertThatThrownBy(() -> new MilterConfig(null, 12, null, null, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max_frame_bytes must be between 65537 and 67108864, not 12");
        assertThatThrownBy(() -> new ScanConfig(Duration.ZERO, null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("connect_budget must be between 1ms and 10m, not 0s");
        assertThatThrownBy(() -> new ActionsConfig(OptionalDouble.of(Double.NaN), null, null, null, null, null, null,
                null, null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("reject must be a finite number, not NaN");
        assertThatThrownBy(() -> new OutgoingConfig(java.util.Arrays.asList("A", null), true, true, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("daemon_names[1] must not be empty");
    }
}
