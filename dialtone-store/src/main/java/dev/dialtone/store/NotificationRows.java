package dev.dialtone.store;

import dev.dialtone.engine.call.Delivery;
import dev.dialtone.engine.call.Notification;
import java.net.URI;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The {@code notifications}, {@code notification_bodies} and {@code delivery_attempts} tables: their
 * SQL and the mapping between rows and the engine's outbox types. Times are epoch milliseconds, as
 * in {@link CallRows}. A body is written once, in a table of its own, so that the updates delivery
 * makes to a notification's row (its lease, its outcome) do not rewrite it.
 */
final class NotificationRows {

  static final String PENDING = "pending";
  static final String DELIVERED = "delivered";
  static final String GAVE_UP = "gave_up";

  /** The columns {@link #read} maps, in its order, but for the body; then the chain id. */
  private static final String COLUMNS =
      "id, call_id, sequence, app_id, tenant_id, target, created_at, chain_id";

  /**
   * A stored notification's chain id: rows written before migration V6 have none, and take their
   * call's id, as delivery used then.
   */
  private static final String CHAIN_ID = "COALESCE(chain_id, call_id)";

  /** A new notification: pending, due at once, never tried, not leased. */
  static final String INSERT =
      "INSERT INTO notifications ("
          + COLUMNS
          + ", state, next_attempt_at, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, 0)";

  /** A new notification's body, written after its row. */
  static final String INSERT_BODY =
      "INSERT INTO notification_bodies (notification_id, body) VALUES (?, ?)";

  /**
   * What an attempt changes: the state, the next attempt time (kept when bound to null), one more
   * attempt, no lease. Only a pending notification leased to the recording owner changes (a count
   * of 0 means the lease is no longer the owner's: another owner claimed the notification after the
   * lease ran out, or the attempt was recorded already), and only then is the attempt's row
   * written. Parameters: state, next attempt time, id, owner.
   */
  static final String RECORD_OUTCOME =
      "UPDATE notifications SET state = ?, next_attempt_at = COALESCE(?, next_attempt_at),"
          + " attempts = attempts + 1, lease_owner = NULL, lease_until = NULL"
          + " WHERE id = ? AND state = 'pending' AND lease_owner = ?";

  static final String INSERT_ATTEMPT =
      "INSERT INTO delivery_attempts (notification_id, number, at, status, latency_ms, error)"
          + " VALUES (?, ?, ?, ?, ?, ?)";

  /**
   * Leases the due heads of line: per call, the lowest-sequence pending notification, if it is due
   * and not leased. {@code lockClause} is what the engine needs to keep concurrent claimers apart
   * ({@link Engine#claimLock()}). Parameters: owner, lease until, now, now, limit. Returns the rows
   * {@link #leased} reads: no bodies, which {@link #selectBodies} reads after the commit.
   */
  static String claim(String lockClause) {
    return "UPDATE notifications SET lease_owner = ?, lease_until = ? WHERE id IN ("
        + "SELECT n.id FROM notifications n"
        + " WHERE n.state = 'pending' AND n.next_attempt_at <= ?"
        + " AND (n.lease_until IS NULL OR n.lease_until < ?)"
        + " AND NOT EXISTS (SELECT 1 FROM notifications p"
        + " WHERE p.call_id = n.call_id AND p.state = 'pending' AND p.sequence < n.sequence)"
        + " ORDER BY n.next_attempt_at LIMIT ?"
        + lockClause
        + ") RETURNING id, call_id, sequence, app_id, tenant_id, target, created_at, "
        + CHAIN_ID
        + ", next_attempt_at, attempts";
  }

  /** The bodies of {@code count} notifications, by id: one parameter per id. */
  static String selectBodies(int count) {
    StringBuilder sql =
        new StringBuilder("SELECT notification_id, body FROM notification_bodies WHERE notification_id IN (");
    for (int i = 0; i < count; i++) {
      sql.append(i == 0 ? "?" : ", ?");
    }
    return sql.append(')').toString();
  }

  /**
   * A notification a claim leased, as its row holds it: everything but the body.
   *
   * @param target the target as stored, parsed once the body is read
   */
  record Leased(
      String id,
      String callId,
      long sequence,
      String applicationId,
      String tenantId,
      String target,
      long createdAt,
      String chainId,
      long nextAttemptAt,
      int attempts) {

    /**
     * The notification, with its body as stored (not parsed: delivery POSTs it as it is).
     *
     * @throws IllegalStateException if the target is not a URI, which the store never writes
     */
    Delivery.Claimed withBody(String body) {
      return new Delivery.Claimed(
          id,
          callId,
          sequence,
          applicationId,
          tenantId,
          uri(id, target),
          chainId,
          Instant.ofEpochMilli(createdAt),
          body,
          attempts);
    }
  }

  /** The leased notification in the current row of a claim's result. */
  static Leased leased(ResultSet row) throws SQLException {
    return new Leased(
        row.getString(1),
        row.getString(2),
        row.getLong(3),
        row.getString(4),
        row.getString(5),
        row.getString(6),
        row.getLong(7),
        row.getString(8),
        row.getLong(9),
        row.getInt(10));
  }

  /** The pending notifications, counted on the partial indexes that hold only them. */
  static final String COUNT_PENDING = "SELECT COUNT(*) FROM notifications WHERE state = 'pending'";

