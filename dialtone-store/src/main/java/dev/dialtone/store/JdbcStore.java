package dev.dialtone.store;

import com.zaxxer.hikari.HikariDataSource;
import dev.dialtone.engine.EngineException;
import dev.dialtone.engine.Failure;
import dev.dialtone.engine.call.Call;
import dev.dialtone.engine.call.CallChange;
import dev.dialtone.engine.call.CallStore;
import dev.dialtone.engine.call.Delivery;
import dev.dialtone.engine.call.Notification;
import dev.dialtone.engine.call.Timer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The {@link CallStore} on SQLite or PostgreSQL, and the {@link SharedState} (signing keys,
 * directory) of the nodes that use the database.
 *
 * <p>{@link #open} migrates the schema, then serves reads from a pool and hands writes to a group
 * committer: concurrent {@link #apply changes} share one transaction and one fsync, concurrent
 * {@link #recordAttempt attempts} and claims ({@link #claimNotifications}, {@link #claimTimers})
 * one transaction that does not wait for the disk, and each returns once its own write is
 * committed (see {@code GroupCommitter}). The shared state is read from the pool and written
 * outside the committer (see {@code SharedRows}). Timestamps are kept to the
 * millisecond. Thread-safe.
 */
public final class JdbcStore implements CallStore, SharedState {
  private static final String MIGRATIONS = "classpath:dev/dialtone/store/migration";
  private static final String READ_POOL = "dialtone-read";
  private static final String WRITE_POOL = "dialtone-write";
  private static final String SHARED_STATE = "dialtone-shared-state";

  private final StoreConfig config;
  private final HikariDataSource readPool;
  private final HikariDataSource writePool;
  private final GroupCommitter committer;
  private final SharedRows shared;
  private final Set<MigrationVersion> shippedMigrations;
  // In memory, the database lives while a connection is open; this one outlives the pools'.
  private final Optional<Connection> memoryAnchor;

  private JdbcStore(
      StoreConfig config,
      HikariDataSource readPool,
      HikariDataSource writePool,
      GroupCommitter committer,
      SharedRows shared,
      Set<MigrationVersion> shippedMigrations,
      Optional<Connection> memoryAnchor) {
    this.config = config;
    this.readPool = readPool;
    this.writePool = writePool;
    this.committer = committer;
    this.shared = shared;
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
      if (engine == Engine.SQLITE) {
        releaseLeases(engine.dataSource(config, "dialtone-open"));
      }
      HikariDataSource writePool = engine.pool(config, WRITE_POOL, config.writers(), true);
      opened.add(writePool);
      HikariDataSource readPool = engine.pool(config, READ_POOL, config.readPoolSize(), false);
      opened.add(readPool);
      GroupCommitter committer =
          new GroupCommitter(
              writePool, engine, config.writers(), config.maxBatchSize(), config.queueCapacity());
      SharedRows shared = new SharedRows(readPool, engine.dataSource(config, SHARED_STATE));
      return new JdbcStore(config, readPool, writePool, committer, shared, shipped, anchor);
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

  /**
   * An embedded database belongs to one process at a time, so the leases it holds on opening were
   * taken by a process that is gone: its claimed notifications and timers are due again now, not
   * when those leases would have run out (which would hold up a restart's deliveries by a lease).
   */
  private static void releaseLeases(DataSource dataSource) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.executeUpdate(
          "UPDATE notifications SET lease_owner = NULL, lease_until = NULL WHERE lease_owner IS NOT NULL");
      statement.executeUpdate(
          "UPDATE timers SET lease_owner = NULL, lease_until = NULL WHERE lease_owner IS NOT NULL");
    }
  }

  /** The committer, for tests that queue writes on a paused store and then start it. */
  GroupCommitter committer() {
    return committer;
  }

  /**
   * {@inheritDoc}
   *
   * <p>A refused call write refuses the whole change: none of its notifications or timers is
   * written. A notification starts pending, due at its {@code createdAt}. Timers are cancelled (all
   * of the call's, then by id) before the scheduled ones are written, so a timer both cancelled and
   * scheduled by one change ends up scheduled. A refused update names the call, the version it
   * expected and the version stored.
   *
   * @throws IllegalArgumentException if the change has notifications but no call (a change without
   *     a call only touches timers), or if a resource, body or data cannot be written as JSON
   */
  @Override
  public void apply(CallChange change) {
    if (change.call().isEmpty() && !change.notifications().isEmpty()) {
      throw new IllegalArgumentException(
          "a change without a call only touches timers, but this one adds notifications (the"
              + " first for call "
              + change.notifications().getFirst().callId()
              + ")");
    }
    if (change.call().isEmpty()
        && change.scheduledTimers().isEmpty()
        && change.cancelledTimers().isEmpty()) {
      return;
    }
    GroupCommitter.await(committer.submit(Write.Change.of(change)));
  }

  /**
   * {@inheritDoc}
   *
   * <p>The lease runs until {@code now + lease}, to the millisecond; a lease is over once {@code
   * now} is past that. The claim is a write: it goes through the committer, committed (not flushed
   * to disk: a lease lost to a crash of the machine costs nothing) when this returns.
   *
   * @throws IllegalArgumentException if the owner is blank, the lease not positive or the limit
   *     below 1
   * @throws EngineException {@code UNAVAILABLE} if the store cannot be reached
   */
  @Override
  public List<Delivery.Claimed> claimNotifications(
      String owner, Instant now, Duration lease, int limit) {
    checkClaim(owner, lease, limit);
    Write.ClaimNotifications claim =
        new Write.ClaimNotifications(owner, now, now.plus(lease), limit);
    GroupCommitter.await(committer.submit(claim));
    return withBodies(claim.claimed().get());
  }

  /**
   * The leased notifications with their bodies, read from the read pool once the claim committed:
   * bodies never change, and reading (and parsing) them here leaves the single writer free.
   */
  private List<Delivery.Claimed> withBodies(List<NotificationRows.Leased> leased) {
    if (leased.isEmpty()) {
      return List.of();
    }
    Map<String, String> bodies = new HashMap<>();
    try (Connection connection = readPool.getConnection();
        PreparedStatement select =
            connection.prepareStatement(NotificationRows.selectBodies(leased.size()))) {
      for (int i = 0; i < leased.size(); i++) {
        select.setString(i + 1, leased.get(i).id());
      }
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          bodies.put(rows.getString(1), rows.getString(2));
        }
      }
    } catch (SQLException e) {
      // Leased, but unreadable: the leases run out and another claim takes them again.
      throw readFailed("the bodies of " + leased.size() + " claimed notifications", e);
    }
    List<Delivery.Claimed> claimed = new ArrayList<>(leased.size());
    for (NotificationRows.Leased row : leased) {
      String body = bodies.get(row.id());
      if (body == null) {
        throw new IllegalStateException("notification " + row.id() + " is stored without a body");
      }
      claimed.add(row.withBody(body));
    }
    return List.copyOf(claimed);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Whether the lease is still {@code owner}'s is decided by the lease's owner alone, not by its
   * expiry time, in the same statement that records the outcome; a claim by another owner replaces
   * the lease owner, so a late report never overwrites what that owner records. Times and the
   * latency are kept to the millisecond.
   *
   * @throws EngineException {@code UNAVAILABLE} if the store cannot be reached, or if the database
   *     refuses the attempt: an attempt with that number is recorded already
   */
  @Override
  public boolean recordAttempt(String owner, Delivery.Attempt attempt, Delivery.Outcome outcome) {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(attempt, "attempt");
    Objects.requireNonNull(outcome, "outcome");
    Write.RecordAttempt record = new Write.RecordAttempt(owner, attempt, outcome);
    GroupCommitter.await(committer.submit(record));
    return record.recorded().get();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Empty for a call without notifications, or an unknown call.
   *
   * @throws EngineException {@code UNAVAILABLE} if the store cannot be read
   * @throws IllegalStateException if a stored row is corrupt
   */
  @Override
  public List<Delivery.Record> deliveries(String callId) {
    try (Connection connection = readPool.getConnection();
        PreparedStatement select =
            connection.prepareStatement(NotificationRows.SELECT_DELIVERIES)) {
      select.setString(1, callId);
      List<Delivery.Record> records = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        Notification notification = null;
        Delivery.State state = null;
        Optional<Instant> nextAttemptAt = Optional.empty();
        List<Delivery.Attempt> attempts = new ArrayList<>();
        while (rows.next()) {
          String id = rows.getString(1);
          if (notification == null || !notification.id().equals(id)) {
            if (notification != null) {
              records.add(new Delivery.Record(notification, state, nextAttemptAt, attempts));
            }
            notification = NotificationRows.read(rows);
            state = NotificationRows.state(id, rows.getString(9));
            nextAttemptAt =
                state == Delivery.State.PENDING
                    ? Optional.of(Instant.ofEpochMilli(rows.getLong(10)))
                    : Optional.empty();
            attempts = new ArrayList<>();
          }
          NotificationRows.readAttempt(id, rows).ifPresent(attempts::add);
        }
        if (notification != null) {
          records.add(new Delivery.Record(notification, state, nextAttemptAt, attempts));
        }
      }
      return List.copyOf(records);
    } catch (SQLException e) {
      throw readFailed("the notifications of call " + callId, e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Counts the backlog's rows, so it costs in proportion to the backlog; for the admin API, not
   * for a hot path.
   *
   * @throws EngineException {@code UNAVAILABLE} if the store cannot be read
   */
  @Override
  public long pendingCount() {
    try (Connection connection = readPool.getConnection();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(NotificationRows.COUNT_PENDING)) {
      row.next();
      return row.getLong(1);
    } catch (SQLException e) {
      throw readFailed("the number of pending notifications", e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>The lease runs until {@code now + lease}, to the millisecond; a lease is over once {@code
   * now} is past that. The claim is a write: it goes through the committer, committed (not flushed
   * to disk: a lease lost to a crash of the machine costs nothing) when this returns.
   *
   * @throws IllegalArgumentException if the owner is blank, the lease not positive or the limit
   *     below 1
   * @throws EngineException {@code UNAVAILABLE} if the store cannot be reached
   */
  @Override
  public List<Timer> claimTimers(String owner, Instant now, Duration lease, int limit) {
    checkClaim(owner, lease, limit);
    Write.ClaimTimers claim = new Write.ClaimTimers(owner, now, now.plus(lease), limit);
    GroupCommitter.await(committer.submit(claim));
    return claim.claimed().get();
  }

  /**
   * {@inheritDoc}
   *
   * <p>A timer counts as leased while it has a lease owner, even once that lease has run out.
   *
   * @throws EngineException {@code UNAVAILABLE} if the store cannot be read
   */
  @Override
  public Optional<Instant> nextDue() {
    try (Connection connection = readPool.getConnection();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(TimerRows.NEXT_DUE)) {
      row.next();
      long dueAt = row.getLong(1);
      return row.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(dueAt));
    } catch (SQLException e) {
      throw readFailed("the next timer", e);
    }
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

  @Override
  public Optional<String> signingKeys() {
    return shared.signingKeys();
  }

  @Override
  public String insertSigningKeysIfAbsent(String jwks, Instant now) {
    return shared.insertSigningKeysIfAbsent(jwks, now);
  }

  @Override
  public Optional<StoredDirectory> directory() {
    return shared.directory();
  }

  @Override
  public OptionalLong directoryVersion() {
    return shared.directoryVersion();
  }

  @Override
  public Optional<StoredDirectory> insertDirectoryIfAbsent(
      String document, String seedFingerprint, Instant now) {
    return shared.insertDirectoryIfAbsent(document, seedFingerprint, now);
  }

  @Override
  public Optional<StoredDirectory> replaceDirectory(
      long expectedVersion, String document, String seedFingerprint, Instant now) {
    return shared.replaceDirectory(expectedVersion, document, seedFingerprint, now);
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

  private static void checkClaim(String owner, Duration lease, int limit) {
    if (owner.isBlank()) {
      throw new IllegalArgumentException("a claim needs an owner, got a blank one");
    }
    if (lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("a lease must be positive, got " + lease);
    }
    if (limit < 1) {
      throw new IllegalArgumentException("a claim takes at least 1 row, got a limit of " + limit);
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
