package org.postern.greylist;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReverseNamesTest {

    private static final InetAddress CLIENT = Addresses.of("198.51.100.7");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            mail-yw1-f170.google.com       | google.com
            google.com                     | google.com
            a.b.c.mx.example.net           | example.net
            smtp.bbc.co.uk                 | bbc.co.uk
            mx1.example.com.au             | example.com.au
            mail.example.ne.jp             | example.ne.jp
            # narrower than the PSL: a short second-level label under a ccTLD keeps three labels
            mx.abc.de                      | mx.abc.de
            # a short second-level label under a gTLD is a registrant
            mta1.ibm.com                   | ibm.com
            mail.longname.de               | longname.de
            """)
    void approximatesTheRegisteredDomain(String name, String expected) {
        assertThat(ReverseNames.registeredDomain(name)).contains(expected);
    }

    @Test
    void singleLabelHasNoRegisteredDomain() {
        assertThat(ReverseNames.registeredDomain("localhost")).isEmpty();
    }

    @Test
    void groupsAVerifiedNameByItsDomainIgnoringCaseAndTrailingDot() {
        assertThat(ReverseNames.group(Optional.of("Mail-YW1-F170.Google.COM."), CLIENT))
                .contains(new ClientGroup(ClientGroup.Kind.REVERSE_DOMAIN, "google.com"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "unknown", "UNKNOWN", "[198.51.100.7]", "bad name.example.com", "a..example.com",
            "localhost"})
    void unusableNamesAreNotGrouped(String name) {
        assertThat(ReverseNames.group(Optional.of(name), CLIENT)).isEmpty();
    }

    @Test
    void absentNameIsNotGrouped() {
        assertThat(ReverseNames.group(Optional.empty(), CLIENT)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ec2-198-51-100-7.compute-1.amazonaws.com", "7.100.51.198.dsl.example.net",
            "host198.51.100.7.example.net", "c-198-051-100-007.hsd1.example.com"})
    void genericNamesThatEmbedTheAddressAreNotGrouped(String name) {
        assertThat(ReverseNames.isGeneric(name, CLIENT)).isTrue();
        assertThat(ReverseNames.group(Optional.of(name), CLIENT)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"mail-yw1-f170.google.com", "ec2-198-51-100-8.compute-1.amazonaws.com",
            "mx198.example.net", "mail-51-100.example.net"})
    void namesWithoutTheWholeAddressAreNotGeneric(String name) {
        assertThat(ReverseNames.isGeneric(name, CLIENT)).isFalse();
    }

    @Test
    void genericCheckSeesTheIpv4InsideAMappedAddress() {
        assertThat(ReverseNames.isGeneric("ec2-198-51-100-7.example.com", Addresses.ipv4Mapped("198.51.100.7")))
                .isTrue();
    }

}
