package dev.dialtone.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What every node on one database shares besides the calls: the key set that signs tokens, and the
 * directory. Both are documents the store keeps as text without reading them; what they mean is the
 * server's business.
 *
 * <p><b>Signing keys</b> are written once: the first node to start inserts them, and every node,
 * that one included, uses what the store holds afterwards, so nodes that start at the same time
 * converge on one set.
 *
 * <p><b>The directory</b> is one versioned document. Every write names the version it replaces and
 * is refused if another write came first (compare and set); the writer then reads the new version
 * and tries again. {@link #directoryVersion()} is a primary-key read of one number, cheap enough to
 * poll.
 *
 * <p>Reads and writes go straight to the database (never through the group committer) and are
 * durable when they return. Every method throws {@link dev.dialtone.engine.EngineException} {@code
 * UNAVAILABLE} when the database cannot be reached; retrying may help.
 */
public interface SharedState {

  /** The stored signing key set, if a node stored one. */
  Optional<String> signingKeys();

  /**
   * Stores {@code jwks} as the signing key set unless one is stored already, and returns the stored
   * set: {@code jwks}, or the set another node stored first.
   *
   * @param jwks the key set as text (private keys included)
   * @param now when it is stored, kept to the millisecond
   */
  String insertSigningKeysIfAbsent(String jwks, Instant now);

  /** The stored directory, if a node stored one. */
  Optional<StoredDirectory> directory();

  /** The version of the stored directory, if a node stored one. */
  OptionalLong directoryVersion();

  /**
   * Stores the directory at version 1 unless one is stored already.
   *
   * @return what was stored, or empty if a directory was stored already (nothing changed)
   */
  Optional<StoredDirectory> insertDirectoryIfAbsent(
      String document, String seedFingerprint, Instant now);

  /**
   * Replaces the directory if its version is still {@code expectedVersion}.
   *
   * @return what was stored, at {@code expectedVersion + 1}; empty if the stored version is another
   *     one, or no directory is stored (nothing changed)
   */
  Optional<StoredDirectory> replaceDirectory(
      long expectedVersion, String document, String seedFingerprint, Instant now);

  /**
   * The stored directory.
   *
   * @param version 1 when first stored, one more at each replacement
   * @param document the directory, as its writer wrote it
   * @param seedFingerprint what the writer said the document was seeded from
   * @param updatedAt when this version was written, to the millisecond
   */
  record StoredDirectory(
      long version, String document, String seedFingerprint, Instant updatedAt) {
    public StoredDirectory {
      if (version < 1) {
        throw new IllegalArgumentException("a directory version is at least 1, got " + version);
      }
      Objects.requireNonNull(document, "document");
      Objects.requireNonNull(seedFingerprint, "seedFingerprint");
      Objects.requireNonNull(updatedAt, "updatedAt");
    }
  }
}
