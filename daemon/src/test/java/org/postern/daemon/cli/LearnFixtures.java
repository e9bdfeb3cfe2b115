package org.postern.daemon.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Distinct, small test messages and Maildirs of them for the learn tests. */
final class LearnFixtures {

    private LearnFixtures() {
    }

    /** Message {@code i}: its own Message-ID and a few words of its own, so every i is a different message. */
    static String message(int i) {
        return "From: Sender " + i + " <sender" + i + "@example.net>\nTo: user@example.org\nSubject: offer number " + i
                + "\nDate: Tue, 1 Dec 2026 10:00:00 +0000\nMessage-ID: <" + i + "@example.net>\n\n"
                + "Cheap pills and watches, offer " + i + ", word" + i + " token" + (i % 7) + ".\n";
    }

    /** A Maildir with messages {@code from..to-1} split over cur/ and new/, and a leftover in tmp/ that is not read. */
    static Path maildir(Path dir, int from, int to) throws IOException {
        Path cur = Files.createDirectories(dir.resolve("cur"));
        Path fresh = Files.createDirectories(dir.resolve("new"));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        for (int i = from; i < to; i++) {
            String name = "1764583200." + i + ".test";
            if (i % 2 == 0) {
                Files.writeString(cur.resolve(name + ":2,S"), message(i), UTF_8);
            } else {
                Files.writeString(fresh.resolve(name), message(i), UTF_8);
            }
        }
        Files.writeString(tmp.resolve("1764583200.in-progress.test"), message(-1), UTF_8);
        return dir;
    }

    /** An mbox with messages {@code from..to-1}, with From_ lines and mboxrd quoting of a body line. */
    static String mbox(int from, int to) {
        StringBuilder b = new StringBuilder();
        for (int i = from; i < to; i++) {
            b.append("From sender").append(i).append("@example.net Tue Dec  1 10:00:00 2026\n")
                    .append(message(i)).append(">From a quoted line\n\n");
        }
        return b.toString();
    }
}
