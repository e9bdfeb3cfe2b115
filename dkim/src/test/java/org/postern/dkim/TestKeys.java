package org.postern.dkim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The test keys of {@code ../shared/testdata/dkim}. Git keeps no file modes, so each is copied into a temporary
 * folder with mode 0600 before {@link DkimKeys#load}, which refuses keys others can read (testdata README).
 */
final class TestKeys {
    private TestKeys() {}

    static final Path DATA = Path.of("../../shared/testdata/dkim");

    /** Copies {@code relative} (e.g. "keys/rsa2048.pem") into {@code dir} with mode 0600 and loads it. */
    static DkimSigningKey load(Path dir, String relative) {
        try {
            return DkimKeys.load(copy(dir, relative, "rw-------"));
        } catch (DkimKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path copy(Path dir, String relative, String mode) {
        try {
            Path target = dir.resolve(relative.replace('/', '_'));
            Files.deleteIfExists(target);
            Files.copy(DATA.resolve(relative), target);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(mode));
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
