package dev.dialtone.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.sqlite.SQLiteConfig;

/**
 * A running Dialtone's embedded database, opened beside the server on a second connection (SQLite
 * in WAL mode lets another process read while Dialtone writes, and write between its transactions):
 * how many calls, timers and pending notifications it holds, and, for the stored-calls measurement,
 * copies of a finished call Dialtone wrote itself.
 *
 * <p>A copy is the real call's rows (the {@code calls} row, its {@code notifications}, their {@code
 * notification_bodies} and {@code delivery_attempts}, its {@code timers}) with every UUID in them replaced by a fresh one, except
 * the directory's (tenant, application, callee), and every timestamp moved back by a second per
 * copy, so copies are older than anything Dialtone writes during the measurement. Copies are
 * inserted in random id order, as real calls arrive, in transactions of {@value #BATCH} calls.
 */
final class ScaleStore implements AutoCloseable {
  static final int BATCH = 2_000;
  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  /** Children before parents on delete, parents first on insert. */
  private static final List<String> TABLES = List.of("calls", "notifications", "notification_bodies", "delivery_attempts", "timers");
  private static final Set<String> TIME_COLUMNS =
      Set.of("created_at", "updated_at", "next_attempt_at", "at", "due_at", "lease_until");
  private static final long COPY_SPACING_MILLIS = 1_000;

  private final Connection connection;
  private long copiesMade;

  private ScaleStore(Connection connection) {
    this.connection = connection;
  }

  /** Opens {@code dbFile} (Dialtone's {@code dialtone.db}). */
  static ScaleStore open(Path dbFile) {
    SQLiteConfig config = new SQLiteConfig();
    // Longer than any of Dialtone's own transactions; Dialtone waits up to 10 s for ours.
    config.setBusyTimeout(60_000);
    config.enforceForeignKeys(true);
    // Only the loading connection skips fsync: the rows are as Dialtone would store them, and
    // Dialtone's own connections keep synchronous=FULL.
    config.setSynchronous(SQLiteConfig.SynchronousMode.OFF);
    config.setCacheSize(-256 * 1024);
    config.setTempStore(SQLiteConfig.TempStore.MEMORY);
    try {
      return new ScaleStore(DriverManager.getConnection("jdbc:sqlite:" + dbFile, config.toProperties()));
    } catch (SQLException e) {
      throw new BenchException("cannot open Dialtone's database " + dbFile + ": " + e.getMessage(), e);
    }
  }

  /** Rows of {@code calls}. */
  long calls() {
    return single("SELECT count(*) FROM calls");
  }

  /** Calls that are not terminated. */
  long liveCalls() {
    return single("SELECT count(*) FROM calls WHERE state <> 'terminated'");
  }

  long rows(String table) {
    if (!TABLES.contains(table)) {
      throw new IllegalArgumentException("not a call table: " + table);
    }
    return single("SELECT count(*) FROM " + table);
  }

  /** Calls by state, e.g. {@code established=10000}. */
  Map<String, Long> callsByState() {
    return grouped("SELECT state, count(*) FROM calls GROUP BY state ORDER BY state");
  }

  /** Timers by kind, e.g. {@code keep_alive_expiry=10000}. */
  Map<String, Long> timersByKind() {
    return grouped("SELECT kind, count(*) FROM timers GROUP BY kind ORDER BY kind");
  }

  /** Notifications by state. */
  Map<String, Long> notificationsByState() {
    return grouped("SELECT state, count(*) FROM notifications GROUP BY state ORDER BY state");
  }

