package org.postern.bayes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

class BayesTokenizerTest {

    // Bigrams on (window 5), so the tests see every kind of token; the default turns them off (measured).
    private static final BayesTokenizer TOKENIZER = BayesTokenizer.create(new TokenizerSettings(512 * 1024, 20_000, 5));

    private static byte[] crlf(String message) {
        return message.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static String base64(String text, Charset charset) {
        return Base64.getMimeEncoder().encodeToString(text.getBytes(charset));
    }

    private static final String MULTIPART = """
            Received: from mx.bad-sender.example (mx.bad-sender.example [203.0.113.5])
            \tby mail.postern.test (Postfix) with ESMTP id 4Xb9kT1z3Q
            From: "Pay Pal Security" <alert@pay-pal.example>
            Reply-To: collect@drop.example
            To: alice@postern.test, bob@postern.test
            Cc: carol@postern.test
            Subject: =?UTF-8?B?WW91ciBhY2NvdW50IGlzIHN1c3BlbmRlZA==?=
            Message-ID: <abc123@mailer.bad-sender.example>
            X-Mailer: Mass Mailer   Pro 5.1
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="outer"

            --outer
            Content-Type: multipart/alternative; boundary="inner"

            --inner
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: base64

            %s
            --inner
            Content-Type: text/html; charset=iso-8859-1
            Content-Transfer-Encoding: quoted-printable

            <html><head><style>.x { color: red }</style><script>var hidden=3D1;</script></head>
            <body><p>Caf=E9 &amp; cr=E8me. <a href=3D"https://login.secure.phish.example/verify?id=3D7">Click =
            here</a> <!-- invisible comment --> <img src=3D'http://cdn.tracker.example/p.gif'></p></body></html>
            --inner--
            --outer
            Content-Type: application/pdf; name="invoice.pdf"
            Content-Disposition: attachment; filename="Invoice_2026.PDF"
            Content-Transfer-Encoding: base64

            JVBERi0xLjQKJcfsj6IK
            --outer--
            """.formatted(base64("Verify your account now at http://www.verify-now.example/login or write to "
            + "help@support-desk.biz today, or see shop.example.net.", StandardCharsets.UTF_8));

    @Test
    void decodesBase64TextPartIntoWordsUrlsAndAddresses() {
        List<String> tokens = TOKENIZER.explain(crlf(MULTIPART));
        assertThat(tokens).contains("w:verify", "w:account", "w:today",
                "uh:www.verify-now.example", "uh:verify-now.example", "u:www.verify-now.example/login",
                "e:help@support-desk.biz", "eh:support-desk.biz", "uh:shop.example.net", "uh:example.net",
                "ct:text/plain", "charset:utf-8", "cte:base64");
    }

    @Test
    void decodesQuotedPrintableHtmlInItsCharsetAndKeepsLinkHosts() {
        List<String> tokens = TOKENIZER.explain(crlf(MULTIPART));
        assertThat(tokens).contains("w:café", "w:crème", "w:click", "w:here", "b:click|here",
                "uh:login.secure.phish.example", "uh:secure.phish.example", "uh:phish.example",
                "uh:cdn.tracker.example", "ct:text/html", "charset:iso-8859-1", "cte:quoted-printable");
        assertThat(tokens).as("script, style, comments and markup are not text")
                .doesNotContain("w:hidden", "w:color", "w:red", "w:invisible", "w:href", "w:html", "w:p");
    }

    @Test
    void recordsAttachmentNameExtensionAndTypeButNotItsBytes() {
        List<String> tokens = TOKENIZER.explain(crlf(MULTIPART));
        assertThat(tokens).contains("att:name:invoice_2026.pdf", "att:ext:pdf", "ct:application/pdf",
                "ct:multipart/mixed", "ct:multipart/alternative");
        assertThat(tokens).noneMatch(t -> t.toLowerCase().contains("jvberi"));
    }

    @Test
    void prefixesSelectedHeaderTokensWithTheHeaderName() {
        List<String> tokens = TOKENIZER.explain(crlf(MULTIPART));
        assertThat(tokens).contains(
                "h:from:alert@pay-pal.example", "h:from:pay-pal.example", "h:from-name:pay", "h:from-name:security",
                "h:reply-to:collect@drop.example", "h:reply-to:drop.example",
                "subject:your", "subject:account", "subject:suspended",
                "h:received:mx.bad-sender.example", "h:received:mail.postern.test", "h:received:ip:203.0.113",
                "h:message-id:mailer.bad-sender.example", "h:x-mailer:mass mailer pro 5.1",
                "h:content-type:multipart/mixed", "h:rcpt-count:3-5");
        assertThat(tokens).as("subject words are not body words").doesNotContain("w:suspended");
    }

    @Test
    void returnsDistinctTokensSorted() {
        List<String> tokens = TOKENIZER.explain(crlf(MULTIPART));
        assertThat(tokens).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void splitsChineseAndJapaneseIntoBigrams() {
        String chinese = "免费发票请点击";
        String japanese = "今すぐクリック";
        byte[] message = crlf("""
                From: a@b.example
                Subject: =?UTF-8?B?%s?=
                Content-Type: text/plain; charset=gb2312
                Content-Transfer-Encoding: base64

                %s
                """.formatted(Base64.getEncoder().encodeToString(japanese.getBytes(StandardCharsets.UTF_8)),
                base64(chinese, Charset.forName("GB2312"))));
        List<String> tokens = TOKENIZER.explain(message);
        assertThat(tokens).contains("w:免费", "w:费发", "w:发票", "w:票请", "w:请点", "w:点击", "b:免费|费发",
                "charset:gb2312");
        assertThat(tokens).contains("subject:今す", "subject:すぐ", "subject:クリ", "subject:リッ", "subject:ック");
        assertThat(tokens).doesNotContain("w:" + chinese);
    }

    @Test
    void buildsOrthogonalSparseBigramsWithinTheWindow() {
        byte[] message = crlf("""
                Subject: x

                one two three four five six
                """);
        List<String> osb = TOKENIZER.explain(message);
        assertThat(osb).contains("b:one|two", "b2:one|three", "b3:one|four", "b4:one|five", "b4:two|six")
                .doesNotContain("b5:one|six", "b:two|one");

        List<String> adjacent = BayesTokenizer.create(new TokenizerSettings(1 << 20, 1000, 2)).explain(message);
        assertThat(adjacent).contains("b:one|two", "b:five|six").noneMatch(t -> t.startsWith("b2:"));

        List<String> none = BayesTokenizer.create(new TokenizerSettings(1 << 20, 1000, 1)).explain(message);
        assertThat(none).contains("w:one").noneMatch(t -> t.startsWith("b"));
    }

    @Test
    void ignoresBytesBeyondTheScanLimit() {
        String head = "Subject: limit\n\nalpha beta gamma\n";
        String filler = "filler ".repeat(2000);
        byte[] message = crlf(head + filler + "\nomega\n");
        var settings = new TokenizerSettings(head.length() + 100, 1000);

        List<String> cut = BayesTokenizer.create(settings).explain(message);
        assertThat(cut).contains("subject:limit", "w:alpha", "w:gamma", "w:filler").doesNotContain("w:omega");

        List<String> whole = TOKENIZER.explain(message);
        assertThat(whole).contains("w:omega");
    }

    @Test
    void stopsAtTheTokenLimitKeepingHeadersFirst() {
        var sb = new StringBuilder("Subject: first\n\n");
        for (int i = 0; i < 500; i++) {
            sb.append("word").append(i).append(' ');
        }
        var tokenizer = BayesTokenizer.create(new TokenizerSettings(1 << 20, 50, 1));
        List<String> tokens = tokenizer.explain(crlf(sb.toString()));
        assertThat(tokens).hasSize(50).contains("subject:first", "w:word0").doesNotContain("w:word499");
    }

    @Test
    void tokenizesAPlainMessageWithoutMimeHeadersAs8BitText() {
        byte[] latin1 = "Subject: hi\r\n\r\nna\u00efve r\u00e9sum\u00e9\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(TOKENIZER.explain(latin1)).contains("w:naïve", "w:résumé", "ct:text/plain");
        byte[] utf8 = "Subject: hi\r\n\r\nna\u00efve r\u00e9sum\u00e9\r\n".getBytes(StandardCharsets.UTF_8);
        assertThat(TOKENIZER.explain(utf8)).contains("w:naïve", "w:résumé");
    }

    @Test
    void survivesGarbageAndTruncatedMime() {
        byte[] truncated = crlf("""
                Content-Type: multipart/mixed; boundary="b"

                --b
                Content-Type: text/html; charset=no-such-charset
                Content-Transfer-Encoding: base64

                PGEgaHJlZj0iaHR0cDovL2V4YW1wbGUuY29tL3gi
                """);
        assertThat(TOKENIZER.explain(truncated)).contains("ct:text/html");
        byte[] garbage = new byte[4096];
        new java.util.Random(42).nextBytes(garbage);
        assertThat(TOKENIZER.explain(garbage)).isNotNull();
        assertThat(TOKENIZER.explain(new byte[0])).isNotNull();
    }

    @Test
    void replacesOverlongWordsBySkipTokens() {
        byte[] message = crlf("Subject: x\n\n" + "a".repeat(57) + " short\n");
        assertThat(TOKENIZER.explain(message)).contains("skip:a:50", "w:short").noneMatch(t -> t.contains("aaaaaaa"));
    }

    @Test
    void rejectsNonsensicalSettingsWithASentence() {
        var e = assertThrows(IllegalArgumentException.class, () -> new TokenizerSettings(0, 10));
        assertThat(e).hasMessage("maxBytesScanned must be positive but was 0");
        assertThrows(IllegalArgumentException.class, () -> new TokenizerSettings(10, 10, 9));
    }

    @Test
    void hashedTokensAreTheHashesOfTheExplainedStrings() {
        // Words and bigrams are hashed from Lucene's buffer without building strings; they must agree with the strings.
        byte[] message = crlf(MULTIPART);
        List<String> names = TOKENIZER.explain(message);
        assertThat(names).anyMatch(t -> t.startsWith("b:")).anyMatch(t -> t.startsWith("b4:"));
        assertThat(TOKENIZER.tokenize(message)).isEqualTo(MessageTokens.ofStrings(names));
    }
}
