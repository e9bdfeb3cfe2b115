package org.postern.daemon.cli;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.Supplier;

/**
 * One PATH argument of {@code postern learn}, and how to find the messages in it. {@link #of} decides the kind:
 * <ul>
 *   <li>{@code -}: one message on standard input (a Sieve {@code pipe}).</li>
 *   <li>A directory with {@code cur/} or {@code new/}: a Maildir. The files in {@code cur/} and {@code new/} are
 *       messages; {@code tmp/} (deliveries in progress) and Maildir++ subfolders ({@code .Junk/}) are not read:
 *       name a subfolder as its own PATH.</li>
 *   <li>Any other directory: every file below it, recursively, is a message file (or an mbox, by the rule for single
 *       files); hidden files and directories (names starting with {@code .}) are skipped, and a Maildir met on the
 *       way is read as a Maildir.</li>
 *   <li>A file whose first line starts with {@code From }: an mbox ({@link MboxSplitter}).</li>
 *   <li>Any other file: one message.</li>
 * </ul>
 * A PATH that does not exist or cannot be read becomes one {@link PendingMessage.Unreadable}; it never stops the run.
 */
sealed interface MessageSource {

    /** Receives what a source finds; may block while the queue behind it is full. */
    @FunctionalInterface
    interface Sink {
        void accept(PendingMessage message) throws InterruptedException;
    }

    /**
     * How many messages {@link #emit} will hand over (unreadable entries included), counted cheaply: by {@link #emit}
     * itself, with a size limit of 0 where there is one, so that no message is read into memory.
     */
    long count();

    /** Hands every message to {@code sink} on the calling thread; never throws for a file it cannot read. */
    void emit(Sink sink) throws InterruptedException;

    /**
     * The source for one PATH argument.
     *
     * @param maxMessageBytes messages larger than this become {@link PendingMessage.TooBig}
     * @param stdin           standard input, read only for {@code -}
     */
    static MessageSource of(String path, long maxMessageBytes, Supplier<InputStream> stdin) {
        requireNonNull(path, "path");
        if (path.equals("-")) {
            return new Stdin(stdin, maxMessageBytes);
        }
        Path p = Path.of(path);
        if (Files.isDirectory(p)) {
            return isMaildir(p) ? new Maildir(p) : new Tree(p, maxMessageBytes);
        }
        return new SingleFile(p, maxMessageBytes);
    }

    /** What {@code source.emit} hands over, counted; the counting sink never waits. */
    private static long counted(MessageSource source) {
        long[] n = {0};
        try {
            source.emit(message -> n[0]++);
        } catch (InterruptedException e) {
            throw new IllegalStateException("the counting sink never waits", e);
        }
        return n[0];
    }

    private static boolean isMaildir(Path dir) {
        return Files.isDirectory(dir.resolve("cur")) || Files.isDirectory(dir.resolve("new"));
    }

    /** A short reason for the summary: "no such file", "permission denied", else the exception's own words. */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** {@code -}: one message on standard input, read whole (up to the limit) here. */
    record Stdin(Supplier<InputStream> in, long maxMessageBytes) implements MessageSource {
        @Override
        public long count() {
            return 1;
        }

        @Override
        public void emit(Sink sink) throws InterruptedException {
            sink.accept(readAtMost("standard input", in.get(), maxMessageBytes));
        }
    }

    /** A Maildir: the files of {@code cur/} and {@code new/}. */
    record Maildir(Path dir) implements MessageSource {
        @Override
        public long count() {
            return counted(this);                  // lists the directories; reads no file
        }

        @Override
        public void emit(Sink sink) throws InterruptedException {
            emitFiles(dir.resolve("cur"), sink);
            emitFiles(dir.resolve("new"), sink);
        }

        private static void emitFiles(Path sub, Sink sink) throws InterruptedException {
            if (!Files.isDirectory(sub)) {
                return;                            // a Maildir that has only new/ so far is still a Maildir
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(sub)) {
                for (Path f : files) {
                    // Directory entries are not stat()ed here: the worker that reads the file finds out.
                    if (!hidden(f)) {
                        sink.accept(new PendingMessage.OnDisk(f));
                    }
                }
            } catch (IOException e) {
                sink.accept(new PendingMessage.Unreadable(sub.toString(), reason(e)));
            } catch (DirectoryIteratorException e) {
                sink.accept(new PendingMessage.Unreadable(sub.toString(), reason(e.getCause())));
            }
        }
    }

    /** A directory of message files, read recursively; Maildirs inside it are read as Maildirs. */
    record Tree(Path dir, long maxMessageBytes) implements MessageSource {
        @Override
        public long count() {
            return counted(new Tree(dir, 0));
        }

