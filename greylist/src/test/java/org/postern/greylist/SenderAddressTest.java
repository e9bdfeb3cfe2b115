package org.postern.greylist;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SenderAddressTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # case
            User@Example.ORG                                                  | user@example.org
            <User@Example.org>                                                | user@example.org
            # null sender stays null
            ''                                                                | ''
            <>                                                                | ''
            # +extension
            user+tag@example.org                                              | user@example.org
            user+a+b@example.org                                              | user@example.org
            list-bounces+alice=example.net@lists.example.org                  | list-bounces@lists.example.org
            +leading@example.org                                              | +leading@example.org
            no-reply@example.org                                              | no-reply@example.org
            # BATV, draft-levine-smtp-batv-01: prvs=TAG=local
            prvs=1123456789=user@example.org                                  | user@example.org
            PRVS=374a1453b=Andrew.Cooper3@citrix.com                          | andrew.cooper3@citrix.com
            prvs=1123456789=user+tag@example.org                              | user@example.org
            # BATV, older order: prvs=local/TAG
            prvs=user/1123456789@example.org                                  | user@example.org
            # Barracuda btv1==TAG==local
            btv1==0ebf4c7d08e==user@example.org                               | user@example.org
            # not BATV: tag is not alphanumeric, or nothing after it
            prvs=a.b=user@example.org                                         | prvs=a.b=user@example.org
            prvs=1234=@example.org                                            | prvs=1234=@example.org
            # SRS0 (Shevek): SRS0=HHH=TT=orig-domain=orig-local@forwarder
            SRS0=HHH=TT=example.org=user@forwarder.example.net                | user@example.org
            SRS0+HHH=TT=example.org=user@forwarder.example.net                | user@example.org
            srs0=Kjsf=5O=example.org=us=er@forwarder.example.net              | us=er@example.org
            # SRS1 (Mail::SRS::Guarded): SRS1=HHH=first-forwarder==HHH=TT=orig-domain=orig-local@forwarder
            SRS1=HHH=first.example==HHH=TT=example.org=user@second.example.net | user@example.org
            SRS1=HHH=first.example=+HHH=TT=example.org=user@second.example.net | user@example.org
            # not SRS: too few fields
            SRS0=HHH=TT=user@forwarder.example.net                            | srs0=hhh=tt=user@forwarder.example.net
            SRS1=HHH=first.example.com@second.example.net                     | srs1=hhh=first.example.com@second.example.net
            # nested as seen in the wild: SRS around IronPort BATV
            SRS0=Kjsf=5O=citrix.com=prvs=374a1453b=Andrew.Cooper3@srs-se1.protection.inumbo.net \
                    | andrew.cooper3@citrix.com
            # no address at all
            postmaster                                                        | postmaster
            """)
    void normalizesSender(String raw, String expected) {
        assertThat(SenderAddress.normalizeSender(raw)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            <Alice+Box@Example.NET> | alice+box@example.net
            bob@example.net         | bob@example.net
            """)
    void recipientIsOnlyLowerCasedAndUnbracketed(String raw, String expected) {
        assertThat(SenderAddress.normalizeRecipient(raw)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            user@example.org      | example.org
            a@b@example.org       | example.org
            ''                    | ''
            postmaster            | ''
            """)
    void domainIsWhatFollowsTheLastAt(String address, String expected) {
        assertThat(SenderAddress.domain(address)).isEqualTo(expected);
    }

    @Test
    void unwrapsAtMostABoundedNumberOfLayers() {
        String address = "user@example.org";
        for (int i = 0; i < SenderAddress.MAX_UNWRAPS + 2; i++) {
            address = "prvs=1234=" + address;
        }
        assertThat(SenderAddress.normalizeSender(address)).isEqualTo("prvs=1234=prvs=1234=user@example.org");
    }
}
