package dev.dialtone.store;

import dev.dialtone.engine.call.Call;
import dev.dialtone.engine.call.CallState;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * The {@code calls} table: its SQL, one set for SQLite and PostgreSQL, and the mapping between a
 * row and a {@link Call}. Timestamps are kept as epoch milliseconds, so a finer {@link Instant}
 * comes back truncated to the millisecond.
 */
final class CallRows {
  private static final String COLUMNS =
      "id, tenant_id, app_id, state, created_at, updated_at, version, resource";

  // ON CONFLICT DO NOTHING (SQLite 3.24+, PostgreSQL 9.5+) reports a duplicate as 0 rows instead
  // of an error, which in PostgreSQL would abort the whole transaction.
  static final String INSERT =
      "INSERT INTO calls ("
          + COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING";

  static final String UPDATE =
      "UPDATE calls SET tenant_id = ?, app_id = ?, state = ?, created_at = ?, updated_at = ?,"
          + " version = ?, resource = ? WHERE id = ? AND version = ?";

  static final String SELECT_VERSION = "SELECT version FROM calls WHERE id = ?";

  static final String SELECT_BY_ID = "SELECT " + COLUMNS + " FROM calls WHERE id = ?";

  static final String COUNT = "SELECT COUNT(*) FROM calls";

  private CallRows() {}

  /**
   * The call's representation as JSON text.
   *
   * @throws IllegalArgumentException if Jackson cannot write it (a node that is not plain JSON)
   */
  static String json(Call call) {
    return Json.write(call.resource(), "call " + call.id(), "resource");
  }

  /** Binds the parameters of {@link #INSERT}. */
  static void bindInsert(PreparedStatement insert, Call call, String json) throws SQLException {
    insert.setString(1, call.id());
    insert.setString(2, call.tenantId());
    insert.setString(3, call.applicationId());
    insert.setString(4, call.state().wireName());
    insert.setLong(5, call.createdAt().toEpochMilli());
    insert.setLong(6, call.updatedAt().toEpochMilli());
    insert.setLong(7, call.version());
    insert.setString(8, json);
  }

  /** Binds the parameters of {@link #UPDATE}, expecting the stored version to be one less. */
  static void bindUpdate(PreparedStatement update, Call call, String json) throws SQLException {
    update.setString(1, call.tenantId());
    update.setString(2, call.applicationId());
    update.setString(3, call.state().wireName());
    update.setLong(4, call.createdAt().toEpochMilli());
    update.setLong(5, call.updatedAt().toEpochMilli());
    update.setLong(6, call.version());
    update.setString(7, json);
    update.setString(8, call.id());
    update.setLong(9, call.version() - 1);
  }

  /**
   * The call in the current row of a result of {@link #SELECT_BY_ID}.
   *
   * @throws IllegalStateException if the row holds what the store never writes: an unknown state or
   *     a resource that is not a JSON object
   */
  static Call read(ResultSet row) throws SQLException {
    String id = row.getString(1);
    String stateName = row.getString(4);
    CallState state;
    try {
      state = CallState.fromWire(stateName);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "call " + id + " is stored with an unknown state '" + stateName + "'", e);
    }
    return new Call(
        id,
        row.getString(2),
        row.getString(3),
        state,
        Instant.ofEpochMilli(row.getLong(5)),
        Instant.ofEpochMilli(row.getLong(6)),
        row.getLong(7),
        Json.readObject(row.getString(8), "call " + id, "resource"));
  }
}
