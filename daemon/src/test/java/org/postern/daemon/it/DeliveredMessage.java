package org.postern.daemon.it;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A message as virtual(8) wrote it into a Maildir: LF line ends, Postfix's Return-Path, Delivered-To and Received:
 * on top. Header fields are kept in file order; a folded field is unfolded (continuation lines joined with their
 * leading whitespace, the LF dropped), values have the whitespace after the colon removed.
 */
record DeliveredMessage(Path file, String raw, List<Map.Entry<String, String>> headers, String body) {

    DeliveredMessage {
        requireNonNull(file, "file");
        requireNonNull(raw, "raw");
        headers = List.copyOf(headers);
        requireNonNull(body, "body");
    }

    /** Reads and splits one delivered file. */
    static DeliveredMessage read(Path file) {
        String raw;
        try {
            raw = Files.readString(file, ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int end = raw.indexOf("\n\n");
        String head = end < 0 ? raw : raw.substring(0, end);
        String body = end < 0 ? "" : raw.substring(end + 2);
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (String line : head.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && !headers.isEmpty()) {
                Map.Entry<String, String> last = headers.remove(headers.size() - 1);
                headers.add(Map.entry(last.getKey(), last.getValue() + line));
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalStateException("not a header line in " + file + ": " + line);
            }
            headers.add(Map.entry(line.substring(0, colon), line.substring(colon + 1).strip()));
        }
        return new DeliveredMessage(file, raw, headers, body);
    }

    /** Every value of the field {@code name} (case-insensitive), in file order. */
    List<String> all(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        return headers.stream()
                .filter(h -> h.getKey().toLowerCase(Locale.ROOT).equals(wanted))
                .map(Map.Entry::getValue)
                .collect(Collectors.toList());
    }

    /** The single value of {@code name}, or empty when absent. */
    Optional<String> header(String name) {
        List<String> values = all(name);
        if (values.size() > 1) {
            throw new AssertionError("expected at most one " + name + " header, got " + values + " in\n" + raw);
        }
        return values.stream().findFirst();
    }

    /** The field names in file order, e.g. {@code [Return-Path, X-Original-To, Delivered-To, Received, ...]}. */
    List<String> names() {
        return headers.stream().map(Map.Entry::getKey).collect(Collectors.toList());
    }
}
