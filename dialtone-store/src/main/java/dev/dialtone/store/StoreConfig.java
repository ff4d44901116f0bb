package dev.dialtone.store;

import java.nio.file.Path;
import java.util.Objects;
import java.util.UUID;

/**
 * Where the store keeps its data and how it writes. Make one with {@link #sqliteFile}, {@link
 * #sqliteInMemory} or {@link #postgres} and adjust it with the {@code with…} methods; the
 * constructor checks every value.
 *
 * @param jdbcUrl a {@code jdbc:sqlite:} or {@code jdbc:postgresql:} URL
 * @param user the database user; empty for none (SQLite)
 * @param password the database password; empty for none. Never printed by {@link #toString()}
 * @param readPoolSize connections in the pool that serves {@code find} and {@code count}
 * @param writers committer threads, each with its own connection; SQLite takes exactly 1
 * @param maxBatchSize the most writes one commit takes from the queue
 * @param queueCapacity the most writes waiting for a committer; beyond it a write is refused at
 *     once with {@code UNAVAILABLE}
 */
public record StoreConfig(
    String jdbcUrl,
    String user,
    String password,
    int readPoolSize,
    int writers,
    int maxBatchSize,
    int queueCapacity) {

  static final String SQLITE_PREFIX = "jdbc:sqlite:";
  static final String POSTGRES_PREFIX = "jdbc:postgresql:";

  /** The file {@link #sqliteFile} keeps the data in, inside the data directory. */
  public static final String SQLITE_FILE_NAME = "dialtone.db";

  private static final int DEFAULT_MAX_BATCH = 512;
  private static final int DEFAULT_QUEUE_CAPACITY = 4096;

  public StoreConfig {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    if (!jdbcUrl.startsWith(SQLITE_PREFIX) && !jdbcUrl.startsWith(POSTGRES_PREFIX)) {
      throw new IllegalArgumentException(
          "the store runs on SQLite or PostgreSQL: the JDBC URL must start with '"
              + SQLITE_PREFIX
              + "' or '"
              + POSTGRES_PREFIX
              + "', got '"
              + redact(jdbcUrl)
              + "'");
    }
    requireAtLeastOne("readPoolSize", readPoolSize);
    requireAtLeastOne("writers", writers);
    requireAtLeastOne("maxBatchSize", maxBatchSize);
    requireAtLeastOne("queueCapacity", queueCapacity);
    String sqliteTarget =
        jdbcUrl.startsWith(SQLITE_PREFIX) ? jdbcUrl.substring(SQLITE_PREFIX.length()) : "-";
    if (sqliteTarget.isEmpty() || sqliteTarget.startsWith(":memory:")) {
      // Each connection would get a private database of its own: the readers would not see the
      // writer's calls.
      throw new IllegalArgumentException(
          "'"
              + jdbcUrl
              + "' gives every connection its own private database; use"
              + " StoreConfig.sqliteInMemory() for an in-memory store");
    }
    if (jdbcUrl.startsWith(SQLITE_PREFIX) && writers != 1) {
      throw new IllegalArgumentException(
          "SQLite has a single writer: writers must be 1, got " + writers);
    }
  }

  /**
   * The embedded default: SQLite in {@code <dataDir>/dialtone.db}, in WAL mode with {@code
   * synchronous=FULL}. The directory is created when the store opens.
   *
   * @throws IllegalArgumentException if the path holds a {@code ?}, which the SQLite driver would
   *     read as the start of its options
   */
  public static StoreConfig sqliteFile(Path dataDir) {
    String file = dataDir.toAbsolutePath().normalize().resolve(SQLITE_FILE_NAME).toString();
    if (file.indexOf('?') >= 0) {
      throw new IllegalArgumentException(
          "the data directory path must not contain '?' (the SQLite driver reads it as the start of"
              + " its options), got '"
              + dataDir
              + "'");
    }
    return new StoreConfig(
        SQLITE_PREFIX + file, "", "", 4, 1, DEFAULT_MAX_BATCH, DEFAULT_QUEUE_CAPACITY);
  }

  /**
   * A new, empty SQLite database in memory, for tests and throwaway runs. It lives as long as the
   * store that opens it; each call of this method names a different database.
   */
  public static StoreConfig sqliteInMemory() {
    // memdb, not ":memory:": several connections (the writer and the read pool) share one
    // database, with SQLite's ordinary locking rather than shared-cache table locks.
    String name = "/dialtone-" + UUID.randomUUID();
    return new StoreConfig(
        SQLITE_PREFIX + "file:" + name + "?vfs=memdb",
        "",
        "",
        4,
        1,
        DEFAULT_MAX_BATCH,
        DEFAULT_QUEUE_CAPACITY);
  }

  /**
   * PostgreSQL at any {@code jdbc:postgresql:} URL, with one committer and eight readers. One
   * committer makes the largest batches: while it waits for a commit's WAL flush, the next batch
   * gathers in the queue, and every write in it shares that batch's statements and flush. A second
   * committer halves the batches and doubles the statements and flushes per write; on two cores
   * that cost more CPU per create (JVM and database) than the overlap gained. More committers
   * ({@link #withWriters}) pay where flushes are slow and cores are many.
   */
  public static StoreConfig postgres(String jdbcUrl, String user, String password) {
    return new StoreConfig(
        jdbcUrl, user, password, 8, 1, DEFAULT_MAX_BATCH, DEFAULT_QUEUE_CAPACITY);
  }

  public StoreConfig withReadPoolSize(int size) {
    return new StoreConfig(jdbcUrl, user, password, size, writers, maxBatchSize, queueCapacity);
  }

  public StoreConfig withWriters(int count) {
    return new StoreConfig(
        jdbcUrl, user, password, readPoolSize, count, maxBatchSize, queueCapacity);
  }

  public StoreConfig withMaxBatchSize(int size) {
    return new StoreConfig(jdbcUrl, user, password, readPoolSize, writers, size, queueCapacity);
  }

  public StoreConfig withQueueCapacity(int capacity) {
    return new StoreConfig(jdbcUrl, user, password, readPoolSize, writers, maxBatchSize, capacity);
  }

  /** True for SQLite, false for PostgreSQL. */
  boolean isSqlite() {
    return jdbcUrl.startsWith(SQLITE_PREFIX);
  }

  /** The URL with any {@code password=} parameter masked, fit for messages and logs. */
  String redactedUrl() {
    return redact(jdbcUrl);
  }

  /** Like the record's, but the password is masked. */
  @Override
  public String toString() {
    return "StoreConfig[jdbcUrl="
        + redactedUrl()
        + ", user="
        + user
        + ", password="
        + (password.isEmpty() ? "" : "***")
        + ", readPoolSize="
        + readPoolSize
        + ", writers="
        + writers
        + ", maxBatchSize="
        + maxBatchSize
        + ", queueCapacity="
        + queueCapacity
        + "]";
  }

  private static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  private static void requireAtLeastOne(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, got " + value);
    }
  }
}
