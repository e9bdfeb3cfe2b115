package org.postern.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads {@code postern.yml} into a {@link PosternConfig}, or says exactly what is wrong with it.
 *
 * <p>How: the text is streamed once with Jackson's YAML parser to record the line and column of every key and value
 * by key path ({@link SourcePositions}), which also rejects duplicate keys, aliases and a second document; the first
 * unknown key in document order is reported next ({@link KeyCheck}). Then Jackson
 * binds the text to the records ({@link YamlBinding}): snake_case keys, unknown keys fail, no scalar coercion, missing
 * keys take the defaults written in each record. The records' compact constructors check ranges and forms and name the
 * offending key; {@link JacksonErrors} maps the failing key path back to its position. So every error reads
 * {@code FILE:LINE:COLUMN: sentence}, for example
 * {@code postern.yml:4:20: milter.max_frame_bytes must be between 65537 and 67108864, not 12}. Only the first problem
 * is reported.
 *
 * <p>Loading does no DNS lookups and touches no file other than the one it reads. All methods are thread-safe and
 * static; a loader has no state.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /** The configuration of an empty file: every key at its documented default. Never null. */
    public static PosternConfig defaults() {
        return PosternConfig.DEFAULTS;
    }

    /**
     * Reads and validates a UTF-8 YAML file. An empty file, or one with only comments, gives {@link #defaults()}.
     *
     * @param file the configuration file; its name, as given, starts every error message
     * @return the configuration; never null
     * @throws ConfigException if the file cannot be read (line and column 0) or is not a valid configuration
     */
    public static PosternConfig load(Path file) {
        requireNonNull(file, "file");
        String text;
        try {
            text = Files.readString(file);
        } catch (CharacterCodingException e) {
            throw new ConfigException(file.toString(), 0, 0, "is not UTF-8 text");
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), 0, 0, "no such file");
        } catch (AccessDeniedException e) {
            throw new ConfigException(file.toString(), 0, 0, "cannot be read: permission denied");
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 0, 0, "cannot be read: " + e);
        }
        return parse(text, file.toString());
    }

    /**
     * Validates YAML text, as {@link #load} does for a file.
     *
     * @param yaml       the document; never null
     * @param sourceName what to call the text in error messages, usually a file name; never null
     * @return the configuration; never null
     * @throws ConfigException if the text is not a valid configuration
     */
    public static PosternConfig parse(String yaml, String sourceName) {
        requireNonNull(yaml, "yaml");
        requireNonNull(sourceName, "sourceName");
        SourcePositions positions = SourcePositions.scan(yaml, sourceName);
        if (positions.isEmpty()) {
            return defaults();
        }
        KeyCheck.check(positions, sourceName);
        try {
            PosternConfig config = YamlBinding.bind(yaml);
            return config != null ? config : defaults();
        } catch (JsonProcessingException e) {
            throw JacksonErrors.translate(e, positions, sourceName);
        }
    }
}
