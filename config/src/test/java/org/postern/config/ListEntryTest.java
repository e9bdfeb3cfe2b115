package org.postern.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class ListEntryTest {

    private static ListEntry withAction(ListMatch match, String value, ListAction action) {
        return new ListEntry(match, value, Optional.of(action), OptionalDouble.empty(), Optional.empty(),
                Optional.empty());
    }

    private static ListEntry withScore(ListMatch match, String value, double score) {
        return new ListEntry(match, value, Optional.empty(), OptionalDouble.of(score), Optional.empty(),
                Optional.empty());
    }

    private static ListEntry withReply(ListAction action, String reply) {
        return new ListEntry(ListMatch.SENDER, "a@example.com", Optional.of(action), OptionalDouble.empty(),
                Optional.of(ReplyText.parse(reply)), Optional.empty());
    }

    @Test
    void requiresExactlyOneOfActionAndScore() {
        assertThatThrownBy(() -> new ListEntry(ListMatch.CLIENT, "192.0.2.1", Optional.of(ListAction.ACCEPT),
                OptionalDouble.of(1), Optional.empty(), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value must have an action or a score, not both");
        assertThatThrownBy(() -> new ListEntry(ListMatch.CLIENT, "192.0.2.1", Optional.empty(), OptionalDouble.empty(),
                Optional.empty(), Optional.empty()))
                .hasMessage("value needs an action (accept, reject, soft_reject, quarantine or discard) or a score");
        assertThatThrownBy(() -> new ListEntry(ListMatch.CLIENT, "192.0.2.1", null, null, null, null))
                .hasMessageContaining("needs an action");
    }

    @Test
    void requiresMatchAndValue() {
        assertThatThrownBy(() -> new ListEntry(null, "x", Optional.of(ListAction.ACCEPT), null, null, null))
                .hasMessage("match is required: one of client, helo, sender, recipient");
        assertThatThrownBy(() -> new ListEntry(ListMatch.SENDER, null, Optional.of(ListAction.ACCEPT), null, null,
                null))
                .hasMessage("value is required: the sender to match");
    }

    @Test
    void nullOptionalsAreEmpty() {
        ListEntry e = new ListEntry(ListMatch.HELO, "x.example", null, OptionalDouble.of(1), null, null);
        assertThat(e.action()).isEmpty();
        assertThat(e.reply()).isEmpty();
        assertThat(e.symbol()).contains("LOCAL_HELO_BLOCK");
    }

    @Test
    void scoreMustBeFinite() {
        assertThatThrownBy(() -> withScore(ListMatch.CLIENT, "192.0.2.1", Double.NaN))
                .hasMessage("score must be a finite number, not NaN");
    }

    @Test
    void replyOnlyWithRejectOrSoftReject() {
        assertThat(withReply(ListAction.REJECT, "550 5.7.1 No").reply()).contains(ReplyText.parse("550 5.7.1 No"));
        assertThat(withReply(ListAction.SOFT_REJECT, "451 4.7.1 Later").reply()).isPresent();
        for (ListAction a : new ListAction[] {ListAction.ACCEPT, ListAction.QUARANTINE, ListAction.DISCARD}) {
            assertThatThrownBy(() -> withReply(a, "550 5.7.1 No")).as(a.name())
                    .hasMessage("reply is only allowed with action reject or soft_reject");
        }
        assertThatThrownBy(() -> new ListEntry(ListMatch.CLIENT, "192.0.2.1", Optional.empty(), OptionalDouble.of(5),
                Optional.of(ReplyText.parse("550 5.7.1 No")), Optional.empty()))
                .hasMessage("reply is only allowed with action reject or soft_reject");
    }

    @Test
    void replyClassMustFitTheAction() {
        assertThatThrownBy(() -> withReply(ListAction.REJECT, "451 4.7.1 Later"))
                .hasMessage("reply must be a permanent 5xx reply, not 451");
        assertThatThrownBy(() -> withReply(ListAction.SOFT_REJECT, "554 5.7.1 No"))
                .hasMessage("reply must be a temporary 4xx reply, not 554");
    }

    @Test
    void defaultSymbolSaysMatchAndDirection() {
        assertThat(withAction(ListMatch.CLIENT, "192.0.2.1", ListAction.ACCEPT).symbol())
                .contains("LOCAL_CLIENT_ALLOW");
        assertThat(withAction(ListMatch.CLIENT, "192.0.2.1", ListAction.REJECT).symbol())
                .contains("LOCAL_CLIENT_BLOCK");
        assertThat(withAction(ListMatch.HELO, "x.example", ListAction.DISCARD).symbol()).contains("LOCAL_HELO_BLOCK");
        assertThat(withAction(ListMatch.SENDER, "example.com", ListAction.QUARANTINE).symbol())
                .contains("LOCAL_SENDER_BLOCK");
        assertThat(withAction(ListMatch.RECIPIENT, "a@example.com", ListAction.SOFT_REJECT).symbol())
                .contains("LOCAL_RECIPIENT_BLOCK");
        assertThat(withScore(ListMatch.SENDER, "example.com", -0.5).symbol()).contains("LOCAL_SENDER_ALLOW");
        assertThat(withScore(ListMatch.SENDER, "example.com", 0).symbol()).contains("LOCAL_SENDER_BLOCK");
        assertThat(withScore(ListMatch.SENDER, "example.com", 2).symbol()).contains("LOCAL_SENDER_BLOCK");
    }

    @Test
    void symbolNameIsTheFilledInSymbol() {
        assertThat(withScore(ListMatch.RECIPIENT, "a@example.com", -1).symbolName()).isEqualTo("LOCAL_RECIPIENT_ALLOW");
    }

    @Test
    void explicitSymbolIsKeptAndChecked() {
        assertThat(new ListEntry(ListMatch.CLIENT, "192.0.2.1", Optional.empty(), OptionalDouble.of(1),
                Optional.empty(), Optional.of("MY_NET")).symbol()).contains("MY_NET");
        assertThatThrownBy(() -> new ListEntry(ListMatch.CLIENT, "192.0.2.1", Optional.empty(), OptionalDouble.of(1),
                Optional.empty(), Optional.of("my-net")))
                .hasMessage("symbol must be upper-case letters, digits and _, starting with a letter, such as"
                        + " LOCAL_SENDER_BLOCK, not \"my-net\"");
    }

    @Test
    void defaultSymbolEqualsTheSameSymbolWrittenOut() {
        assertThat(withScore(ListMatch.CLIENT, "192.0.2.1", 1)).isEqualTo(new ListEntry(ListMatch.CLIENT,
                "192.0.2.1", Optional.empty(), OptionalDouble.of(1), Optional.empty(),
                Optional.of("LOCAL_CLIENT_BLOCK")));
    }

    @Test
    void clientValueIsAnAddressOrNetwork() {
        for (String ok : new String[] {"192.0.2.7", "192.0.2.0/24", "2001:db8::/32", "::1"}) {
            assertThat(withScore(ListMatch.CLIENT, ok, 1).value()).isEqualTo(ok);
        }
        assertThatThrownBy(() -> withScore(ListMatch.CLIENT, "localhost", 1))
                .hasMessage("value must be an IP address or network such as 192.0.2.0/24 or 2001:db8::/32 (host"
                        + " names are not allowed), not \"localhost\"");
        assertThatThrownBy(() -> withScore(ListMatch.CLIENT, "192.0.2.1/24", 1))
                .hasMessage("value has host bits set after the /24 prefix; write 192.0.2.0/24");
    }

    @Test
    void heloValueIsANameOrDotDomain() {
        for (String ok : new String[] {"mail.example.com", ".example.com", "localhost", "host_1.example"}) {
            assertThat(withScore(ListMatch.HELO, ok, 1).value()).isEqualTo(ok);
        }
        for (String bad : new String[] {"", ".", "..example.com", "bad name", "a@b.example", "example.com.",
                "[192.0.2.1]", "-x.example"}) {
            assertThatThrownBy(() -> withScore(ListMatch.HELO, bad, 1)).as(bad)
                    .hasMessage("value must be a host name such as mail.example.com, or .example.com for its"
                            + " subdomains, not " + Checks.quote(bad));
        }
    }

    @Test
    void senderAndRecipientValuesAreAddressesOrDomains() {
        for (ListMatch m : new ListMatch[] {ListMatch.SENDER, ListMatch.RECIPIENT}) {
            for (String ok : new String[] {"user@example.com", "first.last+tag@mail.example.com", "example.com",
                    ".example.com"}) {
                assertThat(withScore(m, ok, 1).value()).as(ok).isEqualTo(ok);
            }
            for (String bad : new String[] {"", "@example.com", "user@", "user@@example.com", "a b@example.com",
                    "user@bad domain", ".", "user@.example.com"}) {
                assertThatThrownBy(() -> withScore(m, bad, 1)).as(bad)
                        .hasMessage("value must be an address such as user@example.com, a domain such as example.com,"
                                + " or .example.com for the domain and its subdomains, not " + Checks.quote(bad));
            }
        }
    }

    @Test
    void enumsHaveYamlNames() {
        assertThat(ListAction.SOFT_REJECT.yamlName()).isEqualTo("soft_reject");
        assertThat(ListMatch.RECIPIENT.yamlName()).isEqualTo("recipient");
    }
}
