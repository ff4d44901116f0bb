package dev.dialtone.server.directory;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.dialtone.engine.directory.Directory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Holds the live directory. Readers get an immutable snapshot; the admin API replaces it
 * atomically, so a request sees one consistent directory from start to end. Changes made at run
 * time are kept in memory only: the configuration file stays the source of truth across restarts.
 */
public final class DirectoryRegistry implements Supplier<Directory> {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private final AtomicReference<Directory> current;

  public DirectoryRegistry(Directory initial) {
    this.current = new AtomicReference<>(initial);
  }

  /** The demo directory that ships with Dialtone. */
  public static Directory demo() {
    try (InputStream in = DirectoryRegistry.class.getResourceAsStream("/demo-directory.yaml")) {
      if (in == null) {
        throw new IllegalStateException("the demo directory is missing from the jar");
      }
      return YAML.readValue(in, DirectoryDocument.class).toDirectory();
    } catch (IOException e) {
      throw new UncheckedIOException("the demo directory could not be read", e);
    }
  }

  /**
   * Reads a directory file (YAML or JSON).
   *
   * @throws IllegalArgumentException naming the file and the fault, for a file that cannot be read
   *     or does not describe a consistent directory
   */
  public static Directory load(Path file) {
    try {
      return YAML.readValue(Files.readAllBytes(file), DirectoryDocument.class).toDirectory();
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "directory file " + file + " is not valid: " + e.getMessage(), e);
    }
  }

  @Override
  public Directory get() {
    return current.get();
  }

  /**
   * Applies a change atomically.
   *
   * @throws IllegalArgumentException if the result would be inconsistent; nothing changes then
   */
  public Directory update(UnaryOperator<Directory> change) {
    return current.updateAndGet(change);
  }

  public void replace(Directory directory) {
    current.set(directory);
  }
}
