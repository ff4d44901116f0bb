package dev.dialtone.store;

import dev.dialtone.engine.call.Timer;
import dev.dialtone.engine.call.TimerKind;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;

/**
 * The {@code timers} table: its SQL and the mapping between a row and a {@link Timer}. A kind is
 * stored as its lower-case name ({@code ringing_timeout}); times are epoch milliseconds.
 */
final class TimerRows {

  private static final String COLUMNS = "id, call_id, kind, due_at, data";

  /** Adds a timer, or replaces the one with its id; either way it is not leased. */
  static final String UPSERT =
      "INSERT INTO timers ("
          + COLUMNS
          + ", lease_owner, lease_until) VALUES (?, ?, ?, ?, ?, NULL, NULL)"
          + " ON CONFLICT (id) DO UPDATE SET call_id = excluded.call_id, kind = excluded.kind,"
          + " due_at = excluded.due_at, data = excluded.data, lease_owner = NULL,"
          + " lease_until = NULL";

  static final String DELETE_BY_ID = "DELETE FROM timers WHERE id = ?";

  static final String DELETE_BY_CALL = "DELETE FROM timers WHERE call_id = ?";

  /** The earliest unleased timer: an index scan in due order that stops at the first unleased. */
  static final String NEXT_DUE = "SELECT MIN(due_at) FROM timers WHERE lease_owner IS NULL";

  private TimerRows() {}

  /**
   * Leases the due, unleased timers, earliest first. {@code lockClause} keeps concurrent claimers
   * apart ({@link Engine#claimLock()}). Parameters: owner, lease until, now, now, limit.
   */
  static String claim(String lockClause) {
    return "UPDATE timers SET lease_owner = ?, lease_until = ? WHERE id IN ("
        + "SELECT id FROM timers WHERE due_at <= ? AND (lease_until IS NULL OR lease_until < ?)"
        + " ORDER BY due_at LIMIT ?"
        + lockClause
        + ") RETURNING "
        + COLUMNS;
  }

  /** Binds the parameters of {@link #UPSERT}; the data is JSON text made by the caller. */
  static void bindUpsert(PreparedStatement upsert, Timer timer, String data) throws SQLException {
    upsert.setString(1, timer.id());
    upsert.setString(2, timer.callId());
    upsert.setString(3, kindName(timer.kind()));
    upsert.setLong(4, timer.dueAt().toEpochMilli());
    upsert.setString(5, data);
  }

  /**
   * The timer in the current row of a claim's result.
   *
   * @throws IllegalStateException if the row holds an unknown kind or data that is not a JSON
   *     object, which the store never writes
   */
  static Timer read(ResultSet row) throws SQLException {
    String id = row.getString(1);
    String kind = row.getString(3);
    TimerKind parsed;
    try {
      parsed = TimerKind.valueOf(kind.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "timer " + id + " is stored with an unknown kind '" + kind + "'", e);
    }
    return new Timer(
        id,
        row.getString(2),
        parsed,
        Instant.ofEpochMilli(row.getLong(4)),
        Json.readObject(row.getString(5), "timer " + id, "data"));
  }

  private static String kindName(TimerKind kind) {
    // ROOT: in a Turkish locale, "I".toLowerCase() is a dotless ı.
    return kind.name().toLowerCase(Locale.ROOT);
  }
}
