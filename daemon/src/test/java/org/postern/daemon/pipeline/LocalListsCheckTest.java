package org.postern.daemon.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LocalListsCheckTest {

    @Test
    void aDomainMatchesItselfAndTheNamesBelowItAsInPostfixAccessMaps() {
        assertThat(LocalListsCheck.nameMatches("example.com", "example.com")).isTrue();
        assertThat(LocalListsCheck.nameMatches("example.com", "mail.example.com")).isTrue();
        assertThat(LocalListsCheck.nameMatches("example.com", "badexample.com")).isFalse();
        assertThat(LocalListsCheck.nameMatches("example.com", "example.com.evil")).isFalse();
        assertThat(LocalListsCheck.nameMatches("example.com", "")).isFalse();
    }

    @Test
    void aLeadingDotMatchesOnlyTheNamesBelow() {
        assertThat(LocalListsCheck.nameMatches(".example.com", "example.com")).isFalse();
        assertThat(LocalListsCheck.nameMatches(".example.com", "a.b.example.com")).isTrue();
        assertThat(LocalListsCheck.nameMatches(".example.com", "xexample.com")).isFalse();
    }

    @Test
    void addressesMatchWholeAddressesOrTheirDomain() {
        assertThat(LocalListsCheck.addressMatches("a@example.com", "a@example.com")).isTrue();
        assertThat(LocalListsCheck.addressMatches("a@example.com", "b@example.com")).isFalse();
        assertThat(LocalListsCheck.addressMatches("example.com", "b@sub.example.com")).isTrue();
        assertThat(LocalListsCheck.addressMatches("example.com", "")).isFalse();  // the null sender
        assertThat(LocalListsCheck.addressMatches("example.com", "postmaster")).isFalse();
    }
}
