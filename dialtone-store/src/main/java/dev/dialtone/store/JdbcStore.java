package dev.dialtone.store;

import com.zaxxer.hikari.HikariDataSource;
import dev.dialtone.engine.EngineException;
import dev.dialtone.engine.Failure;
import dev.dialtone.engine.call.Call;
import dev.dialtone.engine.call.CallStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The {@link CallStore} on SQLite or PostgreSQL.
 *
 * <p>{@link #open} migrates the schema, then serves reads from a pool and hands writes to a group
 * committer: concurrent {@link #insert}s and {@link #update}s share one transaction and one fsync,
 * and each returns once its own change is committed (see {@code GroupCommitter}). Timestamps are
 * kept to the millisecond. Thread-safe.
 */
public final class JdbcStore implements CallStore {
  private static final String MIGRATIONS = "classpath:dev/dialtone/store/migration";
  private static final String READ_POOL = "dialtone-read";
  private static final String WRITE_POOL = "dialtone-write";

  private final StoreConfig config;
  private final HikariDataSource readPool;
  private final HikariDataSource writePool;
  private final GroupCommitter committer;
  private final Set<MigrationVersion> shippedMigrations;
  // In memory, the database lives while a connection is open; this one outlives the pools'.
  private final Optional<Connection> memoryAnchor;

  private JdbcStore(
      StoreConfig config,
      HikariDataSource readPool,
      HikariDataSource writePool,
      GroupCommitter committer,
      Set<MigrationVersion> shippedMigrations,
      Optional<Connection> memoryAnchor) {
    this.config = config;
    this.readPool = readPool;
    this.writePool = writePool;
    this.committer = committer;
    this.shippedMigrations = shippedMigrations;
    this.memoryAnchor = memoryAnchor;
  }

  /**
   * Opens the store: creates the SQLite file's directory if needed, applies pending migrations,
   * opens the pools and starts the committers.
   *
   * @throws EngineException {@code UNAVAILABLE} if the database cannot be reached or migrated; the
   *     message names the URL (password masked) and the cause
   */
  public static JdbcStore open(StoreConfig config) {
    JdbcStore store = openPaused(config);
    store.committer.start();
    return store;
  }

  /** Like {@link #open}, but writes wait in the queue until the committer is started. */
  static JdbcStore openPaused(StoreConfig config) {
    Engine engine = Engine.of(config);
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      createSqliteDirectory(config);
      Optional<Connection> anchor = Optional.empty();
      if (Engine.isInMemory(config)) {
        Connection connection = engine.dataSource(config, "dialtone-anchor").getConnection();
        opened.add(connection);
        anchor = Optional.of(connection);
      }
      Set<MigrationVersion> shipped = migrate(engine.dataSource(config, "dialtone-migrate"));
      HikariDataSource writePool = engine.pool(config, WRITE_POOL, config.writers(), true);
      opened.add(writePool);
      HikariDataSource readPool = engine.pool(config, READ_POOL, config.readPoolSize(), false);
      opened.add(readPool);
      GroupCommitter committer =
          new GroupCommitter(
              writePool, engine, config.writers(), config.maxBatchSize(), config.queueCapacity());
      return new JdbcStore(config, readPool, writePool, committer, shipped, anchor);
    } catch (SQLException | IOException | RuntimeException e) {
      for (AutoCloseable resource : opened.reversed()) {
        closeQuietly(resource, e);
      }
      throw new EngineException(
          Failure.UNAVAILABLE,
          "serviceNotAvailable",
          "could not open the store at "
              + config.redactedUrl()
              + ": "
              + e.getMessage()
              + ". Check that the database runs and that the URL and credentials are right",
          e);
    }
  }

  /** The committer, for tests that queue writes on a paused store and then start it. */
  GroupCommitter committer() {
    return committer;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if the call's version is not 1
   */
  @Override
  public void insert(Call call) {
    if (call.version() != 1) {
      throw new IllegalArgumentException(
          "insert takes a new call at version 1, got version "
              + call.version()
              + " for call "
              + call.id());
    }
    GroupCommitter.await(committer.submit(new Write.Insert(call, CallRows.json(call))));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Every column is replaced, tenant and timestamps included. A refused update names the call,
   * the version it expected and the version stored.
   *
   * @throws IllegalArgumentException if the call's version is 1 (a new call is inserted)
   */
  @Override
  public void update(Call call) {
    if (call.version() < 2) {
      throw new IllegalArgumentException(
          "update takes a changed call at version 2 or more, got version 1 for call "
              + call.id()
              + "; a new call is inserted");
    }
    GroupCommitter.await(committer.submit(new Write.Update(call, CallRows.json(call))));
  }

  /**
   * {@inheritDoc}
   *
   * @throws EngineException {@code UNAVAILABLE} if the store cannot be read
   * @throws IllegalStateException if the stored row is corrupt (unknown state, resource that is not
   *     a JSON object)
   */
  @Override
  public Optional<Call> find(String id) {
    try (Connection connection = readPool.getConnection();
        PreparedStatement select = connection.prepareStatement(CallRows.SELECT_BY_ID)) {
      select.setString(1, id);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(CallRows.read(row)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw readFailed("call " + id, e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws EngineException {@code UNAVAILABLE} if the store cannot be read
   */
  @Override
  public long count() {
    try (Connection connection = readPool.getConnection();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(CallRows.COUNT)) {
      row.next();
      return row.getLong(1);
    } catch (SQLException e) {
      throw readFailed("the number of calls", e);
    }
  }

  /**
   * Whether the store can serve: it is open, its committers run, a read connection answers, and the
   * database records every migration this build ships as applied (a newer node may have applied
   * more). Never throws; for a readiness check.
   */
  public boolean isReady() {
    if (!committer.isRunning()) {
      return false;
    }
    Set<MigrationVersion> applied = new HashSet<>();
    try (Connection connection = readPool.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery("SELECT version, success FROM flyway_schema_history")) {
      while (rows.next()) {
        String version = rows.getString(1);
        if (version != null && rows.getBoolean(2)) {
          applied.add(MigrationVersion.fromVersion(version));
        }
      }
    } catch (SQLException | RuntimeException e) {
      return false;
    }
    return applied.containsAll(shippedMigrations);
  }

  /** Commits what is queued, stops the committers, closes the pools. Idempotent. */
  @Override
  public void close() {
    committer.close();
    writePool.close();
    readPool.close();
    memoryAnchor.ifPresent(anchor -> closeQuietly(anchor, null));
  }

  /** How much the committers grouped so far. */
  GroupCommitter.Stats commitStats() {
    return committer.stats();
  }

  @Override
  public String toString() {
    return "JdbcStore[" + config.redactedUrl() + "]";
  }

  private static Set<MigrationVersion> migrate(DataSource dataSource) {
    Flyway flyway =
        Flyway.configure()
            .dataSource(dataSource)
            .locations(MIGRATIONS)
            .failOnMissingLocations(true)
            .load();
    MigrateResult result = flyway.migrate();
    if (!result.success) {
      throw new IllegalStateException("migrations failed: " + String.join("; ", result.warnings));
    }
    Set<MigrationVersion> shipped = new HashSet<>();
    Arrays.stream(flyway.info().all())
        .filter(info -> info.getState().isResolved())
        .map(MigrationInfo::getVersion)
        .forEach(shipped::add);
    return Set.copyOf(shipped);
  }

  private static void createSqliteDirectory(StoreConfig config) throws IOException {
    if (!config.isSqlite() || Engine.isInMemory(config)) {
      return;
    }
    String target = config.jdbcUrl().substring(StoreConfig.SQLITE_PREFIX.length());
    int options = target.indexOf('?');
    if (options >= 0) {
      target = target.substring(0, options);
    }
    if (target.startsWith("file:")) {
      return; // a URI: the driver resolves it, and its directory is the operator's business
    }
    Path parent = Path.of(target).toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
  }

  private EngineException readFailed(String what, SQLException e) {
    return new EngineException(
        Failure.UNAVAILABLE,
        "serviceNotAvailable",
        "could not read " + what + " from the store: " + e.getMessage() + "; retrying may help",
        e);
  }

  private static void closeQuietly(AutoCloseable resource, Exception primary) {
    try {
      resource.close();
    } catch (Exception e) {
      if (primary != null) {
        primary.addSuppressed(e);
      }
    }
  }
}
