package org.postern.milter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MilterCommandTest {

    private static final Map<MilterCommand, ProtocolFlag> NO_REPLY_FLAGS = Map.of(
            new MilterCommand.Connect("h", MilterCommand.Family.INET, 1, "192.0.2.1"), ProtocolFlag.NR_CONNECT,
            new MilterCommand.Helo("h"), ProtocolFlag.NR_HELO,
            new MilterCommand.Mail("<a@b>", List.of()), ProtocolFlag.NR_MAIL,
            new MilterCommand.Rcpt("<a@b>", List.of()), ProtocolFlag.NR_RCPT,
            new MilterCommand.Data(), ProtocolFlag.NR_DATA,
            new MilterCommand.Header("Subject", "x"), ProtocolFlag.NR_HEADER,
            new MilterCommand.EndOfHeaders(), ProtocolFlag.NR_END_OF_HEADERS,
            new MilterCommand.Body(ByteBuffer.allocate(1)), ProtocolFlag.NR_BODY,
            new MilterCommand.Unknown("XFOO"), ProtocolFlag.NR_UNKNOWN);

    @Test
    void eachEventExpectsAReplyUnlessItsOwnNoReplyFlagWasAgreed() {
        NO_REPLY_FLAGS.forEach((command, flag) -> {
            assertThat(command.expectsReply(Set.of())).as(command.libmilterName()).isTrue();
            assertThat(command.expectsReply(Set.of(flag))).as(command.libmilterName()).isFalse();
            EnumSet<ProtocolFlag> others = EnumSet.allOf(ProtocolFlag.class);
            others.remove(flag);
            assertThat(command.expectsReply(others)).as(command.libmilterName() + " with other flags").isTrue();
        });
    }

    @Test
    void macroAbortAndQuitNeverExpectAReplyEndOfMessageAlwaysDoes() {
        Set<ProtocolFlag> all = EnumSet.allOf(ProtocolFlag.class);
        assertThat(new MilterCommand.Macro(MacroStage.CONNECT, Map.of()).expectsReply(Set.of())).isFalse();
        assertThat(new MilterCommand.Abort().expectsReply(Set.of())).isFalse();
        assertThat(new MilterCommand.Quit().expectsReply(Set.of())).isFalse();
        assertThat(new MilterCommand.QuitNewConnection().expectsReply(Set.of())).isFalse();
        assertThat(new MilterCommand.EndOfMessage().expectsReply(all)).isTrue();
    }

    @Test
    void modificationsNameTheActionTheyNeed() {
        assertThat(new MilterReply.AddHeader("X", "v").requiredAction()).isEqualTo(ActionFlag.ADD_HEADERS);
        assertThat(new MilterReply.InsertHeader(1, "X", "v").requiredAction()).isEqualTo(ActionFlag.ADD_HEADERS);
        assertThat(new MilterReply.ChangeHeader(1, "X", "").requiredAction()).isEqualTo(ActionFlag.CHANGE_HEADERS);
        assertThat(new MilterReply.Quarantine("r").requiredAction()).isEqualTo(ActionFlag.QUARANTINE);
        assertThat(new MilterReply.ReplaceBody(ByteBuffer.allocate(0)).requiredAction())
                .isEqualTo(ActionFlag.CHANGE_BODY);
    }
}
