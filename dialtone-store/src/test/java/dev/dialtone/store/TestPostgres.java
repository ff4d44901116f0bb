package dev.dialtone.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server for tests, run from the binaries Maven downloads (nothing installed).
 * Start one per test class and hand each test a {@link #newDatabase() database of its own}.
 *
 * <p>Commits wait for their WAL flush as in production ({@code synchronous_commit=on}; the embedded
 * default turns it off). {@code fsync} keeps the embedded default, off, so tests do not wait for
 * the disk: these servers test behaviour, not durability or speed (the benchmark harness starts
 * its PostgreSQL with {@code fsync=on}).
 */
public final class TestPostgres implements AutoCloseable {
  private final EmbeddedPostgres postgres;
  private final AtomicInteger databases = new AtomicInteger();

  private TestPostgres(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Starts a server on a free port. */
  public static TestPostgres start() {
    try {
      return new TestPostgres(
          EmbeddedPostgres.builder().setServerConfig("synchronous_commit", "on").start());
    } catch (IOException e) {
      throw new UncheckedIOException("could not start embedded PostgreSQL", e);
    }
  }

  /**
   * A store configuration for a new, empty database on this server: a schema of its own, which is
   * much cheaper to make than a database.
   */
  public StoreConfig newDatabase() {
    String schema = "dialtone_" + databases.incrementAndGet();
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create schema " + schema, e);
    }
    String url = postgres.getJdbcUrl("postgres", "postgres");
    return StoreConfig.postgres(
        url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema, "postgres", "");
  }

  /** A superuser connection to the database of {@code config}, outside any store. */
  public static Connection connect(StoreConfig config) throws SQLException {
    return DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException("could not stop embedded PostgreSQL", e);
    }
  }
}