        @Override
        public void emit(Sink sink) throws InterruptedException {
            try {
                walk(new Visitor() {
                    @Override
                    void file(Path file) throws InterruptedException {
                        new SingleFile(file, maxMessageBytes).emit(sink);     // a file in a tree may be an mbox
                    }

                    @Override
                    void maildir(Path maildir) throws InterruptedException {
                        new Maildir(maildir).emit(sink);
                    }

                    @Override
                    void unreadable(Path path, IOException e) throws InterruptedException {
                        sink.accept(new PendingMessage.Unreadable(path.toString(), reason(e)));
                    }
                });
            } catch (WalkInterrupted e) {
                throw (InterruptedException) e.getCause();
            }
        }

        /** What the walk found; InterruptedException travels through Files.walkFileTree wrapped, see walk(). */
        private abstract static class Visitor {
            abstract void file(Path file) throws InterruptedException;

            abstract void maildir(Path maildir) throws InterruptedException;

            abstract void unreadable(Path path, IOException e) throws InterruptedException;
        }

        private void walk(Visitor visitor) {
            try {
                Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                        if (!d.equals(dir) && hidden(d)) {
                            return FileVisitResult.SKIP_SUBTREE;
                        }
                        if (!d.equals(dir) && isMaildir(d)) {
                            run(() -> visitor.maildir(d));
                            return FileVisitResult.SKIP_SUBTREE;
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        // A link is read through (a dangling one is reported unreadable); FIFOs, devices: not mail.
                        if ((attrs.isRegularFile() || attrs.isSymbolicLink()) && !hidden(file)) {
                            run(() -> visitor.file(file));
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        run(() -> visitor.unreadable(file, e));
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path d, IOException e) {
                        if (e != null) {
                            run(() -> visitor.unreadable(d, e));
                        }
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                // Our visitor never throws IOException; walkFileTree reports failures to visitFileFailed.
                throw new IllegalStateException("walk of " + dir + " failed", e);
            }
        }

        @FunctionalInterface
        private interface Step {
            void run() throws InterruptedException;
        }

        /** Runs a visitor step; an interrupt stops the walk by the only way out of a FileVisitor. */
        private static void run(Step step) {
            try {
                step.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WalkInterrupted(e);
            }
        }
    }

    /** Carries an interrupt out of {@link Files#walkFileTree}, whose visitor cannot throw it. */
    final class WalkInterrupted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        WalkInterrupted(InterruptedException cause) {
            super(cause);
        }
    }

    /** A single file: an mbox when its first line is a From_ line, else one message. */
    record SingleFile(Path file, long maxMessageBytes) implements MessageSource {
        @Override
        public long count() {
            return counted(new SingleFile(file, 0));       // an mbox is split, its messages kept without bytes
        }

        @Override
        public void emit(Sink sink) throws InterruptedException {
            byte[] head = new byte[5];
            int n;
            try (InputStream in = Files.newInputStream(file)) {
                n = in.readNBytes(head, 0, head.length);
            } catch (IOException e) {
                sink.accept(new PendingMessage.Unreadable(file.toString(), reason(e)));
                return;
            }
            if (n == 0) {
                return;                 // an empty mailbox (a Junk mbox after expunge), not a broken message
            }
            if (!MboxSplitter.looksLikeMbox(head, n)) {
                sink.accept(new PendingMessage.OnDisk(file));
                return;
            }
            emitMbox(file, maxMessageBytes, sink);
        }
    }

    /** Splits an mbox, handing each message over as it is read; a read error ends the file as one unreadable. */
    static void emitMbox(Path file, long maxMessageBytes, Sink sink) throws InterruptedException {
        long[] last = {0};
        try (InputStream in = Files.newInputStream(file)) {
            new MboxSplitter(in, maxMessageBytes).split((number, bytes, size) -> {
                last[0] = number;
                String origin = file + " (message " + number + ")";
                sink.accept(bytes == null ? new PendingMessage.TooBig(origin, size)
                        : new PendingMessage.InMemory(origin, bytes));
            });
        } catch (IOException e) {
            sink.accept(new PendingMessage.Unreadable(file + " (after message " + last[0] + ")", reason(e)));
        }
    }

    /** Reads one message from a stream, at most {@code max} bytes of it; more makes it a {@code TooBig}. */
    static PendingMessage readAtMost(String origin, InputStream in, long max) {
        try {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (bytes.length > max) {
                // Read to the end, so the writer of a pipe is not cut off, and say how big it was.
                long size = bytes.length + in.transferTo(OutputStream.nullOutputStream());
                return new PendingMessage.TooBig(origin, size);
            }
            if (bytes.length == 0) {
                return new PendingMessage.Unreadable(origin, "empty message");
            }
            return new PendingMessage.InMemory(origin, bytes);
        } catch (IOException e) {
            return new PendingMessage.Unreadable(origin, reason(e));
        }
    }

    private static boolean hidden(Path p) {
        Path name = p.getFileName();
        return name != null && name.toString().startsWith(".");
    }
}
