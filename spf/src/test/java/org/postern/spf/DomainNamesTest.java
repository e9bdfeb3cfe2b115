package org.postern.spf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Domain names before DNS (RFC 7208 §4.3, §7.1, §7.3). */
class DomainNamesTest {

    @Test
    void checkHostNeedsAMultiLabelWellFormedName() {
        assertThat(DomainNames.isCheckable("example.org")).isTrue();
        assertThat(DomainNames.isCheckable("example.org.")).isTrue();
        assertThat(DomainNames.isCheckable("a".repeat(63) + ".example.org")).isTrue();
        assertThat(DomainNames.isCheckable("a".repeat(64) + ".example.org")).isFalse();
        assertThat(DomainNames.isCheckable("A...example.com")).isFalse();
        assertThat(DomainNames.isCheckable("A2345678")).isFalse();
        assertThat(DomainNames.isCheckable("[1.2.3.5]")).isFalse();
        assertThat(DomainNames.isCheckable("")).isFalse();
        assertThat(DomainNames.isCheckable("a" + ".a".repeat(126))).isTrue();      // 253 chars
        assertThat(DomainNames.isCheckable("ab" + ".a".repeat(126))).isFalse();    // 254 chars
    }

    @Test
    void cutsLongExpandedNamesFromTheLeftByWholeLabels() {
        String o = "somewhat.long.exp.example.com";
        String expanded = "foobar." + (o + ".").repeat(8) + "example.com";
        assertThat(expanded.length()).isEqualTo(258);
        assertThat(DomainNames.queryName(expanded)).contains((o + ".").repeat(8) + "example.com");
        assertThat(DomainNames.queryName("example.org.")).contains("example.org");
        assertThat(DomainNames.queryName("mail.example...com")).isEmpty();
        assertThat(DomainNames.queryName("%25".repeat(22) + ".bar")).isEmpty();     // a 66-char label
        assertThat(DomainNames.queryName("x".repeat(300))).isEmpty();
    }

    @Test
    void comparesSubdomainsWithoutCase() {
        assertThat(DomainNames.isSameOrSubdomain("mail.Example.com", "example.COM")).isTrue();
        assertThat(DomainNames.isSameOrSubdomain("example.com.", "example.com")).isTrue();
        assertThat(DomainNames.isSameOrSubdomain("badexample.com", "example.com")).isFalse();
    }

    @Test
    void knowsTopLabels() {
        assertThat(DomainNames.isTopLabel("com")).isTrue();
        assertThat(DomainNames.isTopLabel("xn--zckzah")).isTrue();
        assertThat(DomainNames.isTopLabel("1-2")).isTrue();
        assertThat(DomainNames.isTopLabel("a1")).isTrue();
        assertThat(DomainNames.isTopLabel("123")).isFalse();
        assertThat(DomainNames.isTopLabel("-com")).isFalse();
        assertThat(DomainNames.isTopLabel("com-")).isFalse();
        assertThat(DomainNames.isTopLabel("co_m")).isFalse();
        assertThat(DomainNames.isTopLabel("")).isFalse();
    }
}
