package org.postern.daemon.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where the Postfix commands are, and whether this JVM may start Postfix at all. */
final class PostfixCommands {

    /** Debian installs postfix, postconf, postqueue, postsuper and sendmail here. */
    private static final List<Path> SEARCH = List.of(Path.of("/usr/sbin"), Path.of("/usr/bin"),
            Path.of("/usr/local/sbin"));

    private PostfixCommands() {}

    /** The absolute path of a Postfix command such as {@code postfix} or {@code postqueue}. */
    static String path(String name) {
        for (Path dir : SEARCH) {
            Path p = dir.resolve(name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IllegalStateException(name + " not found in " + SEARCH
                + "; install the Debian package postfix (scripts/test does it when run as root)");
    }

    /**
     * Fails unless Postfix is installed and this process is root: the master must start as root to bind its ports,
     * switch to the postfix user and deliver as the mailbox user.
     */
    static void requirePostfix() {
        path("postfix");
        Object uid;
        try {
            uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalStateException("cannot tell whether this JVM runs as root", e);
        }
        if (!Integer.valueOf(0).equals(uid)) {
            throw new IllegalStateException("the real-Postfix tests start Postfix and must run as root (uid 0), not "
                    + "uid " + uid + "; run scripts/test as root");
        }
    }
}