  /**
   * Whether Dialtone has work left: a notification not yet delivered, or a timer due by {@code
   * nowMillis}.
   */
  boolean busy(long nowMillis) {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT (SELECT count(*) FROM notifications WHERE state = 'pending')"
                + " + (SELECT count(*) FROM timers WHERE due_at <= ?)")) {
      statement.setLong(1, nowMillis);
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        return rs.getLong(1) > 0;
      }
    } catch (SQLException e) {
      throw failure("count Dialtone's pending work", e);
    }
  }

  /** Timers due by {@code nowMillis}, not fired yet. */
  long timersDue(long nowMillis) {
    try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM timers WHERE due_at <= ?")) {
      statement.setLong(1, nowMillis);
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw failure("count due timers", e);
    }
  }

  /** The id of the most recently created terminated call. */
  String newestTerminatedCall() {
    try (Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery("SELECT id FROM calls WHERE state = 'terminated' ORDER BY created_at DESC LIMIT 1")) {
      if (!rs.next()) {
        throw new BenchException("Dialtone's database holds no terminated call to copy");
      }
      return rs.getString(1);
    } catch (SQLException e) {
      throw failure("find a terminated call", e);
    }
  }

  /**
   * The rows of call {@code callId}, to copy.
   *
   * @param fixedIds UUIDs the copies keep (the directory's); every other UUID in the rows varies
   */
  Template template(String callId, Set<String> fixedIds) {
    Map<String, List<Map<String, Object>>> rows = new LinkedHashMap<>();
    rows.put("calls", select("SELECT * FROM calls WHERE id = ?", callId));
    rows.put("notifications", select("SELECT * FROM notifications WHERE call_id = ? ORDER BY sequence", callId));
    rows.put(
        "notification_bodies",
        select(
            "SELECT * FROM notification_bodies WHERE notification_id IN (SELECT id FROM notifications WHERE call_id = ?)"
                + " ORDER BY notification_id",
            callId));
    rows.put(
        "delivery_attempts",
        select(
            "SELECT * FROM delivery_attempts WHERE notification_id IN (SELECT id FROM notifications WHERE call_id = ?)"
                + " ORDER BY notification_id, number",
            callId));
    rows.put("timers", select("SELECT * FROM timers WHERE call_id = ?", callId));
    if (rows.get("calls").size() != 1) {
      throw new BenchException("call " + callId + " is not in Dialtone's database");
    }
    return Template.of(rows, fixedIds);
  }

  /**
   * Brings the number of stored calls to exactly {@code size}: deletes the newest calls (with their
   * rows) if there are more, inserts copies of {@code template} if there are fewer. Dialtone must be
   * idle ({@link #busy} false): a deleted call's notifications have all been delivered.
   *
   * @return how many calls were inserted (positive) or deleted (negative)
   */
  long bringTo(long size, Template template, java.util.function.LongConsumer progress) {
    long now = calls();
    if (now > size) {
      deleteNewest(now - size);
    } else if (now < size) {
      insertCopies(template, size - now, progress);
    }
    checkpoint();
    return size - now;
  }

  private void deleteNewest(long count) {
    try (Statement statement = connection.createStatement()) {
      connection.setAutoCommit(false);
      statement.executeUpdate("DROP TABLE IF EXISTS temp.doomed");
      statement.executeUpdate(
          "CREATE TEMP TABLE doomed AS SELECT id FROM calls ORDER BY created_at DESC LIMIT " + count);
      statement.executeUpdate(
          "DELETE FROM delivery_attempts WHERE notification_id IN"
              + " (SELECT id FROM notifications WHERE call_id IN (SELECT id FROM temp.doomed))");
      statement.executeUpdate(
          "DELETE FROM notification_bodies WHERE notification_id IN"
              + " (SELECT id FROM notifications WHERE call_id IN (SELECT id FROM temp.doomed))");
      statement.executeUpdate("DELETE FROM notifications WHERE call_id IN (SELECT id FROM temp.doomed)");
      statement.executeUpdate("DELETE FROM timers WHERE call_id IN (SELECT id FROM temp.doomed)");
      statement.executeUpdate("DELETE FROM calls WHERE id IN (SELECT id FROM temp.doomed)");
      statement.executeUpdate("DROP TABLE temp.doomed");
      connection.commit();
    } catch (SQLException e) {
      rollback();
      throw failure("delete " + count + " calls", e);
    } finally {
      autoCommit();
    }
  }

  private void insertCopies(Template template, long count, java.util.function.LongConsumer progress) {
    Map<String, PreparedStatement> statements = new LinkedHashMap<>();
    try {
      for (String table : TABLES) {
        List<String> columns = template.columns(table);
        if (!columns.isEmpty()) {
          statements.put(
              table,
              connection.prepareStatement(
                  "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                      + columns.stream().map(c -> "?").collect(Collectors.joining(", ")) + ")"));
        }
      }
      connection.setAutoCommit(false);
      long done = 0;
      while (done < count) {
        int batch = (int) Math.min(BATCH, count - done);
        for (int i = 0; i < batch; i++) {
          copiesMade++;
          Template.Copy copy = template.copy(-copiesMade * COPY_SPACING_MILLIS);
          for (var entry : statements.entrySet()) {
            for (Object[] values : copy.rows(entry.getKey())) {
              PreparedStatement statement = entry.getValue();
              for (int c = 0; c < values.length; c++) {
                if (values[c] == null) {
                  statement.setNull(c + 1, Types.NULL);
                } else {
                  statement.setObject(c + 1, values[c]);
                }
              }
              statement.addBatch();
            }
          }
        }
        for (PreparedStatement statement : statements.values()) {
          statement.executeBatch();
        }
        connection.commit();
        done += batch;
        progress.accept(done);
      }
    } catch (SQLException e) {
      rollback();
      throw failure("insert copies of a stored call", e);
    } finally {
      for (PreparedStatement statement : statements.values()) {
        try {
          statement.close();
        } catch (SQLException e) {
          // closing a statement we are done with
        }
      }
      autoCommit();
    }
  }

  /** Folds the write-ahead log back into the database file, so its size is the file's. */
  void checkpoint() {
    try (Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch (SQLException e) {
      throw failure("checkpoint", e);
    }
  }

  private List<Map<String, Object>> select(String sql, String parameter) {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, parameter);
      try (ResultSet rs = statement.executeQuery()) {
        ResultSetMetaData meta = rs.getMetaData();
        while (rs.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int c = 1; c <= meta.getColumnCount(); c++) {
            row.put(meta.getColumnName(c), rs.getObject(c));
          }
          rows.add(row);
        }
      }
      return rows;
    } catch (SQLException e) {
      throw failure("read rows of call " + parameter, e);
    }
  }

  private long single(String sql) {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw failure(sql, e);
    }
  }

  private Map<String, Long> grouped(String sql) {
    Map<String, Long> counts = new LinkedHashMap<>();
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      while (rs.next()) {
        counts.put(rs.getString(1), rs.getLong(2));
      }
      return counts;
    } catch (SQLException e) {
      throw failure(sql, e);
    }
  }

  private void rollback() {
    try {
      connection.rollback();
    } catch (SQLException e) {
      // the original failure is the one to report
    }
  }

  private void autoCommit() {
    try {
      connection.setAutoCommit(true);
    } catch (SQLException e) {
      throw failure("end a transaction", e);
    }
  }

  private static BenchException failure(String what, SQLException e) {
    return new BenchException("Dialtone's database: cannot " + what + ": " + e.getMessage(), e);
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      // closing at the end of a phase: nothing to do about a failure
    }
  }

  /**
   * A stored call's rows, ready to copy: each text value cut at the UUIDs that vary, each
   * timestamp column marked to shift.
   */
  static final class Template {
    private final Map<String, List<String>> columns;
    /** Per table, per row, per column: a fixed value, a {@link Text}, or a {@link Time}. */
    private final Map<String, List<Object[]>> rows;
    private final int varying;

    private record Text(List<Object> parts) {}

    private record Time(long millis) {}

    private Template(Map<String, List<String>> columns, Map<String, List<Object[]>> rows, int varying) {
      this.columns = columns;
      this.rows = rows;
      this.varying = varying;
    }

    static Template of(Map<String, List<Map<String, Object>>> tables, Set<String> fixedIds) {
      Set<String> fixed = fixedIds.stream().map(s -> s.toLowerCase(java.util.Locale.ROOT)).collect(Collectors.toSet());
      Map<String, Integer> varying = new LinkedHashMap<>();
      for (List<Map<String, Object>> rows : tables.values()) {
        for (Map<String, Object> row : rows) {
          for (Object value : row.values()) {
            if (value instanceof String text) {
              Matcher m = UUID_TEXT.matcher(text);
              while (m.find()) {
                if (!fixed.contains(m.group())) {
                  varying.putIfAbsent(m.group(), varying.size());
                }
              }
            }
          }
        }
      }
      Map<String, List<String>> columns = new LinkedHashMap<>();
      Map<String, List<Object[]>> cut = new LinkedHashMap<>();
      for (var table : tables.entrySet()) {
        List<String> names = table.getValue().isEmpty() ? List.of() : List.copyOf(table.getValue().get(0).keySet());
        columns.put(table.getKey(), names);
        List<Object[]> rows = new ArrayList<>();
        for (Map<String, Object> row : table.getValue()) {
          Object[] values = new Object[names.size()];
          for (int c = 0; c < names.size(); c++) {
            Object value = row.get(names.get(c));
            if (value instanceof String text) {
              values[c] = cut(text, varying);
            } else if (value instanceof Number n && TIME_COLUMNS.contains(names.get(c))) {
              values[c] = new Time(n.longValue());
            } else {
              values[c] = value;
            }
          }
          rows.add(values);
        }
        cut.put(table.getKey(), rows);
      }
      return new Template(columns, cut, varying.size());
    }

    private static Object cut(String text, Map<String, Integer> varying) {
      List<Object> parts = new ArrayList<>();
      Matcher m = UUID_TEXT.matcher(text);
      int at = 0;
      while (m.find()) {
        Integer index = varying.get(m.group());
        if (index != null) {
          parts.add(text.substring(at, m.start()));
          parts.add(index);
          at = m.end();
        }
      }
      if (parts.isEmpty()) {
        return text;
      }
      parts.add(text.substring(at));
      return new Text(parts);
    }

    List<String> columns(String table) {
      return columns.getOrDefault(table, List.of());
    }

    /** How many distinct UUIDs each copy replaces. */
    int varyingIds() {
      return varying;
    }

    /** Rows per table, e.g. {@code calls=1, notifications=3, ...}. */
    Map<String, Integer> shape() {
      Map<String, Integer> shape = new LinkedHashMap<>();
      rows.forEach((table, list) -> shape.put(table, list.size()));
      return shape;
    }

    /** A copy with fresh UUIDs and every timestamp moved by {@code shiftMillis}. */
    Copy copy(long shiftMillis) {
      String[] ids = new String[varying];
      ThreadLocalRandom random = ThreadLocalRandom.current();
      for (int i = 0; i < ids.length; i++) {
        ids[i] = randomUuid(random);
      }
      Map<String, List<Object[]>> out = new LinkedHashMap<>();
      for (var table : rows.entrySet()) {
        List<Object[]> copied = new ArrayList<>(table.getValue().size());
        for (Object[] template : table.getValue()) {
          Object[] values = new Object[template.length];
          for (int c = 0; c < template.length; c++) {
            values[c] =
                switch (template[c]) {
                  case Text text -> join(text, ids);
                  case Time time -> time.millis() + shiftMillis;
                  case null -> null;
                  default -> template[c];
                };
          }
          copied.add(values);
        }
        out.put(table.getKey(), copied);
      }
      return new Copy(out);
    }

    private static String join(Text text, String[] ids) {
      StringBuilder sb = new StringBuilder();
      for (Object part : text.parts()) {
        sb.append(part instanceof Integer index ? ids[index] : (String) part);
      }
      return sb.toString();
    }

    /** A version-4 UUID from a fast generator: the copies need unique ids, not secret ones. */
    private static String randomUuid(ThreadLocalRandom random) {
      long high = (random.nextLong() & ~0xF000L) | 0x4000L;
      long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
      return new UUID(high, low).toString();
    }

    /** One copy's rows. */
    record Copy(Map<String, List<Object[]>> tables) {
      List<Object[]> rows(String table) {
        return tables.getOrDefault(table, List.of());
      }
    }
  }

  /** The UUIDs in {@code text}, in order of first appearance. */
  static Set<String> uuidsIn(String text) {
    Set<String> ids = new LinkedHashSet<>();
    Matcher m = UUID_TEXT.matcher(text.toLowerCase(java.util.Locale.ROOT));
    while (m.find()) {
      ids.add(m.group());
    }
    return ids;
  }
}