  /**
   * A call's notifications in sequence order, each with its body and joined with its attempts in
   * number order: {@link #read}'s columns (1 to 8), state, next attempt time, {@link
   * #readAttempt}'s (11 to 15), then the chain id (16).
   */
  static final String SELECT_DELIVERIES =
      "SELECT n.id, n.call_id, n.sequence, n.app_id, n.tenant_id, n.target, n.created_at, b.body,"
          + " n.state, n.next_attempt_at,"
          + " a.number, a.at, a.status, a.latency_ms, a.error, COALESCE(n.chain_id, n.call_id)"
          + " FROM notifications n"
          + " JOIN notification_bodies b ON b.notification_id = n.id"
          + " LEFT JOIN delivery_attempts a ON a.notification_id = n.id"
          + " WHERE n.call_id = ? ORDER BY n.sequence, a.number";

  private NotificationRows() {}

  /** Binds the parameters of {@link #INSERT}. */
  static void bindInsert(PreparedStatement insert, Notification notification) throws SQLException {
    insert.setString(1, notification.id());
    insert.setString(2, notification.callId());
    insert.setLong(3, notification.sequence());
    insert.setString(4, notification.applicationId());
    insert.setString(5, notification.tenantId());
    insert.setString(6, notification.target().toString());
    insert.setLong(7, notification.createdAt().toEpochMilli());
    insert.setString(8, notification.chainId());
    insert.setLong(9, notification.createdAt().toEpochMilli());
  }

  /** Binds the parameters of {@link #INSERT_BODY}; the body is JSON text made by the caller. */
  static void bindBody(PreparedStatement insert, Notification notification, String body)
      throws SQLException {
    insert.setString(1, notification.id());
    insert.setString(2, body);
  }

  /** Binds the parameters of {@link #RECORD_OUTCOME}. */
  static void bindOutcome(
      PreparedStatement update, String notificationId, String owner, Delivery.Outcome outcome)
      throws SQLException {
    switch (outcome) {
      case Delivery.Outcome.Delivered delivered -> {
        update.setString(1, DELIVERED);
        update.setNull(2, Types.BIGINT);
      }
      case Delivery.Outcome.RetryAt retry -> {
        update.setString(1, PENDING);
        update.setLong(2, retry.when().toEpochMilli());
      }
      case Delivery.Outcome.GaveUp gaveUp -> {
        update.setString(1, GAVE_UP);
        update.setNull(2, Types.BIGINT);
      }
    }
    update.setString(3, notificationId);
    update.setString(4, owner);
  }

  /** Binds the parameters of {@link #INSERT_ATTEMPT}. */
  static void bindAttempt(PreparedStatement insert, Delivery.Attempt attempt) throws SQLException {
    insert.setString(1, attempt.notificationId());
    insert.setInt(2, attempt.number());
    insert.setLong(3, attempt.at().toEpochMilli());
    if (attempt.status().isPresent()) {
      insert.setInt(4, attempt.status().get());
    } else {
      insert.setNull(4, Types.INTEGER);
    }
    insert.setLong(5, attempt.latency().toMillis());
    if (attempt.error().isPresent()) {
      insert.setString(6, attempt.error().get());
    } else {
      insert.setNull(6, Types.VARCHAR);
    }
  }

  /**
   * The notification in columns 1 to 8 and 16 of a {@link #SELECT_DELIVERIES} row.
   *
   * @throws IllegalStateException if the row holds a body that is not a JSON object or a target
   *     that is not a URI, which the store never writes
   */
  static Notification read(ResultSet row) throws SQLException {
    String id = row.getString(1);
    return new Notification(
        id,
        row.getString(2),
        row.getLong(3),
        row.getString(4),
        row.getString(5),
        uri(id, row.getString(6)),
        row.getString(16),
        Json.readObject(row.getString(8), "notification " + id, "body"),
        Instant.ofEpochMilli(row.getLong(7)));
  }

  private static URI uri(String id, String target) {
    try {
      return new URI(target);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(
          "notification " + id + " is stored with a target that is not a URI: " + e.getMessage(),
          e);
    }
  }

  /**
   * The state in column 9 of a {@link #SELECT_DELIVERIES} row.
   *
   * @throws IllegalStateException for a state the store never writes
   */
  static Delivery.State state(String notificationId, String stored) {
    return switch (stored) {
      case PENDING -> Delivery.State.PENDING;
      case DELIVERED -> Delivery.State.DELIVERED;
      case GAVE_UP -> Delivery.State.GAVE_UP;
      default ->
          throw new IllegalStateException(
              "notification "
                  + notificationId
                  + " is stored with an unknown state '"
                  + stored
                  + "'");
    };
  }

  /** The attempt in columns 11 to 15 of a {@link #SELECT_DELIVERIES} row, if the row has one. */
  static Optional<Delivery.Attempt> readAttempt(String notificationId, ResultSet row)
      throws SQLException {
    int number = row.getInt(11);
    if (row.wasNull()) {
      return Optional.empty();
    }
    Instant at = Instant.ofEpochMilli(row.getLong(12));
    int status = row.getInt(13);
    Optional<Integer> maybeStatus = row.wasNull() ? Optional.empty() : Optional.of(status);
    Duration latency = Duration.ofMillis(row.getLong(14));
    Optional<String> error = Optional.ofNullable(row.getString(15));
    return Optional.of(
        new Delivery.Attempt(notificationId, number, at, maybeStatus, latency, error));
  }
}
