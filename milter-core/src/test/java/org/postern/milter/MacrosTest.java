package org.postern.milter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MacrosTest {

    private final Macros macros = Macros.empty()
            .with(MacroStage.CONNECT, Map.of("j", "mx.example.test", "{daemon_name}", "ORIGINATING"))
            .with(MacroStage.MAIL, Map.of("{mail_addr}", "a@remote.test"))
            .with(MacroStage.END_OF_MESSAGE, Map.of("{daemon_name}", "mx.example.test", "i", "QID"));

    @Test
    void findsNamesWithOrWithoutBraces() {
        assertEquals(Optional.of("a@remote.test"), macros.get("mail_addr"));
        assertEquals(Optional.of("a@remote.test"), macros.get("{mail_addr}"));
        assertEquals(Optional.of("mx.example.test"), macros.get("j"));
        assertEquals(Optional.of("mx.example.test"), macros.get("{j}"));
    }

    @Test
    void toleratesOddNames() {
        assertEquals(Optional.empty(), macros.get("{"));
        assertEquals(Optional.empty(), macros.get("}"));
        assertEquals(Optional.empty(), macros.get("{mail_addr"));
        assertEquals(Optional.empty(), macros.get(""));
    }

    @Test
    void looksUpTheLatestStageFirst() {
        assertEquals(Optional.of("mx.example.test"), macros.get("daemon_name"));
        assertEquals(Optional.of("ORIGINATING"), macros.get(MacroStage.CONNECT, "daemon_name"));
    }

    @Test
    void dropsStagesWithoutTouchingTheOriginal() {
        Macros connectOnly = macros.without(MacroStage.MAIL, MacroStage.END_OF_MESSAGE);
        assertEquals(Optional.empty(), connectOnly.get("i"));
        assertEquals(Optional.of("ORIGINATING"), connectOnly.get("daemon_name"));
        assertEquals(Optional.of("QID"), macros.get("i"));
        assertThat(connectOnly.stage(MacroStage.MAIL)).isEmpty();
    }

    @Test
    void optionsCopyTheirMacroListsAndRefuseNamesThatBreakTheWireFormat() {
        List<String> names = new ArrayList<>(List.of("{client_addr}"));
        var options = new MilterOptions(Set.of(), Set.of(), Map.of(MacroStage.CONNECT, names));
        names.add("{client_port}");
        assertEquals(List.of("{client_addr}"), options.macroRequests().get(MacroStage.CONNECT));
        assertThatThrownBy(() -> new MilterOptions(Set.of(), Set.of(),
                Map.of(MacroStage.CONNECT, List.of("a b"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a b'");
        assertThatThrownBy(() -> new MilterOptions(Set.of(), Set.of(),
                Map.of(MacroStage.HEADER, List.of("i"))))
                .hasMessage("macros cannot be requested for stage HEADER");
    }
}
