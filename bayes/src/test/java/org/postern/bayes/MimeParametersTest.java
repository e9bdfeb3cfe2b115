package org.postern.bayes;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MimeParametersTest {

    @Test
    void readsTokensQuotedStringsAndExtendedValuesCaseInsensitively() {
        assertThat(MimeParameters.get("text/plain; Charset=UTF-8", "charset")).isEqualTo("UTF-8");
        assertThat(MimeParameters.get("attachment; filename=\"a \\\"b\\\".pdf\"", "filename")).isEqualTo("a \"b\".pdf");
        assertThat(MimeParameters.get("attachment; filename*=utf-8''r%C3%A9sum%C3%A9.pdf", "filename"))
                .isEqualTo("r%C3%A9sum%C3%A9.pdf");
        assertThat(MimeParameters.get("text/html", "charset")).isNull();
        assertThat(MimeParameters.get("text/plain; format=flowed", "charset")).isNull();
    }

    @Test
    void aValueAfterTextWhoseLowerCaseIsLongerIsReadWhole() {
        // "İ" lower-cases to two chars; indexes taken from a lower-cased copy would cut the value.
        assertThat(MimeParameters.get("application/x-İİİİ; name=\"report.pdf\"", "name")).isEqualTo("report.pdf");
    }
}
