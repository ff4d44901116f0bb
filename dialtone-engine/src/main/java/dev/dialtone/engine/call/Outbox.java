package dev.dialtone.engine.call;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The notifications waiting to be delivered. Notifications are added only through {@link
 * CallStore#apply}, with the change that causes them.
 *
 * <p>Ordering: per call, only the lowest-sequence notification that is still {@code PENDING} (the
 * head of the line) can be claimed, and only once its {@code nextAttemptAt} has come; so a call's
 * notifications reach the bot in order, and a failing one holds back the ones after it until it
 * is delivered or given up. Different calls never wait for each other.
 *
 * <p>Leases: a claim leases a notification to its owner, and only that owner records its attempt.
 * A lease that ran out stays its owner's until someone else claims the notification: an attempt
 * reported late, when nobody took the notification over, did happen and is recorded (dropping it
 * would only make the bot get the notification again). Once another owner has claimed it, the
 * late report is refused, so it can neither overwrite what the new owner records nor revive a
 * notification the new owner delivered.
 */
public interface Outbox {

  /**
   * Leases up to {@code limit} due heads of line to {@code owner} until {@code now + lease}; a
   * notification leased to someone else is not returned until that lease has expired (its owner
   * died). Safe to call from several nodes at once: each notification goes to one of them. Each
   * comes with the number of attempts recorded so far, so an attempt is numbered without reading
   * the notification's history.
   */
  List<Delivery.Claimed> claimNotifications(String owner, Instant now, Duration lease, int limit);

  /**
   * Records an attempt and what follows from it, and releases the lease, if {@code owner} still
   * holds the notification's lease (see the leases above). On return it survives a crash of the
   * process; stores may commit it without waiting for the disk, so that a crash of the machine
   * loses at most the latest attempts, whose notifications are then sent again with the same id.
   *
   * @return true if recorded; false if the lease is no longer {@code owner}'s (another owner claimed
   *     the notification after this lease ran out, or the attempt was recorded already), in which
   *     case nothing was written
   */
  boolean recordAttempt(String owner, Delivery.Attempt attempt, Delivery.Outcome outcome);

  /** A call's notifications in sequence order, each with its attempts. */
  List<Delivery.Record> deliveries(String callId);

  /** How many notifications are pending: not delivered or given up yet, due or not, leased or not. */
  long pendingCount();
}
