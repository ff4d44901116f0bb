package dev.dialtone.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A PostgreSQL server for one Dialtone slot, run from the binaries Maven ships (io.zonky.test's
 * embedded PostgreSQL 14, nothing installed), with its data directory on the real disk and commits
 * as durable as a production server's: {@code fsync=on} and {@code synchronous_commit=on}. The
 * embedded defaults turn both off (its postmaster runs with {@code -F}); the settings below come
 * later on its command line and win, and {@link #start} reads them back to make sure.
 *
 * <p>Nothing else is tuned: shared buffers, WAL and checkpoint settings are PostgreSQL's defaults,
 * so a figure measured here is what a stock server gives.
 */
final class PostgresServer implements AutoCloseable {
  /** The settings every run uses, and that {@link #start} checks the server really has. */
  static final Map<String, String> DURABLE = durable();

  private final EmbeddedPostgres postgres;
  // The embedded server is started through pg_ctl, which exits once the postmaster runs: the
  // postmaster's process id is the first line of postmaster.pid in the data directory.
  private final long postmasterPid;

  private PostgresServer(EmbeddedPostgres postgres, long postmasterPid) {
    this.postgres = postgres;
    this.postmasterPid = postmasterPid;
  }

  private static Map<String, String> durable() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("fsync", "on");
    settings.put("synchronous_commit", "on");
    settings.put("full_page_writes", "on");
    return Map.copyOf(settings);
  }

  /**
   * Starts a fresh server with its data in {@code dataDir} (deleted when it stops), its output
   * appended to {@code log}.
   *
   * @throws BenchException if it does not start, or runs without the durable settings
   */
  static PostgresServer start(Path dataDir, Path log) {
    ProcessBuilder.Redirect output = ProcessBuilder.Redirect.appendTo(log.toFile());
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDir)
            .setCleanDataDirectory(true)
            .setPGStartupWait(Duration.ofSeconds(60))
            .setOutputRedirector(output)
            .setErrorRedirector(output);
    DURABLE.forEach(builder::setServerConfig);
    EmbeddedPostgres postgres;
    try {
      Files.createDirectories(log.getParent());
      postgres = builder.start();
    } catch (IOException | RuntimeException e) {
      throw new BenchException("cannot start the embedded PostgreSQL server: " + e.getMessage(), e);
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).getFirst().strip());
    } catch (IOException | RuntimeException e) {
      closeQuietly(postgres);
      throw new BenchException("cannot read the embedded PostgreSQL server's process id: " + e.getMessage(), e);
    }
    PostgresServer server = new PostgresServer(postgres, pid);
    try {
      server.requireDurable();
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** The JDBC URL Dialtone's {@code --store-url} takes, for the {@code postgres} database. */
  String jdbcUrl() {
    return postgres.getJdbcUrl("postgres", "postgres");
  }

  /** The user of {@link #jdbcUrl()}; the embedded server trusts local connections. */
  String user() {
    return "postgres";
  }

  /**
   * CPU time (user + system) of the postmaster and every process it runs (backends, the WAL writer,
   * the checkpointer) that is alive now. A backend that exited took its time with it; Dialtone's
   * pools keep theirs open for the whole slot.
   */
  Duration cpuTime() {
    ProcessHandle postmaster = ProcessHandle.of(postmasterPid).orElse(null);
    if (postmaster == null) {
      return Duration.ZERO;
    }
    Duration total = postmaster.info().totalCpuDuration().orElse(Duration.ZERO);
    for (ProcessHandle child : postmaster.descendants().toList()) {
      total = total.plus(child.info().totalCpuDuration().orElse(Duration.ZERO));
    }
    return total;
  }

  private void requireDurable() {
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      for (Map.Entry<String, String> setting : DURABLE.entrySet()) {
        try (ResultSet row = statement.executeQuery("SHOW " + setting.getKey())) {
          row.next();
          String actual = row.getString(1);
          if (!setting.getValue().equals(actual)) {
            throw new BenchException(
                "the embedded PostgreSQL server runs with " + setting.getKey() + "=" + actual
                    + ", not " + setting.getValue() + ": its commits would not be durable");
          }
        }
      }
    } catch (SQLException e) {
      throw new BenchException("cannot read the embedded PostgreSQL server's settings: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    closeQuietly(postgres);
  }

  private static void closeQuietly(EmbeddedPostgres postgres) {
    try {
      postgres.close();
    } catch (IOException e) {
      System.err.println("bench: could not stop the embedded PostgreSQL server: " + e.getMessage());
    }
  }
}
