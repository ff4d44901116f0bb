package dev.dialtone.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * What differs between the two databases: how connections are made and which errors belong to one
 * write rather than to the database. The SQL is the same for both, but for the row locks of a claim
 * ({@link #claimLock()}).
 */
enum Engine {
  /**
   * Every connection: WAL (readers never wait for the writer, and a commit appends to one file),
   * {@code synchronous=FULL} (the WAL is fsynced at every commit, so a commit survives power loss,
   * not only a crash of the process), a busy timeout, and foreign keys enforced. In memory the
   * journal stays in memory: memdb has no WAL, and readers wait for the writer's commit instead.
   */
  SQLITE {
    @Override
    DataSource dataSource(StoreConfig config, String role) {
      SQLiteConfig sqlite = new SQLiteConfig();
      sqlite.setBusyTimeout(SQLITE_BUSY_TIMEOUT_MILLIS);
      sqlite.enforceForeignKeys(true);
      if (!isInMemory(config)) {
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
      }
      SQLiteDataSource dataSource = new SQLiteDataSource(sqlite);
      dataSource.setUrl(config.jdbcUrl());
      return dataSource;
    }

    @Override
    void configureReadPool(HikariConfig pool, StoreConfig config) {
      pool.setConnectionInitSql("PRAGMA query_only = ON");
      keepInMemoryConnections(pool, config);
    }

    @Override
    void configureWritePool(HikariConfig pool, StoreConfig config) {
      keepInMemoryConnections(pool, config);
    }

    @Override
    void durability(Connection connection, boolean durable) throws SQLException {
      // A setting of the connection that SQLite refuses to change inside a transaction, and the
      // driver keeps one open between commits: read it, and change it between two only if needed.
      // In memory it changes nothing.
      int wanted = durable ? SQLITE_SYNCHRONOUS_FULL : SQLITE_SYNCHRONOUS_NORMAL;
      try (Statement statement = connection.createStatement()) {
        int current;
        try (ResultSet row = statement.executeQuery("PRAGMA synchronous")) {
          current = row.next() ? row.getInt(1) : wanted;
        }
        if (current != wanted) {
          connection.setAutoCommit(true);
          statement.execute("PRAGMA synchronous = " + wanted);
          connection.setAutoCommit(false);
        }
      }
    }

    @Override
    String claimLock() {
      // SQLite runs one write transaction at a time, and a claim is one UPDATE in it: no other
      // claimer can see the rows between its read and its write.
      return "";
    }

    @Override
    boolean isDataError(SQLException e) {
      // The primary result code is the low byte; extended codes (1555 for a primary key) keep it.
      int primary = e.getErrorCode() & 0xff;
      return primary == SQLITE_TOOBIG || primary == SQLITE_CONSTRAINT || primary == SQLITE_MISMATCH;
    }
  },

  /** Connections name themselves in {@code pg_stat_activity} by role. */
  POSTGRES {
    @Override
    DataSource dataSource(StoreConfig config, String role) {
      PGSimpleDataSource dataSource = new PGSimpleDataSource();
      dataSource.setURL(config.jdbcUrl());
      if (!config.user().isEmpty()) {
        dataSource.setUser(config.user());
      }
      if (!config.password().isEmpty()) {
        dataSource.setPassword(config.password());
      }
      dataSource.setApplicationName(role);
      return dataSource;
    }

    @Override
    void configureReadPool(HikariConfig pool, StoreConfig config) {
      pool.setConnectionInitSql("SET default_transaction_read_only = on");
    }

    @Override
    void configureWritePool(HikariConfig pool, StoreConfig config) {}

    @Override
    void durability(Connection connection, boolean durable) throws SQLException {
      // For this transaction only; a rollback ends it, and what follows commits durably.
      if (!durable) {
        try (Statement statement = connection.createStatement()) {
          statement.execute("SET LOCAL synchronous_commit = off");
        }
      }
    }

    @Override
    String claimLock() {
      // Rows another claimer has locked are passed over instead of waited for; that claimer leases
      // them, or (its statement re-checks each row it locks) finds them leased and leaves them.
      return " FOR UPDATE SKIP LOCKED";
    }

    @Override
    boolean isDataError(SQLException e) {
      // Class 22 (data exception) and 23 (integrity constraint violation) are about the row.
      String state = e.getSQLState();
      return state != null && (state.startsWith("22") || state.startsWith("23"));
    }
  };

  static final int SQLITE_BUSY_TIMEOUT_MILLIS = 10_000;
  static final long CONNECTION_TIMEOUT_MILLIS = 5_000;

  private static final int SQLITE_SYNCHRONOUS_NORMAL = 1;
  private static final int SQLITE_SYNCHRONOUS_FULL = 2;
  private static final int SQLITE_TOOBIG = 18;
  private static final int SQLITE_CONSTRAINT = 19;
  private static final int SQLITE_MISMATCH = 20;

  static Engine of(StoreConfig config) {
    return config.isSqlite() ? SQLITE : POSTGRES;
  }

  /** Unpooled connections to the database, named {@code role} where the database shows names. */
  abstract DataSource dataSource(StoreConfig config, String role);

  abstract void configureReadPool(HikariConfig pool, StoreConfig config);

  abstract void configureWritePool(HikariConfig pool, StoreConfig config);

  /**
   * Sets how the transaction just begun on {@code connection} commits. Durable: the commit waits
   * until the database has flushed it to disk, so it survives a power loss. Not durable: the commit
   * survives a crash of the process (SQLite: it is in the operating system's write-ahead log file;
   * PostgreSQL: in the server's), but a crash of the machine (or of the PostgreSQL server) may lose
   * it; the next durable commit flushes it along with its own writes. The first statement of the
   * transaction.
   */
  abstract void durability(Connection connection, boolean durable) throws SQLException;

  /**
   * What ends the inner {@code SELECT} of a claim ({@link NotificationRows#claim}, {@link
   * TimerRows#claim}) so that claimers on several connections never lease one row twice.
   */
  abstract String claimLock();

  /**
   * True if the database refused one statement for its data (a constraint, a value it cannot hold),
   * so that the other writes of the transaction can still commit; false for failures of the
   * connection or the database (I/O, lock timeouts, shutdown), which fail the whole transaction.
   */
  abstract boolean isDataError(SQLException e);

  /**
   * A fixed-size pool of {@code size} connections. A caller waits at most {@link
   * #CONNECTION_TIMEOUT_MILLIS} for one: past that the database is down or overloaded, and an early
   * {@code UNAVAILABLE} serves a request (or a readiness check) better than a long wait.
   */
  HikariDataSource pool(StoreConfig config, String role, int size, boolean write) {
    HikariConfig pool = new HikariConfig();
    pool.setPoolName(role);
    pool.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
    pool.setDataSource(dataSource(config, role));
    pool.setMaximumPoolSize(size);
    pool.setMinimumIdle(size);
    pool.setAutoCommit(!write);
    if (write) {
      configureWritePool(pool, config);
    } else {
      configureReadPool(pool, config);
    }
    return new HikariDataSource(pool);
  }

  /** True for a SQLite database that lives only as long as a connection to it is open. */
  static boolean isInMemory(StoreConfig config) {
    return config.isSqlite() && config.jdbcUrl().contains("vfs=memdb");
  }

  private static void keepInMemoryConnections(HikariConfig pool, StoreConfig config) {
    if (isInMemory(config)) {
      // Retiring connections is pointless in memory, and the store holds one more open besides.
      pool.setMaxLifetime(0);
      pool.setIdleTimeout(0);
    }
  }
}
