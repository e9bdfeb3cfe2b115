package org.postern.bayes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class HtmlTextTest {

    @Test
    void stripsTagsDecodesEntitiesAndReportsLinkHosts() {
        List<String> hosts = new ArrayList<>();
        String text = HtmlText.strip("<p>a&lt;b &#233;t&#xE9; &bogus; "
                + "<a href=\"HTTPS://User@Shop.Example:8080/x\">go</a><a href='mailto:x@mail.example?subject=hi'>m</a>"
                + "<a href=/relative>r</a><form action=//f.example/></form>", hosts::add);
        assertThat(text).contains("a<b été &bogus;", "go", " m ", " r ");
        assertThat(hosts).containsExactly("shop.example", "mail.example", "f.example");
    }

    @Test
    void dropsScriptStyleCommentsAndATruncatedTag() {
        String text = HtmlText.strip("x<script>evil()</script>y<STYLE>p{}</STYLE>z<!-- c -->w<a href=\"", h -> { });
        assertThat(text.replace(" ", "")).isEqualTo("xyzw");
    }

    @Test
    void markupAfterTextWhoseLowerCaseIsLongerIsStillFound() {
        // "İ".toLowerCase() is two chars: markup positions must not be taken from a lower-cased copy.
        List<String> hosts = new ArrayList<>();
        String text = HtmlText.strip("İİİİ<SCRIPT>hidden()</SCRIPT>shown <A HREF=\"mailto:x@msn.example\">m</A>"
                + "<!-- gone -->", hosts::add);
        assertThat(text).contains("shown", "m").doesNotContain("hidden", "gone");
        assertThat(hosts).containsExactly("msn.example");
    }

    @Test
    void linkAttributesAreFoundInAnyAsciiCaseAndOnlyWithAValue() {
        List<String> hosts = new ArrayList<>();
        HtmlText.strip("<A HREF = 'http://a.example/x'><img SRC=//b.example/i.gif><FORM Action=\"https://c.example/\">"
                + "<td href><font src><p class=x><a name=http://no.example/>", hosts::add);
        assertThat(hosts).containsExactly("a.example", "b.example", "c.example");
    }

    @Test
    void onlyAsciiLettersFoldWhenFindingTheEndOfAScript() {
        // Browsers end a script at </script> in any ASCII case, not at a long s (ſ) or a dotless i (ı) look-alike.
        String text = HtmlText.strip("<script>a</ſcript>b</scrıpt>c</SCRIPT>shown", h -> { });
        assertThat(text.strip()).isEqualTo("shown");
    }
}
