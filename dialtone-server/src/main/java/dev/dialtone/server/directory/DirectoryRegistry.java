package dev.dialtone.server.directory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.dialtone.engine.EngineException;
import dev.dialtone.engine.Failure;
import dev.dialtone.engine.directory.Directory;
import dev.dialtone.store.SharedState;
import dev.dialtone.store.SharedState.StoredDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the live directory, kept in the store so that every node on one database serves the same
 * one and run-time changes survive restarts.
 *
 * <p><b>Reads</b> ({@link #get}) return this node's immutable snapshot and never touch the
 * database, so a request sees one consistent directory from start to end and the request path
 * costs nothing.
 *
 * <p><b>At start</b> ({@link #open}) the node compares the directory file it was started with (or
 * the built-in demo directory) with the one the stored directory was seeded from, by the SHA-256 of
 * their bytes. If the store holds no directory, or the file is not the one it was seeded from (the
 * operator edited it), the file's directory is stored: the file wins, and run-time changes made
 * before are dropped. Otherwise the stored directory, with its run-time changes, is used.
 *
 * <p><b>Changes</b> ({@link #update}, {@link #replace}) are written to the store by compare and set
 * on the stored version: if another node (or another request here) wrote first, the change is
 * applied again to the newer directory and written again, so concurrent changes are all kept. Once
 * written, a change is this node's snapshot at once.
 *
 * <p><b>Other nodes' changes</b> reach this node by polling: a thread reads the stored version
 * every {@code pollInterval} (a primary-key read of one number) and, when it grew, reads and
 * installs the stored directory. A change made on one node is therefore seen by the others within
 * about one interval. Snapshots only move forward in version, whichever of the poller and a local
 * write installs first.
 */
public final class DirectoryRegistry implements Supplier<Directory>, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DirectoryRegistry.class);

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  // The stored form: the directory file's model, as JSON.
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .build();

  /**
   * How often a write or the seeding tries again after losing a compare and set. Each loss means
   * another writer succeeded, so this many in a row take a storm of admin changes.
   */
  private static final int MAX_ATTEMPTS = 32;

  /**
   * Where the directory comes from at start: a directory file or the built-in demo directory.
   *
   * @param directory what it describes
   * @param fingerprint the SHA-256 of its bytes, in lower-case hex
   * @param origin what it is, for messages ({@code "directory file /etc/dialtone.yaml"})
   */
  public record Seed(Directory directory, String fingerprint, String origin) {
    public Seed {
      Objects.requireNonNull(directory, "directory");
      Objects.requireNonNull(fingerprint, "fingerprint");
      Objects.requireNonNull(origin, "origin");
    }

    /** The demo directory that ships with Dialtone. */
    public static Seed demo() {
      byte[] bytes;
      try (InputStream in = DirectoryRegistry.class.getResourceAsStream("/demo-directory.yaml")) {
        if (in == null) {
          throw new IllegalStateException("the demo directory is missing from the jar");
        }
        bytes = in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException("the demo directory could not be read", e);
      }
      try {
        return new Seed(
            YAML.readValue(bytes, DirectoryDocument.class).toDirectory(),
            sha256(bytes),
            "the demo directory");
      } catch (IOException e) {
        throw new UncheckedIOException("the demo directory could not be read", e);
      }
    }

    /**
     * Reads a directory file (YAML or JSON).
     *
     * @throws IllegalArgumentException naming the file and the fault, for a file that cannot be
     *     read or does not describe a consistent directory
     */
    public static Seed file(Path file) {
      try {
        byte[] bytes = Files.readAllBytes(file);
        return new Seed(
            YAML.readValue(bytes, DirectoryDocument.class).toDirectory(),
            sha256(bytes),
            "directory file " + file);
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "directory file " + file + " is not valid: " + e.getMessage(), e);
      }
    }
  }

  /** The directory at one stored version. */
  private record Snapshot(long version, String seedFingerprint, Directory directory) {}

  private final SharedState store;
  private final Clock clock;
  private final Duration pollInterval;
  private final AtomicReference<Snapshot> current;
  private final Thread poller;
  private volatile boolean running = true;
  // Touched by the poller thread only.
  private long unreadableVersion;
  private boolean pollFailing;

  private DirectoryRegistry(
      SharedState store, Clock clock, Duration pollInterval, Snapshot initial) {
    this.store = store;
    this.clock = clock;
    this.pollInterval = pollInterval;
    this.current = new AtomicReference<>(initial);
    this.poller =
        Thread.ofPlatform().daemon().name("dialtone-directory").unstarted(this::pollUntilClosed);
  }

  /**
   * Seeds the store from {@code seed} or takes the stored directory (see the class comment), and
   * returns a registry holding it. Polling starts with {@link #start}.
   *
   * @param clock the time written with each stored version
   * @param pollInterval how often the stored version is read, in real time
   * @throws IllegalArgumentException if the stored directory, seeded from this same file, cannot be
   *     read (written by a newer Dialtone, or edited by hand)
   * @throws EngineException {@code UNAVAILABLE} if the store cannot be reached
   */
  public static DirectoryRegistry open(
      SharedState store, Seed seed, Clock clock, Duration pollInterval) {
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException(
          "the directory poll interval must be positive, got " + pollInterval);
    }
    return new DirectoryRegistry(store, clock, pollInterval, seed(store, seed, clock));
  }

  /** Starts polling the store for other nodes' changes. */
  public DirectoryRegistry start() {
    poller.start();
    return this;
  }

  @Override
  public Directory get() {
    return current.get().directory();
  }

  /** The stored version this node's directory is at. */
  public long version() {
    return current.get().version();
  }

  /**
   * Applies a change to the newest directory and stores the result; this node serves it at once,
   * the others after their next poll. {@code change} may run more than once: again on a newer
   * directory each time another writer stored first.
   *
   * @return the directory as changed
   * @throws IllegalArgumentException if the result would be inconsistent; nothing changes then.
   *     Whatever else {@code change} throws also leaves everything unchanged
   * @throws EngineException {@code CONFLICT} if other writers kept storing first, {@code
   *     UNAVAILABLE} if the store cannot be reached; retrying may help with both
   */
  public Directory update(UnaryOperator<Directory> change) {
    Snapshot base = current.get();
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      Directory next = change.apply(base.directory());
      Optional<StoredDirectory> written =
          store.replaceDirectory(
              base.version(), document(next), base.seedFingerprint(), clock.instant());
      if (written.isPresent()) {
        install(new Snapshot(written.get().version(), base.seedFingerprint(), next));
        return next;
      }
      base = refresh();
    }
    throw new EngineException(
        Failure.CONFLICT,
        "conflict",
        "The directory was changed "
            + MAX_ATTEMPTS
            + " times by others while this change was being stored; it was not stored. Retry it.");
  }

  /**
   * Replaces the whole directory, as {@link #update} does.
   *
   * @throws EngineException as {@link #update}
   */
  public void replace(Directory directory) {
    update(any -> directory);
  }

  /** Stops polling. The directory stays readable. Idempotent. */
  @Override
  public void close() {
    running = false;
    LockSupport.unpark(poller);
    try {
      poller.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Snapshot seed(SharedState store, Seed seed, Clock clock) {
    String document = document(seed.directory());
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      Optional<StoredDirectory> stored = store.directory();
      if (stored.isEmpty()) {
        if (store.insertDirectoryIfAbsent(document, seed.fingerprint(), clock.instant()).isPresent()) {
          LOG.info("the store held no directory: stored {}", seed.origin());
          return new Snapshot(1, seed.fingerprint(), seed.directory());
        }
        continue;
      }
      StoredDirectory found = stored.get();
      if (found.seedFingerprint().equals(seed.fingerprint())) {
        try {
          return read(found);
        } catch (IllegalStateException e) {
          throw new IllegalArgumentException(
              e.getMessage()
                  + ". Change "
                  + seed.origin()
                  + " (a changed file replaces the stored directory), or fix the stored one",
              e);
        }
      }
      Optional<StoredDirectory> replaced =
          store.replaceDirectory(found.version(), document, seed.fingerprint(), clock.instant());
      if (replaced.isPresent()) {
        LOG.info(
            "{} is not what the stored directory was seeded from: it replaces the stored"
                + " directory (version {}), and changes made through the admin API are dropped",
            seed.origin(),
            found.version());
        return new Snapshot(replaced.get().version(), seed.fingerprint(), seed.directory());
      }
    }
    throw new EngineException(
        Failure.UNAVAILABLE,
        "serviceNotAvailable",
        "the stored directory kept changing while this node started; start it again");
  }

  /**
   * Reads the stored directory and installs it if it is newer than this node's.
   *
   * @return this node's snapshot afterwards
   */
  private Snapshot refresh() {
    StoredDirectory stored =
        store
            .directory()
            .orElseThrow(
                () ->
                    new EngineException(
                        Failure.UNAVAILABLE,
                        "serviceNotAvailable",
                        "the directory is missing from the store (its row was deleted); restart a"
                            + " node to store its directory file again"));
    return install(read(stored));
  }

  private Snapshot install(Snapshot snapshot) {
    return current.accumulateAndGet(
        snapshot, (mine, theirs) -> theirs.version() > mine.version() ? theirs : mine);
  }

  private void pollUntilClosed() {
    while (running) {
      LockSupport.parkNanos(pollInterval.toNanos());
      if (running) {
        pollOnce();
      }
    }
  }

  private void pollOnce() {
    try {
      OptionalLong version = store.directoryVersion();
      if (pollFailing) {
        LOG.info("the directory's version can be read from the store again");
        pollFailing = false;
      }
      if (version.isEmpty()
          || version.getAsLong() <= current.get().version()
          || version.getAsLong() == unreadableVersion) {
        return;
      }
      Optional<StoredDirectory> stored = store.directory();
      if (stored.isEmpty()) {
        return;
      }
      try {
        install(read(stored.get()));
      } catch (IllegalStateException e) {
        unreadableVersion = stored.get().version();
        LOG.error("this node keeps serving directory version {}", current.get().version(), e);
      }
    } catch (RuntimeException e) {
      if (!pollFailing) {
        LOG.warn(
            "cannot read the directory's version from the store; this node keeps serving version"
                + " {} and tries again every {} ms",
            current.get().version(),
            pollInterval.toMillis(),
            e);
        pollFailing = true;
      }
    }
  }

  /**
   * The directory of a stored version.
   *
   * @throws IllegalStateException if it cannot be read or is not consistent
   */
  private static Snapshot read(StoredDirectory stored) {
    try {
      Directory directory = JSON.readValue(stored.document(), DirectoryDocument.class).toDirectory();
      return new Snapshot(stored.version(), stored.seedFingerprint(), directory);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "the directory stored in the database (version "
              + stored.version()
              + ") cannot be read: "
              + e.getMessage(),
          e);
    }
  }

  /** The stored form of a directory: its document in the directory file's model, as JSON. */
  private static String document(Directory directory) {
    try {
      return JSON.writeValueAsString(DirectoryDocument.of(directory));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a directory could not be written as JSON", e);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no SHA-256", e);
    }
  }
}
