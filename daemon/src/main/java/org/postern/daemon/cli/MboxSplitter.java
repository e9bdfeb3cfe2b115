package org.postern.daemon.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits an mbox file into messages, one line at a time, holding at most one message (up to the size limit) in memory.
 *
 * <p>The format is the one Postfix's local(8), Dovecot, mutt and Thunderbird write (RFC 4155, with the mboxrd
 * quoting of Hall's "mbox" notes):
 * <ol>
 *   <li>A message starts at a {@code From } line (the "From_ line": envelope sender and date) that is the first line
 *       of the file or follows an empty line. Requiring the empty line keeps an unquoted {@code From } in a body
 *       (mboxo writers that missed one) from cutting a message in two. The From_ line is not part of the message.</li>
 *   <li>The empty line before the next From_ line is the separator the writer added; it is dropped.</li>
 *   <li>{@code >From }, {@code >>From }, ... at the start of a line lose one {@code >} (mboxrd). mboxo quoted only
 *       {@code From } and never unquotes, so a body line that really began with {@code >From } comes out as
 *       {@code From }; a one-character change in a rare line does not matter to a Bayes model.</li>
 *   <li>Lines end in LF or CRLF; both are kept as they are. {@code Content-Length} (mboxcl2) is ignored: the
 *       From_ lines are quoted in every format we have met, so they are enough.</li>
 * </ol>
 * Bytes before the first From_ line (a file that is not quite an mbox) are ignored.
 *
 * <p>Not thread-safe: one splitter reads one file.
 */
final class MboxSplitter {

    /** Receives each message, in file order, on the thread that calls {@link #split}. */
    @FunctionalInterface
    interface Sink {
        /**
         * @param number    1 for the first message of the file
         * @param bytes     the message without its From_ line, unquoted; {@code null} when it was too big
         * @param sizeBytes the message's size (as stored, so before unquoting)
         */
        void accept(long number, byte[] bytes, long sizeBytes) throws InterruptedException;
    }

    private static final byte[] FROM = {'F', 'r', 'o', 'm', ' '};
    private static final int CHUNK_BYTES = 64 * 1024;

    private final InputStream in;
    private final long maxMessageBytes;
    private final byte[] chunk = new byte[CHUNK_BYTES];
    private int pos;
    private int limit;
    private byte[] line = new byte[256];
    /** Bytes of the current line kept in {@link #line}: at most {@link #lineCap}. */
    private int lineLength;
    /** The current line's whole size, terminator included. */
    private long lineSize;
    /**
     * A line longer than the largest message is kept only this far (the message is too big anyway, and the From_
     * check needs five bytes): a file with a gigabyte without a newline costs no more memory than a large message.
     */
    private final int lineCap;

    /** Reads {@code in} (the caller closes it); messages over {@code maxMessageBytes} are reported without bytes. */
    MboxSplitter(InputStream in, long maxMessageBytes) {
        this.in = in;
        this.maxMessageBytes = maxMessageBytes;
        this.lineCap = (int) Math.max(line.length, Math.min(Integer.MAX_VALUE - 8, maxMessageBytes + 2));
    }

    /** Whether {@code head} (the first bytes of a file) starts with a From_ line, the sign of an mbox. */
    static boolean looksLikeMbox(byte[] head, int length) {
        return startsWith(head, 0, length, FROM);
    }

    /** Reads to the end of the stream, handing each message to {@code sink}; returns how many there were. */
    long split(Sink sink) throws IOException, InterruptedException {
        Message current = null;
        long number = 0;
        boolean previousEmpty = true;          // the start of the file counts as "after an empty line"
        while (readLine()) {
            int contentEnd = contentEnd();
            if (previousEmpty && startsWith(line, 0, contentEnd, FROM)) {
                if (current != null) {
                    current.finish(sink);
                }
                current = new Message(++number);
                previousEmpty = false;
                continue;
            }
            previousEmpty = contentEnd == 0;
            if (current == null) {
                continue;
            }
            int skip = quoteToDrop(contentEnd);
            current.append(line, skip, lineLength - skip, lineSize, previousEmpty);
        }
        if (current != null) {
            current.finish(sink);
        }
        return number;
    }

    /** 1 when the line is {@code >+From } (mboxrd quoting), else 0. */
    private int quoteToDrop(int contentEnd) {
        int i = 0;
        while (i < contentEnd && line[i] == '>') {
            i++;
        }
        return i > 0 && startsWith(line, i, contentEnd, FROM) ? 1 : 0;
    }

    /** Where the line's content ends: before its LF or CRLF. */
    private int contentEnd() {
        int end = lineLength;
        if (end > 0 && line[end - 1] == '\n') {
            end--;
            if (end > 0 && line[end - 1] == '\r') {
                end--;
            }
        }
        return end;
    }

    private static boolean startsWith(byte[] b, int from, int to, byte[] prefix) {
        return to - from >= prefix.length && Arrays.equals(b, from, from + prefix.length, prefix, 0, prefix.length);
    }

    /** The next line with its terminator into {@link #line}; false at the end of the stream. */
    private boolean readLine() throws IOException {
        lineLength = 0;
        lineSize = 0;
        while (true) {
            if (pos == limit) {
                limit = in.read(chunk, 0, chunk.length);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    return lineSize > 0;
                }
            }
            int start = pos;
            while (pos < limit && chunk[pos] != '\n') {
                pos++;
            }
            boolean ended = pos < limit;
            if (ended) {
                pos++;                         // keep the LF
            }
            int n = pos - start;
            lineSize += n;
            int keep = Math.min(n, lineCap - lineLength);
            if (keep > 0) {
                if (lineLength + keep > line.length) {
                    line = Arrays.copyOf(line, (int) Math.min(lineCap, Math.max((long) line.length * 2,
                            lineLength + keep)));
                }
                System.arraycopy(chunk, start, line, lineLength, keep);
                lineLength += keep;
            }
            if (ended) {
                return true;
            }
        }
    }

    /** The message being read: its bytes while under the limit, its size always. */
    private final class Message {
        private final long number;
        private byte[] bytes = new byte[8192];
        private int length;
        private long size;
        private boolean tooBig;
        /** Where the last line starts if it was empty (the separator to drop at the end), else -1. */
        private int emptyLineStart = -1;
        private long emptyLineSize;

        Message(long number) {
            this.number = number;
        }

        void append(byte[] b, int off, int len, long storedLength, boolean empty) {
            size += storedLength;
            emptyLineStart = empty ? length : -1;
            emptyLineSize = empty ? storedLength : 0;
            if (tooBig) {
                return;
            }
            if (size - 2 > maxMessageBytes) {  // - 2: room for the separator line that finish() drops
                tooBig = true;
                bytes = null;
                return;
            }
            if (length + len > bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) Math.min(Integer.MAX_VALUE - 8,
                        Math.max((long) bytes.length * 2, (long) length + len)));
            }
            System.arraycopy(b, off, bytes, length, len);
            length += len;
        }

        void finish(Sink sink) throws InterruptedException {
            long stored = size;
            if (emptyLineStart >= 0) {
                stored -= emptyLineSize;
                if (!tooBig) {
                    length = emptyLineStart;
                }
            }
            if (tooBig || stored > maxMessageBytes) {
                sink.accept(number, null, stored);
            } else {
                sink.accept(number, Arrays.copyOf(bytes, length), stored);
            }
        }
    }
}
