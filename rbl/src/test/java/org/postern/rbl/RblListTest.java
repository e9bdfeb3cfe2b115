package org.postern.rbl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RblListTest {

    private static final List<ReturnCodeRule> RULES = List.of(ReturnCodeRule.exact("RBL_TEST", "127.0.0.2"));

    private static RblList list(String name, String zone, Optional<String> key, boolean ip, Set<NameKind> kinds,
                                Optional<String> template) {
        return new RblList(name, zone, key, ip, kinds, RULES, template);
    }

    @Test
    void toStringNeverShowsTheKey() {
        RblList dqs = RblList.spamhausZenDqs("abcdefghijklmnopqrstuvwxyz");
        assertThat(dqs.keyPrefix()).hasValue("abcdefghijklmnopqrstuvwxyz");
        assertThat(dqs.toString()).contains("keyPrefix=<redacted>").doesNotContain("abcdefghijklmnopqrstuvwxyz");
    }

    @Test
    void refusesBadKeysWithoutEchoingThem() {
        assertThatThrownBy(() -> RblList.spamhausZenDqs("Secret Key"))
                .hasMessageContaining("list zen: key prefix").hasMessageNotContaining("Secret");
    }

    @Test
    void refusesBadNamesAndZones() {
        assertThatThrownBy(() -> list("Zen", "zen.example", Optional.empty(), true, Set.of(), Optional.empty()))
                .hasMessageContaining("list name must be lower-case").hasMessageContaining("'Zen'");
        assertThatThrownBy(() -> list("zen", "zen.example.", Optional.empty(), true, Set.of(), Optional.empty()))
                .hasMessageContaining("list zen: zone must be").hasMessageContaining("'zen.example.'");
        assertThatThrownBy(() -> list("zen", "Zen.Example", Optional.empty(), true, Set.of(), Optional.empty()))
                .hasMessageContaining("lower-case DNS name");
    }

    @Test
    void refusesAListThatChecksNothingOrHasNoRules() {
        assertThatThrownBy(() -> list("zen", "zen.example", Optional.empty(), false, Set.of(), Optional.empty()))
                .hasMessageContaining("list zen checks nothing");
        assertThatThrownBy(() -> new RblList("zen", "zen.example", Optional.empty(), true, Set.of(), List.of(),
                Optional.empty())).hasMessageContaining("list zen has no return-code rules");
    }

    @Test
    void refusesAZoneTooLongForAnIpv6Query() {
        String zone = ("a".repeat(60) + ".").repeat(3) + "example";   // 190 characters: 64 + 1 + 190 > 253
        assertThatThrownBy(() -> list("long", zone, Optional.empty(), true, Set.of(), Optional.empty()))
                .hasMessageContaining("too long for an IPv6 query name");
        // A name-only list has no such limit; each name is checked when it is looked up.
        assertThat(list("long", zone, Optional.empty(), false, Set.of(NameKind.HELO), Optional.empty()).zone())
                .isEqualTo(zone);
    }

    @Test
    void refusesATemplateWithAnUnknownVariableNamingTheList() {
        assertThatThrownBy(() -> list("zen", "zen.example", Optional.empty(), true, Set.of(),
                Optional.of("blocked, see https://example.test/?ip=$client_ip")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("list zen: reply template uses $client_ip");
    }

    @Test
    void copiesItsCollections() {
        Set<NameKind> kinds = EnumSet.of(NameKind.HELO);
        RblList l = list("dbl", "dbl.example", Optional.empty(), false, kinds, Optional.empty());
        kinds.add(NameKind.SENDER_DOMAIN);
        assertThat(l.nameKinds()).containsExactly(NameKind.HELO);
        assertThatThrownBy(() -> l.nameKinds().add(NameKind.CLIENT_NAME))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void spamhausZenMapsTheDocumentedCodes() {
        RblList zen = RblList.spamhausZen();
        assertThat(zen.zone()).isEqualTo("zen.spamhaus.org");
        assertThat(zen.checksIp()).isTrue();
        assertThat(zen.nameKinds()).isEmpty();
        assertThat(symbolFor(zen, "127.0.0.2")).containsExactly("RBL_ZEN_SBL");
        assertThat(symbolFor(zen, "127.0.0.3")).containsExactly("RBL_ZEN_SBL");
        assertThat(symbolFor(zen, "127.0.0.9")).containsExactly("RBL_ZEN_SBL");
        assertThat(symbolFor(zen, "127.0.0.4")).containsExactly("RBL_ZEN_XBL");
        assertThat(symbolFor(zen, "127.0.0.7")).containsExactly("RBL_ZEN_XBL");
        assertThat(symbolFor(zen, "127.0.0.10")).containsExactly("RBL_ZEN_PBL");
        assertThat(symbolFor(zen, "127.0.0.11")).containsExactly("RBL_ZEN_PBL");
        assertThat(symbolFor(zen, "127.0.0.8")).isEmpty();
        assertThat(RblList.spamhausZenDqs("abcdefghijklmnopqrstuvwxyz").zone()).isEqualTo("zen.dq.spamhaus.net");
    }

    @Test
    void spamhausDblChecksEveryNameKind() {
        RblList dbl = RblList.spamhausDbl();
        assertThat(dbl.checksIp()).isFalse();
        assertThat(dbl.nameKinds()).containsExactlyInAnyOrder(NameKind.values());
        assertThat(symbolFor(dbl, "127.0.1.2")).containsExactly("RBL_DBL_SPAM");
        assertThat(symbolFor(dbl, "127.0.1.104")).containsExactly("RBL_DBL_ABUSED");
        assertThat(symbolFor(dbl, "127.0.1.255")).isEmpty();   // "IP queries prohibited", not a listing
        assertThat(RblList.spamhausDblDqs("abcdefghijklmnopqrstuvwxyz").zone()).isEqualTo("dbl.dq.spamhaus.net");
    }

    private static List<String> symbolFor(RblList list, String code) {
        return list.rules().stream().filter(r -> r.matches(Ipv4.parse(code).orElseThrow()))
                .map(ReturnCodeRule::symbol).toList();
    }
}
