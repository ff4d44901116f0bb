package dev.dialtone.server.notify;

import dev.dialtone.engine.call.Delivery;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When a notification that was not delivered is tried again, and when Dialtone stops trying: a pure
 * function of the attempt number, so it is the same on every node and after a restart.
 *
 * <p>The delay after attempt {@code n} ({@code n >= 1}) is {@code min(base × 2^(n−1), cap)}.
 * Dialtone gives up when the next attempt would start later than {@code horizon} after the
 * notification was created. With the {@linkplain #standard() standard} values (base 1 s, cap 60 s,
 * horizon 1 h) and attempts that take no time, that is:
 *
 * <pre>
 *  attempt n | delay after it | next attempt starts, s after the first
 *  ----------+----------------+---------------------------------------
 *      1     |      1 s       |      1
 *      2     |      2 s       |      3
 *      3     |      4 s       |      7
 *      4     |      8 s       |     15
 *      5     |     16 s       |     31
 *      6     |     32 s       |     63
 *      7     |     60 s       |    123
 *      8     |     60 s       |    183
 *     ...    |     60 s       |     63 + 60 × (n − 6)
 *     64     |     60 s       |   3543
 *     65     |  (gives up)    |   3603 would be past the 1 h horizon
 * </pre>
 *
 * <p>So a bot that is down for a minute gets its notifications within a minute of coming back, and
 * a notification is tried 65 times at most; slow attempts (a bot that times out) make that fewer.
 *
 * @param base the delay after the first attempt; positive
 * @param cap the longest delay between two attempts; at least {@code base}
 * @param horizon how long after its creation a notification may still be tried; positive
 */
public record RetrySchedule(Duration base, Duration cap, Duration horizon) {

  public RetrySchedule {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(cap, "cap");
    Objects.requireNonNull(horizon, "horizon");
    if (base.isNegative() || base.isZero()) {
      throw new IllegalArgumentException("retry base must be positive, got " + base);
    }
    if (cap.compareTo(base) < 0) {
      throw new IllegalArgumentException(
          "retry cap must be at least the base (" + base + "), got " + cap);
    }
    if (horizon.isNegative() || horizon.isZero()) {
      throw new IllegalArgumentException("retry horizon must be positive, got " + horizon);
    }
  }

  /** Base 1 s, cap 60 s, horizon 1 hour. */
  public static RetrySchedule standard() {
    return new RetrySchedule(Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofHours(1));
  }

  /**
   * The delay between the end of attempt {@code attempt} and the start of the next one.
   *
   * @throws IllegalArgumentException if {@code attempt < 1}
   */
  public Duration delayAfter(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempts are numbered from 1, got " + attempt);
    }
    int doublings = attempt - 1;
    if (doublings >= Long.SIZE - 1) {
      return cap;
    }
    try {
      Duration delay = base.multipliedBy(1L << doublings);
      return delay.compareTo(cap) < 0 ? delay : cap;
    } catch (ArithmeticException e) {
      return cap;
    }
  }

  /**
   * What follows a failed attempt: {@link Delivery.Outcome.RetryAt} {@code now +
   * delayAfter(attempt)}, or {@link Delivery.Outcome.GaveUp} if that is later than {@code createdAt
   * + horizon}.
   *
   * @param createdAt when the notification was created
   * @param attempt the number of the attempt that failed, from 1
   * @param now when it failed
   */
  public Delivery.Outcome afterFailure(Instant createdAt, int attempt, Instant now) {
    Instant next = now.plus(delayAfter(attempt));
    return next.isAfter(createdAt.plus(horizon))
        ? new Delivery.Outcome.GaveUp()
        : new Delivery.Outcome.RetryAt(next);
  }
}
