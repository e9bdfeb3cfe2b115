package org.postern.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postern.dns.DnsResolver;
import org.postern.dns.DnsResolverSettings;

/** Macro syntax and expansion (RFC 7208 §7), with the worked examples of §7.4. No DNS is asked. */
class MacroStringTest {

    /** Never contacted: nothing here uses %{p}. */
    private static DnsResolver unusedResolver;

    @BeforeAll
    static void createResolver() {
        unusedResolver = DnsResolver.create(DnsResolverSettings.defaults(
                List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9))));
    }

    @AfterAll
    static void closeResolver() {
        unusedResolver.close();
    }

    /** RFC 7208 §7.4: sender strong-bad@email.example.com, domain email.example.com, client 192.0.2.3. */
    private static String expand(String macroString, String ip) throws Exception {
        SpfQuery query = new SpfQuery(InetAddress.getByName(ip), "mx.example.org", "strong-bad@email.example.com",
                "receiver.example.net");
        Clock clock = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);
        Evaluation evaluation = new Evaluation(unusedResolver, SpfLimits.defaults(), clock, SpfRecord::parse, query,
                "strong-bad", "email.example.com");
        MacroString macros = MacroString.parse(macroString, MacroString.Context.EXPLANATION).value();
        return evaluation.expand(macros, "email.example.com").toCompletableFuture().get(1, TimeUnit.SECONDS);
    }

    private static String expand(String macroString) throws Exception {
        return expand(macroString, "192.0.2.3");
    }

    @Test
    void expandsTheRfc7208Section74Examples() throws Exception {
        assertThat(expand("%{s}")).isEqualTo("strong-bad@email.example.com");
        assertThat(expand("%{o}")).isEqualTo("email.example.com");
        assertThat(expand("%{d}")).isEqualTo("email.example.com");
        assertThat(expand("%{d4}")).isEqualTo("email.example.com");
        assertThat(expand("%{d3}")).isEqualTo("email.example.com");
        assertThat(expand("%{d2}")).isEqualTo("example.com");
        assertThat(expand("%{d1}")).isEqualTo("com");
        assertThat(expand("%{dr}")).isEqualTo("com.example.email");
        assertThat(expand("%{d2r}")).isEqualTo("example.email");
        assertThat(expand("%{l}")).isEqualTo("strong-bad");
        assertThat(expand("%{l-}")).isEqualTo("strong.bad");
        assertThat(expand("%{lr}")).isEqualTo("strong-bad");
        assertThat(expand("%{lr-}")).isEqualTo("bad.strong");
        assertThat(expand("%{l1r-}")).isEqualTo("strong");
        assertThat(expand("%{ir}.%{v}._spf.%{d2}")).isEqualTo("3.2.0.192.in-addr._spf.example.com");
        assertThat(expand("%{lr-}.lp._spf.%{d2}")).isEqualTo("bad.strong.lp._spf.example.com");
        assertThat(expand("%{lr-}.lp.%{ir}.%{v}._spf.%{d2}"))
                .isEqualTo("bad.strong.lp.3.2.0.192.in-addr._spf.example.com");
        assertThat(expand("%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}"))
                .isEqualTo("3.2.0.192.in-addr.strong.lp._spf.example.com");
        assertThat(expand("%{d2}.trusted-domains.example.net")).isEqualTo("example.com.trusted-domains.example.net");
    }

    @Test
    void expandsIpv6AsDottedNibbles() throws Exception {
        // RFC 7208 §7.4 writes the nibbles in lower case; we write upper case as the OpenSPF suite expects
        // (v-macro-ip6). DNS names compare without case, so the query is the same.
        assertThat(expand("%{ir}.%{v}._spf.%{d2}", "2001:db8::cb01")).isEqualToIgnoringCase(
                "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com");
        assertThat(expand("%{c}", "2001:db8::cb01")).isEqualTo("2001:db8::cb01");
        assertThat(expand("%{v}", "::ffff:192.0.2.3")).isEqualTo("in-addr");     // IPv4-mapped is IPv4
        assertThat(expand("%{i}", "::ffff:192.0.2.3")).isEqualTo("192.0.2.3");
    }

    @Test
    void expandsExplanationOnlyLetters() throws Exception {
        assertThat(expand("%{c} %{r} %{t}")).isEqualTo("192.0.2.3 receiver.example.net 1700000000");
        assertThat(expand("%{h}")).isEqualTo("mx.example.org");
        assertThat(expand("%{p}", "192.0.2.3")).isNotEmpty();
    }

    @Test
    void expandsEscapesAndUrlEscapesUpperCaseLetters() throws Exception {
        assertThat(expand("a%%b%_c%-d")).isEqualTo("a%b c%20d");
        assertThat(expand("%{L}")).isEqualTo("strong-bad");
        assertThat(MacroString.urlEscape("~jack&jill=up-a_b3.c")).isEqualTo("~jack%26jill%3Dup-a_b3.c");
        assertThat(MacroString.urlEscape("a b/\u00e9")).isEqualTo("a%20b%2F%C3%A9");
    }

    @Test
    void splitsOnEveryDelimiterGivenAndKeepsEmptyParts() throws Exception {
        assertThat(expand("%{l+-}")).isEqualTo("strong.bad");
        assertThat(expand("%{d999}")).isEqualTo("email.example.com");
        assertThat(expand("%{l2-}")).isEqualTo("strong.bad");
    }

    @Test
    void rejectsBadSyntax() {
        for (String bad : List.of("%", "a%", "%x", "%(ir)", "%{", "%{}", "%{x}", "%{a}", "%{d0}", "%{dr!}",
                "%{d}%", "foo%.bar", "%{s@}")) {
            assertThat(MacroString.parse(bad, MacroString.Context.EXPLANATION).isOk()).as(bad).isFalse();
        }
        // RFC 7208 §7.3: c, r and t belong to explanations only.
        for (String letter : List.of("c", "r", "t", "C")) {
            assertThat(MacroString.parse("%{" + letter + "}.example.com", MacroString.Context.DOMAIN_SPEC).isOk())
                    .as(letter).isFalse();
        }
        assertThat(MacroString.parse("a b", MacroString.Context.DOMAIN_SPEC).isOk()).isFalse();
        assertThat(MacroString.parse("a b", MacroString.Context.EXPLANATION).isOk()).isTrue();
        assertThat(MacroString.parse("caf\u00e9", MacroString.Context.EXPLANATION).isOk()).isFalse();
    }

    @Test
    void checksDomainEnd() {
        for (String good : List.of("example.com", "example.com.", "%{d}", "foo.%{d2}", "%{d}.com", "x.xn--zckzah",
                "foo:bar/baz.example.com", "a%%", "%{ir}.%{v}._spf.example.net", "x.1-2")) {
            assertThat(DomainSpec.parse(good).isOk()).as(good).isTrue();
        }
        for (String bad : List.of("", "museum", "museum.", "foo-bar", "example.-com", "abc.123", "111.222.33.44",
                "example.com:8080", "%{d}com", "example.com..", "example.com-")) {
            assertThat(DomainSpec.parse(bad).isOk()).as(bad).isFalse();
        }
    }
}
