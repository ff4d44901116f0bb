package dev.dialtone.engine.call;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The timers waiting to fire. Timers are added and cancelled only through {@link CallStore#apply};
 * a fired timer is cancelled by the change its firing makes, in the same transaction, so it fires
 * at most once per successful change and again after a crash that lost the change.
 */
public interface TimerQueue {

  /**
   * Leases up to {@code limit} timers due at {@code now} to {@code owner} until {@code now +
   * lease}, earliest first; timers leased to someone else come back once that lease expires.
   */
  List<Timer> claimTimers(String owner, Instant now, Duration lease, int limit);

  /**
   * The earliest due time of a timer no one holds a lease on, if there is one, so a worker can
   * sleep until then. Leased timers are left out (their holder fires them); one whose holder died
   * comes back when its lease runs out, which a worker notices by polling.
   */
  java.util.Optional<Instant> nextDue();
}
