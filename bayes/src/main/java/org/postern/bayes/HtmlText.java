package org.postern.bayes;

import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small HTML-to-text stripper: tags become spaces, comments, {@code <script>} and {@code <style>} disappear, common
 * entities are decoded, and the host of every {@code href}, {@code src} and {@code action} URL is reported, because
 * spam hides its links behind innocent anchor text. Not a parser: malformed HTML degrades to "some text", never to an
 * error, and the work is linear in the input.
 */
final class HtmlText {

    private static final Pattern LINK = Pattern.compile(
            "(?i)\\b(?:href|src|action)\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s>]+))");

    private HtmlText() {
    }

    /** The text of {@code html}; {@code linkHosts} receives each link's host name (or a mailto: address's domain). */
    static String strip(String html, Consumer<String> linkHosts) {
        var out = new StringBuilder(html.length());
        // Markup is matched in place, ignoring the case of ASCII letters only, as HTML compares names: a lower-cased
        // copy can differ in length (Turkish İ becomes two chars), and its indices would point elsewhere in the html.
        int i = 0;
        while (i < html.length()) {
            char c = html.charAt(i);
            if (c == '<') {
                if (html.startsWith("<!--", i)) {
                    int end = html.indexOf("-->", i + 4);
                    i = end < 0 ? html.length() : end + 3;
                    continue;
                }
                int end = html.indexOf('>', i);
                if (end < 0) {
                    break;                                    // truncated tag: the rest is markup, not text
                }
                if (mayHoldLink(html, i + 1, end)) {
                    links(html.substring(i + 1, end), linkHosts);
                }
                String name = tagName(html, i + 1, end);
                i = end + 1;
                if (name.equals("script") || name.equals("style")) {
                    int close = indexOfIgnoringAsciiCase(html, "</" + name, i);
                    i = close < 0 ? html.length() : close;
                }
                out.append(' ');
            } else if (c == '&') {
                i = entity(html, i, out);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static String tagName(String html, int from, int end) {
        int j = from;
        while (j < end && Character.isLetterOrDigit(html.charAt(j))) {
            j++;
        }
        return html.substring(from, j).toLowerCase(Locale.ROOT);
    }

    private static int indexOfIgnoringAsciiCase(String html, String lowerCaseNeedle, int from) {
        for (int j = from; j <= html.length() - lowerCaseNeedle.length(); j++) {
            if (startsWithIgnoringAsciiCase(html, j, lowerCaseNeedle)) {
                return j;
            }
        }
        return -1;
    }

    /**
     * Whether {@code html} holds {@code lowerCaseWord} at {@code at}, A-Z taken as a-z and nothing else folded
     * ({@link String#regionMatches(boolean, int, String, int, int)} would also take ſ for s and ı for i).
     */
    private static boolean startsWithIgnoringAsciiCase(String html, int at, String lowerCaseWord) {
        if (at + lowerCaseWord.length() > html.length()) {
            return false;
        }
        for (int k = 0; k < lowerCaseWord.length(); k++) {
            char c = html.charAt(at + k);
            if ((c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c) != lowerCaseWord.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the tag text html[from, end) holds a link attribute's name and an '=', which every {@link #LINK} match
     * needs: most tags (p, br, td, font) do not, and this one linear pass is much cheaper than the pattern (which took
     * a tenth of the tokenizer's time on HTML spam).
     */
    private static boolean mayHoldLink(String html, int from, int end) {
        boolean name = false;
        boolean equals = false;
        for (int j = from; j < end && !(name && equals); j++) {
            char c = html.charAt(j);
            if (c == '=') {
                equals = true;
            } else if (startsWithIgnoringAsciiCase(html, j, "href") || startsWithIgnoringAsciiCase(html, j, "src")
                    || startsWithIgnoringAsciiCase(html, j, "action")) {
                name = true;
            }
        }
        return name && equals;
    }

    private static void links(String tag, Consumer<String> linkHosts) {
        Matcher m = LINK.matcher(tag);
        while (m.find()) {
            String value = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            String host = linkHost(value.trim().toLowerCase(Locale.ROOT));
            if (!host.isEmpty()) {
                linkHosts.accept(host);
            }
        }
    }

    /** The host of an absolute or scheme-relative URL, the domain of a mailto: address, or "". */
    static String linkHost(String url) {
        if (url.startsWith("mailto:")) {
            int at = url.indexOf('@');
            int end = url.indexOf('?');
            return at < 0 ? "" : url.substring(at + 1, end > at ? end : url.length());
        }
        int start = url.indexOf("://");
        if (start >= 0) {
            start += 3;
        } else if (url.startsWith("//")) {
            start = 2;
        } else {
            return "";                                        // relative link: no host
        }
        int end = start;
        while (end < url.length() && "/?#:\\".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        String host = url.substring(start, end);
        return host.substring(host.lastIndexOf('@') + 1);
    }

    /** Decodes the entity at {@code at} into {@code out} and returns the index after it; a lone '&' is kept. */
    private static int entity(String html, int at, StringBuilder out) {
        int semi = html.indexOf(';', at);
        if (semi < 0 || semi - at > 10) {
            out.append('&');
            return at + 1;
        }
        String name = html.substring(at + 1, semi);
        int codePoint = switch (name.toLowerCase(Locale.ROOT)) {
            case "amp" -> '&';
            case "lt" -> '<';
            case "gt" -> '>';
            case "quot" -> '"';
            case "apos" -> '\'';
            case "nbsp" -> ' ';
            default -> numeric(name);
        };
        if (codePoint < 0) {
            out.append('&');
            return at + 1;
        }
        out.appendCodePoint(codePoint);
        return semi + 1;
    }

    private static int numeric(String name) {
        if (name.length() < 2 || name.charAt(0) != '#') {
            return -1;
        }
        try {
            boolean hex = name.charAt(1) == 'x' || name.charAt(1) == 'X';
            int cp = Integer.parseInt(name.substring(hex ? 2 : 1), hex ? 16 : 10);
            return Character.isValidCodePoint(cp) ? cp : -1;
        } catch (NumberFormatException notANumber) {
            return -1;
        }
    }
}
