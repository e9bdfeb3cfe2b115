package org.postern.daemon.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MessageSourceTest {

    @TempDir
    Path dir;

    @Test
    void aMaildirIsItsCurAndNewFilesWithoutTmpOrHiddenFilesOrSubfolders() throws Exception {
        Path maildir = LearnFixtures.maildir(dir.resolve("Maildir"), 0, 5);
        Files.writeString(maildir.resolve("cur/.hidden"), "x");
        LearnFixtures.maildir(maildir.resolve(".Junk"), 100, 103);      // Maildir++ subfolder: its own PATH
        Files.writeString(maildir.resolve("dovecot-uidlist"), "3 V1 N6\n");
        MessageSource source = MessageSource.of(maildir.toString(), 1000, () -> null);
        assertThat(source).isInstanceOf(MessageSource.Maildir.class);
        List<PendingMessage> found = emit(source);
        assertThat(found).hasSize(5).allMatch(m -> m instanceof PendingMessage.OnDisk);
        assertThat(found).noneMatch(m -> m.origin().contains("in-progress") || m.origin().contains(".Junk"));
        assertThat(source.count()).isEqualTo(5);
        assertThat(emit(MessageSource.of(maildir.resolve(".Junk").toString(), 1000, () -> null))).hasSize(3);
    }

    @Test
    void aDirectoryIsReadRecursivelyWithMboxesSplitAndMaildirsAsMaildirs() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("corpus/2026/12"));
        Files.writeString(tree.resolve("one.eml"), LearnFixtures.message(1), UTF_8);
        Files.writeString(dir.resolve("corpus/two.eml"), LearnFixtures.message(2), UTF_8);
        Files.writeString(dir.resolve("corpus/archive.mbox"), LearnFixtures.mbox(10, 13), UTF_8);
        Files.writeString(dir.resolve("corpus/.DS_Store"), "junk");
        Files.createDirectories(dir.resolve("corpus/.git"));
        Files.writeString(dir.resolve("corpus/.git/config"), "junk");
        LearnFixtures.maildir(dir.resolve("corpus/Maildir"), 20, 22);
        MessageSource source = MessageSource.of(dir.resolve("corpus").toString(), 1000, () -> null);
        assertThat(source).isInstanceOf(MessageSource.Tree.class);
        List<PendingMessage> found = emit(source);
        assertThat(found).hasSize(2 + 3 + 2);
        assertThat(found.stream().filter(m -> m instanceof PendingMessage.InMemory).map(PendingMessage::origin))
                .containsExactlyInAnyOrder(dir.resolve("corpus/archive.mbox") + " (message 1)",
                        dir.resolve("corpus/archive.mbox") + " (message 2)",
                        dir.resolve("corpus/archive.mbox") + " (message 3)");
        assertThat(found).noneMatch(m -> m.origin().contains(".git") || m.origin().contains(".DS_Store")
                || m.origin().contains("in-progress"));
        assertThat(source.count()).isEqualTo(7);
    }

    @Test
    void aSingleFileIsOneMessageUnlessItStartsWithAFromLine() throws Exception {
        Path eml = dir.resolve("one.eml");
        Files.writeString(eml, LearnFixtures.message(1), UTF_8);
        assertThat(emit(MessageSource.of(eml.toString(), 1000, () -> null)))
                .containsExactly(new PendingMessage.OnDisk(eml));
        Path mbox = dir.resolve("inbox");
        Files.writeString(mbox, LearnFixtures.mbox(0, 2), UTF_8);
        List<PendingMessage> messages = emit(MessageSource.of(mbox.toString(), 1000, () -> null));
        assertThat(messages).hasSize(2);
        assertThat(new String(((PendingMessage.InMemory) messages.get(1)).bytes(), UTF_8))
                .isEqualTo(LearnFixtures.message(1) + "From a quoted line\n");
        assertThat(MessageSource.of(mbox.toString(), 1000, () -> null).count()).isEqualTo(2);
        // Too big inside an mbox is decided while splitting.
        assertThat(emit(MessageSource.of(mbox.toString(), 20, () -> null)))
                .allMatch(m -> m instanceof PendingMessage.TooBig);
    }

    @Test
    void stdinIsOneMessageReadWholeUpToTheLimit() {
        byte[] m = LearnFixtures.message(1).getBytes(UTF_8);
        List<PendingMessage> one = emit(MessageSource.of("-", 1000, () -> new ByteArrayInputStream(m)));
        assertThat(((PendingMessage.InMemory) one.get(0)).bytes()).isEqualTo(m);
        assertThat(emit(MessageSource.of("-", 10, () -> new ByteArrayInputStream(m))))
                .containsExactly(new PendingMessage.TooBig("standard input", m.length));
        assertThat(emit(MessageSource.of("-", 10, () -> new ByteArrayInputStream(new byte[0]))))
                .containsExactly(new PendingMessage.Unreadable("standard input", "empty message"));
    }

    @Test
    void aMissingPathIsOneUnreadableEntryWithItsReason() {
        Path missing = dir.resolve("no-such-maildir");
        MessageSource source = MessageSource.of(missing.toString(), 1000, () -> null);
        assertThat(emit(source)).containsExactly(
                new PendingMessage.Unreadable(missing.toString(), "no such file or directory"));
        assertThat(source.count()).isEqualTo(1);
    }

    @Test
    void aMaildirFileRenamedByAMailClientIsFoundInCur() throws Exception {
        Path maildir = LearnFixtures.maildir(dir.resolve("Maildir"), 0, 2);
        Path listed = maildir.resolve("new/1764583200.1.test");
        Path moved = maildir.resolve("cur/1764583200.1.test:2,S");
        Files.move(listed, moved);
        assertThat(LearnRun.maildirRename(listed)).isEqualTo(moved);
        assertThat(LearnRun.maildirRename(maildir.resolve("cur/1764583200.7.test:2,"))).isNull();
        assertThat(LearnRun.maildirRename(dir.resolve("loose.eml"))).isNull();
    }

    private static List<PendingMessage> emit(MessageSource source) {
        List<PendingMessage> out = new ArrayList<>();
        try {
            source.emit(out::add);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
