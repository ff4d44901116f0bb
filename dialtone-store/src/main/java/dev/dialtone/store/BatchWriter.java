package dev.dialtone.store;

import dev.dialtone.engine.call.Call;
import dev.dialtone.engine.call.CallChange;
import dev.dialtone.engine.call.Notification;
import dev.dialtone.engine.call.Timer;
import dev.dialtone.store.Write.Refusal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Executes writes in the committer's open transaction, with as few round trips as the refusal rules
 * allow.
 *
 * <p><b>Segments and phases.</b> The committer {@linkplain #ORDER sorts} a batch and cuts it into
 * {@linkplain #segments segments} in which no two writes touch the same call, timer or
 * notification. Within a segment, writes are independent, so the order among them is free; each
 * kind of row is then written with one JDBC batch (one round trip on PostgreSQL) per segment rather
 * than per write:
 *
 * <ol>
 *   <li>the calls: inserts ({@code ON CONFLICT DO NOTHING}), then updates ({@code WHERE version =
 *       ?}); a count of 0 refuses that write as a conflict;
 *   <li>for each change whose call was written, or that has no call: its notifications, then its
 *       timers (deleted by call for {@code cancelAllTimers}, deleted by id, upserted). A refused
 *       change writes nothing more;
 *   <li>attempts: the notification's new state if its lease is still the recorder's, then, for
 *       those, the attempt's row;
 *   <li>claims, one statement each, seeing everything written before them.
 * </ol>
 *
 * Claims come last in a batch: with {@code SKIP LOCKED} they never wait for a lock, and as nothing
 * follows them but the commit, the rows they lock are never held while the transaction waits for
 * another. Writes touching one call land in successive segments in queue order, so a segment's
 * phases never reorder two changes of one call.
 *
 * <p>Not thread-safe: one per transaction, on the committer's thread. A failure leaves statements
 * with unexecuted batch entries; close the writer and roll back.
 */
final class BatchWriter implements AutoCloseable {

  /**
   * The order of writes in a batch: changes, then attempts, then claims; within each, by call,
   * notification or owner. On PostgreSQL, two committers taking rows in one order cannot deadlock
   * each other. The sort must be stable, so that writes to one call keep their queue order.
   */
  static final Comparator<Write> ORDER =
      Comparator.comparingInt(BatchWriter::rank).thenComparing(BatchWriter::orderKey);

  private final Connection connection;
  private final Engine engine;
  // Prepared on first use, in first-use order, and reused for the whole transaction.
  private final Map<String, PreparedStatement> statements = new LinkedHashMap<>();

  BatchWriter(Connection connection, Engine engine) {
    this.connection = connection;
    this.engine = engine;
  }

  /**
   * Cuts writes, already in {@link #ORDER}, into runs in which no two writes touch the same row:
   * each run starts where a write touches what one before it in the run touched.
   */
  static <T> List<List<T>> segments(List<T> sorted, Function<T, Write> write) {
    List<List<T>> segments = new ArrayList<>();
    List<T> current = new ArrayList<>();
    Set<String> touched = new HashSet<>();
    for (T item : sorted) {
      List<String> keys = keys(write.apply(item));
      if (keys.stream().anyMatch(touched::contains)) {
        segments.add(current);
        current = new ArrayList<>();
        touched.clear();
      }
      current.add(item);
      touched.addAll(keys);
    }
    if (!current.isEmpty()) {
      segments.add(current);
    }
    return segments;
  }

  /**
   * Executes a segment: writes of which no two touch the same row.
   *
   * @return each write's refusal, or empty if it is written, in the order of {@code segment}
   * @throws SQLException if the database refuses a statement; the transaction is then unusable
   */
  List<Optional<Refusal>> apply(List<Write> segment) throws SQLException {
    List<Optional<Refusal>> outcomes =
        new ArrayList<>(Collections.nCopies(segment.size(), Optional.empty()));
    writeCalls(segment, outcomes);
    writeNotificationsAndTimers(segment, outcomes);
    recordAttempts(segment);
    claim(segment);
    return outcomes;
  }

  /** Closes every statement, throwing the first failure with the others suppressed. */
  @Override
  public void close() throws SQLException {
    SQLException failure = null;
    for (PreparedStatement statement : statements.values()) {
      try {
        statement.close();
      } catch (SQLException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    statements.clear();
    if (failure != null) {
      throw failure;
    }
  }

  private void writeCalls(List<Write> segment, List<Optional<Refusal>> outcomes)
      throws SQLException {
    List<Integer> inserts = new ArrayList<>();
    List<Integer> updates = new ArrayList<>();
    for (int i = 0; i < segment.size(); i++) {
      if (!(segment.get(i) instanceof Write.Change change) || change.change().call().isEmpty()) {
        continue;
      }
      Call call = change.change().call().get();
      String json = change.callJson().orElseThrow();
      if (call.version() == 1) {
        PreparedStatement insert = statement(CallRows.INSERT);
        CallRows.bindInsert(insert, call, json);
        insert.addBatch();
        inserts.add(i);
      } else {
        PreparedStatement update = statement(CallRows.UPDATE);
        CallRows.bindUpdate(update, call, json);
        update.addBatch();
        updates.add(i);
      }
    }
    int[] inserted = execute(CallRows.INSERT, inserts.size());
    for (int k = 0; k < inserted.length; k++) {
      if (inserted[k] != 1) {
        int i = inserts.get(k);
        String id = callOf(segment.get(i)).id();
        outcomes.set(
            i, Optional.of(Refusal.conflict("a call with id '" + id + "' already exists")));
      }
    }
    int[] updated = execute(CallRows.UPDATE, updates.size());
    for (int k = 0; k < updated.length; k++) {
      if (updated[k] != 1) {
        int i = updates.get(k);
        outcomes.set(i, Optional.of(Refusal.conflict(staleMessage(callOf(segment.get(i))))));
      }
    }
  }

  private void writeNotificationsAndTimers(List<Write> segment, List<Optional<Refusal>> outcomes)
      throws SQLException {
    int notifications = 0;
    int callsCleared = 0;
    int cancelled = 0;
    int scheduled = 0;
    for (int i = 0; i < segment.size(); i++) {
      if (!(segment.get(i) instanceof Write.Change write) || outcomes.get(i).isPresent()) {
        continue;
      }
      CallChange change = write.change();
      for (int n = 0; n < change.notifications().size(); n++) {
        Notification notification = change.notifications().get(n);
        PreparedStatement insert = statement(NotificationRows.INSERT);
        NotificationRows.bindInsert(insert, notification);
        insert.addBatch();
        PreparedStatement body = statement(NotificationRows.INSERT_BODY);
        NotificationRows.bindBody(body, notification, write.notificationBodies().get(n));
        body.addBatch();
        notifications++;
      }
      if (change.cancelAllTimers()) {
        PreparedStatement delete = statement(TimerRows.DELETE_BY_CALL);
        delete.setString(1, change.call().orElseThrow().id());
        delete.addBatch();
        callsCleared++;
      }
      for (String id : change.cancelledTimers()) {
        PreparedStatement delete = statement(TimerRows.DELETE_BY_ID);
        delete.setString(1, id);
        delete.addBatch();
        cancelled++;
      }
      for (int t = 0; t < change.scheduledTimers().size(); t++) {
        PreparedStatement upsert = statement(TimerRows.UPSERT);
        TimerRows.bindUpsert(upsert, change.scheduledTimers().get(t), write.timerData().get(t));
        upsert.addBatch();
        scheduled++;
      }
    }
    // A change deletes before it adds, so a timer both cancelled and scheduled ends up scheduled.
    execute(NotificationRows.INSERT, notifications);
    execute(NotificationRows.INSERT_BODY, notifications);
    execute(TimerRows.DELETE_BY_CALL, callsCleared);
    execute(TimerRows.DELETE_BY_ID, cancelled);
    execute(TimerRows.UPSERT, scheduled);
  }

  private void recordAttempts(List<Write> segment) throws SQLException {
    List<Write.RecordAttempt> records = new ArrayList<>();
    for (Write write : segment) {
      if (write instanceof Write.RecordAttempt record) {
        PreparedStatement update = statement(NotificationRows.RECORD_OUTCOME);
        NotificationRows.bindOutcome(
            update, record.attempt().notificationId(), record.owner(), record.outcome());
        update.addBatch();
        records.add(record);
      }
    }
    // The notification first: it says whether the lease is still the recorder's, and on
    // PostgreSQL the attempt's foreign key then finds its row locked by this transaction already.
    // An attempt whose lease is gone writes nothing: its outcome would overwrite what the new
    // owner records.
    int[] updated = execute(NotificationRows.RECORD_OUTCOME, records.size());
    int attempts = 0;
    for (int k = 0; k < updated.length; k++) {
      if (updated[k] == 1) {
        PreparedStatement insert = statement(NotificationRows.INSERT_ATTEMPT);
        NotificationRows.bindAttempt(insert, records.get(k).attempt());
        insert.addBatch();
        attempts++;
      }
    }
    execute(NotificationRows.INSERT_ATTEMPT, attempts);
    // Only once every statement ran: a failure above rolls the batch back, recorded or not.
    for (int k = 0; k < updated.length; k++) {
      records.get(k).recorded().set(updated[k] == 1);
    }
  }

  private void claim(List<Write> segment) throws SQLException {
    for (Write write : segment) {
      switch (write) {
        case Write.ClaimNotifications claim -> claim.claimed().set(claimNotifications(claim));
        case Write.ClaimTimers claim -> claim.claimed().set(claimTimers(claim));
        case Write.Change change -> {}
        case Write.RecordAttempt attempt -> {}
      }
    }
  }

  private List<NotificationRows.Leased> claimNotifications(Write.ClaimNotifications claim)
      throws SQLException {
    PreparedStatement select = statement(NotificationRows.claim(engine.claimLock()));
    bindClaim(select, claim.owner(), claim.now(), claim.leaseUntil(), claim.limit());
    List<NotificationRows.Leased> due = new ArrayList<>();
    try (ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        due.add(NotificationRows.leased(rows));
      }
    }
    // RETURNING has no order: the longest-waiting first, like the claim's own ORDER BY.
    due.sort(
        Comparator.comparingLong(NotificationRows.Leased::nextAttemptAt)
            .thenComparing(NotificationRows.Leased::callId)
            .thenComparingLong(NotificationRows.Leased::sequence));
    return due;
  }

  private List<Timer> claimTimers(Write.ClaimTimers claim) throws SQLException {
    PreparedStatement select = statement(TimerRows.claim(engine.claimLock()));
    bindClaim(select, claim.owner(), claim.now(), claim.leaseUntil(), claim.limit());
    List<Timer> timers = new ArrayList<>();
    try (ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        timers.add(TimerRows.read(rows));
      }
    }
    timers.sort(Comparator.comparing(Timer::dueAt).thenComparing(Timer::id));
    return timers;
  }

  private static void bindClaim(
      PreparedStatement claim, String owner, Instant now, Instant leaseUntil, int limit)
      throws SQLException {
    claim.setString(1, owner);
    claim.setLong(2, leaseUntil.toEpochMilli());
    claim.setLong(3, now.toEpochMilli());
    claim.setLong(4, now.toEpochMilli());
    claim.setInt(5, limit);
  }

  private String staleMessage(Call call) throws SQLException {
    String id = call.id();
    long expected = call.version() - 1;
    PreparedStatement select = statement(CallRows.SELECT_VERSION);
    select.setString(1, id);
    try (ResultSet row = select.executeQuery()) {
      if (!row.next()) {
        return "call '"
            + id
            + "' does not exist (the update expected stored version "
            + expected
            + ")";
      }
      return "call '"
          + id
          + "' was changed concurrently: the update expected stored version "
          + expected
          + " but the store holds version "
          + row.getLong(1)
          + "; read the call again and retry";
    }
  }

  /**
   * Executes the batch queued on {@code sql}'s statement, if {@code expected} entries are queued.
   *
   * @return one row count per entry
   * @throws IllegalStateException if the driver does not report a count per entry (PostgreSQL's
   *     {@code reWriteBatchedInserts}), without which a refused insert cannot be told apart
   */
  private int[] execute(String sql, int expected) throws SQLException {
    if (expected == 0) {
      return new int[0];
    }
    int[] counts = statement(sql).executeBatch();
    if (counts.length != expected) {
      throw new IllegalStateException(
          "the JDBC driver reported " + counts.length + " row counts for " + expected + " rows");
    }
    for (int count : counts) {
      if (count == Statement.SUCCESS_NO_INFO) {
        throw new IllegalStateException(
            "the JDBC driver does not report a row count per batched statement; the store needs"
                + " them to tell refused writes apart (remove reWriteBatchedInserts from the URL)");
      }
    }
    return counts;
  }

  private PreparedStatement statement(String sql) throws SQLException {
    PreparedStatement statement = statements.get(sql);
    if (statement == null) {
      statement = connection.prepareStatement(sql);
      statements.put(sql, statement);
    }
    return statement;
  }

  private static Call callOf(Write write) {
    if (write instanceof Write.Change change && change.change().call().isPresent()) {
      return change.change().call().get();
    }
    throw new IllegalStateException("not a change with a call: " + write.subject());
  }

  private static int rank(Write write) {
    return switch (write) {
      case Write.Change change -> 0;
      case Write.RecordAttempt attempt -> 1;
      case Write.ClaimNotifications claim -> 2;
      case Write.ClaimTimers claim -> 2;
    };
  }

  private static String orderKey(Write write) {
    return switch (write) {
      case Write.Change change ->
          change
              .change()
              .call()
              .map(Call::id)
              .or(() -> change.change().scheduledTimers().stream().map(Timer::id).findFirst())
              .or(() -> change.change().cancelledTimers().stream().findFirst())
              .orElse("");
      case Write.RecordAttempt attempt -> attempt.attempt().notificationId();
      case Write.ClaimNotifications claim -> claim.owner();
      case Write.ClaimTimers claim -> claim.owner();
    };
  }

  /** The rows a write touches, as far as two writes in one segment must not share them. */
  private static List<String> keys(Write write) {
    return switch (write) {
      case Write.Change change -> {
        CallChange c = change.change();
        List<String> keys = new ArrayList<>();
        c.call().ifPresent(call -> keys.add("call:" + call.id()));
        for (Timer timer : c.scheduledTimers()) {
          // A timer scheduled for a call must not share a segment with that call's cancelAll.
          keys.add("call:" + timer.callId());
          keys.add("timer:" + timer.id());
        }
        for (String id : c.cancelledTimers()) {
          keys.add("timer:" + id);
        }
        for (Notification notification : c.notifications()) {
          keys.add("notification:" + notification.id());
        }
        yield keys;
      }
      case Write.RecordAttempt attempt ->
          List.of("notification:" + attempt.attempt().notificationId());
      // A claim reads what the writes before it in its segment wrote; two claims in one segment
      // run one after the other, so they share nothing that matters.
      case Write.ClaimNotifications claim -> List.of();
      case Write.ClaimTimers claim -> List.of();
    };
  }
}
