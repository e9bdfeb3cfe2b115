package org.postern.daemon.it;

import java.util.List;

/**
 * Messages for the real-peer tests. Date and Message-ID are fixed, so Postfix adds neither and what the milter sees
 * depends only on the test (recorded transcripts stay readable and stable).
 */
final class TestMail {

    static final String DATE = "Mon, 01 Dec 2025 12:00:00 +0000";

    private TestMail() {}

    /**
     * A small text message. {@code extraHeaders} are whole header lines ({@code "X-Test: 1"}) placed after the
     * standard ones; {@code id} makes the Message-ID unique and is repeated in the body so a delivered file can be
     * matched to its send.
     */
    static String message(String id, String from, String to, String subject, List<String> extraHeaders) {
        StringBuilder m = new StringBuilder();
        m.append("Date: ").append(DATE).append("\r\n");
        m.append("From: <").append(from).append(">\r\n");
        m.append("To: <").append(to).append(">\r\n");
        m.append("Subject: ").append(subject).append("\r\n");
        m.append("Message-ID: <").append(id).append("@remote.test>\r\n");
        for (String header : extraHeaders) {
            m.append(header).append("\r\n");
        }
        m.append("\r\n");
        m.append("Hello,\r\n\r\nthis is test message ").append(id).append(".\r\n");
        m.append(".A line that starts with a dot.\r\n");
        return m.toString();
    }

    static String message(String id, String from, String to, String subject) {
        return message(id, from, to, subject, List.of());
    }
}
