package org.postern.config;

import static java.util.Objects.requireNonNull;

/**
 * A configuration file that cannot be used, reported as {@code FILE:LINE:COLUMN: sentence}.
 *
 * <p>The sentence names the key path ({@code milter.max_frame_bytes}, {@code lists[2].score}) and says what is allowed:
 * the valid keys at that level, the valid choices of an enumeration, the range of a number. The position points at the
 * offending value, or at the key when the key itself is wrong (unknown or duplicated) or has no value. When the problem
 * has no position in the file (the file cannot be read), {@link #line()} and {@link #column()} are 0 and the message is
 * {@code FILE: sentence}.
 *
 * <p>Unchecked: a bad configuration stops the program that loads it (startup, {@code postern config check}) or makes
 * a reload keep the running configuration; nobody recovers from it in between.
 */
public final class ConfigException extends RuntimeException {

    private final String source;
    private final int line;
    private final int column;
    private final String sentence;

    /**
     * @param source   the file name as the user gave it (or a test's name); never null
     * @param line     1-based line, or 0 if the problem has no position
     * @param column   1-based column, or 0 if the problem has no position
     * @param sentence what is wrong and what is allowed, without the position; never null
     */
    public ConfigException(String source, int line, int column, String sentence) {
        super(format(requireNonNull(source, "source"), line, column, requireNonNull(sentence, "sentence")));
        if (line < 0 || column < 0) {
            throw new IllegalArgumentException("line and column must not be negative: " + line + ":" + column);
        }
        this.source = source;
        this.line = line;
        this.column = column;
        this.sentence = sentence;
    }

    private static String format(String source, int line, int column, String sentence) {
        return line == 0 ? source + ": " + sentence : source + ":" + line + ":" + column + ": " + sentence;
    }

    /** The file name as given to {@link ConfigLoader#load} or {@link ConfigLoader#parse}. Never null. */
    public String source() {
        return source;
    }

    /** 1-based line of the offending key or value; 0 when the problem has no position. */
    public int line() {
        return line;
    }

    /** 1-based column of the offending key or value; 0 when the problem has no position. */
    public int column() {
        return column;
    }

    /** The message without the {@code FILE:LINE:COLUMN: } prefix. Never null. */
    public String sentence() {
        return sentence;
    }
}
