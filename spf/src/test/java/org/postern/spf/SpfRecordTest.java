package org.postern.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Record selection and syntax (RFC 7208 §4.5, §4.6, §5, §6, §12). */
class SpfRecordTest {

    private static SpfRecord parse(String text) {
        Parsed<SpfRecord> parsed = SpfRecord.parse(text);
        assertThat(parsed.isOk()).as("%s: %s", text, parsed.isOk() ? "" : parsed.error()).isTrue();
        return parsed.value();
    }

    private static void assertSyntaxError(String text) {
        assertThat(SpfRecord.parse(text).isOk()).as(text).isFalse();
    }

    @Test
    void recognisesTheVersionWithoutCaseAndOnlyAsAWholeWord() {
        assertThat(SpfRecord.hasVersion("v=spf1")).isTrue();
        assertThat(SpfRecord.hasVersion("V=SpF1 -all")).isTrue();
        assertThat(SpfRecord.hasVersion("v=spf10")).isFalse();
        assertThat(SpfRecord.hasVersion("v=spf1mx")).isFalse();
        assertThat(SpfRecord.hasVersion(" v=spf1")).isFalse();
        assertThat(SpfRecord.hasVersion("spf2.0/pra")).isFalse();
    }

    @Test
    void parsesEveryMechanismWithQualifiers() {
        SpfRecord record = parse("v=spf1 +all -include:_spf.example.net ~a ?a:%{d}/24//64 mx mx:mx.example.net//0"
                + " ptr ptr:example.net ip4:192.0.2.0/24 ip6:2001:db8::/32 exists:%{ir}.bl.example.org");
        assertThat(record.directives()).extracting(Directive::qualifier).containsExactly(
                Qualifier.PASS, Qualifier.FAIL, Qualifier.SOFTFAIL, Qualifier.NEUTRAL, Qualifier.PASS,
                Qualifier.PASS, Qualifier.PASS, Qualifier.PASS, Qualifier.PASS, Qualifier.PASS, Qualifier.PASS);
        assertThat(record.directives()).extracting(d -> d.mechanism().toString()).containsExactly(
                "all", "include:_spf.example.net", "a", "a:%{d}/24//64", "mx", "mx:mx.example.net//0", "ptr",
                "ptr:example.net", "ip4:192.0.2.0/24", "ip6:2001:db8::/32", "exists:%{ir}.bl.example.org");
        assertThat(record.directives()).extracting(d -> d.mechanism().queriesDns()).containsExactly(
                false, true, true, true, true, true, true, true, false, false, true);
        assertThat(record.directives().get(1).text()).isEqualTo("-include:_spf.example.net");
    }

    @Test
    void acceptsExtraSpacesAndMechanismNamesInAnyCase() {
        assertThat(parse("v=spf1  a   -ALL ").directives()).hasSize(2);
        assertThat(parse("v=spf1").directives()).isEmpty();
    }

    @Test
    void parsesModifiers() {
        SpfRecord record = parse("v=spf1 -all exp=explain.%{d} Redirect=_spf.example.net moo.cow-far_out=man:dog/cat");
        assertThat(record.explanation()).map(Object::toString).contains("exp=explain.%{d}");
        assertThat(record.redirect()).map(Object::toString).contains("redirect=_spf.example.net");
    }

    @Test
    void rejectsSyntaxErrorsAnywhere() {
        for (String bad : List.of(
                "v=spf1 ip4:1.2.3.4 -all moo",          // unknown mechanism
                "v=spf1 moo.cow/far_out=man:dog/cat",    // "/" before "=": a bad mechanism, not a modifier
                "v=spf1 moo.cow:far_out=man:dog/cat",
                "v=spf1 1up=foo", "v=spf1 =all",        // modifier names start with a letter
                "v=spf1 redirect:example.net",          // redirect is a modifier
                "v=spf1 -all.", "v=spf1 -all:foo", "v=spf1 -all/8",
                "v=spf1 a:museum", "v=spf1 a:", "v=spf1 a/33", "v=spf1 a//129", "v=spf1 a/24/64",
                "v=spf1 a:foo.example.com\u0000", "v=spf1 mx:abc.123", "v=spf1 mx: -all",
                "v=spf1 ptr/0", "v=spf1 ptr:",
                "v=spf1 include", "v=spf1 include:", "v=spf1 include:example.net/24",
                "v=spf1 exists", "v=spf1 exists:", "v=spf1 exists:example.net/24",
                "v=spf1 ip4", "v=spf1 ip4:1.2.3", "v=spf1 ip4:1.2.3.4/33", "v=spf1 ip4:1.2.3.4/032",
                "v=spf1 ip4:1.2.3.4//32", "v=spf1 ip4:1.2.3.4:8080", "v=spf1 ip4:01.2.3.4",
                "v=spf1 -all ip6", "v=spf1 ip6::CAFE::BABE", "v=spf1 ip6:::1/129", "v=spf1 ip6:::1//33",
                "v=spf1 exp= -all", "v=spf1 exp=-all", "v=spf1 redirect=", "v=spf1 redirect=-all",
                "v=spf1 exp=a.example.net exp=b.example.net", "v=spf1 redirect=a.example.net redirect=a.example.net",
                "v=spf1 -all foo=%abc", "v=spf1 exp=%{r}.example.net", "v=spf1 a:%{a}.example.net",
                "v=spf1 a:ctrl.example.com\rptr -all", "v=spf1 ip4:192.0.2.5\n include:x.example.net",
                "v=spf1 \u0080a:example.net", "v=spf1 a:\u00ef\u00bb\u00bfgarbage.example.net")) {
            assertSyntaxError(bad);
        }
    }

    @Test
    void acceptsOddButValidTerms() {
        parse("v=spf1 a:foo:bar/baz.example.com mx:foo.example.com/24 a:example.xn--zckzah ip6:::ffff:1.2.3.4");
        parse("v=spf1 default=pass other=%{c}%{r}%{t} exp=%{d}.example.net");
        parse("v=spf1 a:macro%%percent%_%_space%-url-space.example.com -all");
    }
}
