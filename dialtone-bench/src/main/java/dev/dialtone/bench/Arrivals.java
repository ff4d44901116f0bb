package dev.dialtone.bench;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Times a batch of notifications as the receiver takes them: after {@code skip} arrivals that are
 * not timed (a sender's warm-up), when the first of the batch arrived, and when the {@code
 * expected}-th did. Arrivals beyond the batch (a duplicate) are counted but time nothing.
 * Thread-safe.
 */
final class Arrivals {
  private final long skip;
  private final long expected;
  private long count;
  private long firstNanos;
  private long lastNanos;

  Arrivals(long expected) {
    this(0, expected);
  }

  Arrivals(long skip, long expected) {
    if (expected < 1 || skip < 0) {
      throw new IllegalArgumentException(
          "a batch has at least one notification and skips none or more, got " + expected + " and " + skip);
    }
    this.skip = skip;
    this.expected = expected;
  }

  /** A notification arrived at {@code nanos} ({@link System#nanoTime()}). */
  synchronized void arrived(long nanos) {
    count++;
    if (count == skip + 1) {
      firstNanos = nanos;
    }
    if (count == skip + expected) {
      lastNanos = nanos;
      notifyAll();
    }
  }

  /** Waits until the whole batch has arrived; false if it did not within {@code timeout}. */
  synchronized boolean await(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (count < skip + expected) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  /** The batch's notifications that arrived so far. */
  synchronized long count() {
    return Math.max(0, count - skip);
  }

  synchronized long expected() {
    return expected;
  }

  /** When the first notification arrived ({@link System#nanoTime()}); 0 before it did. */
  synchronized long firstNanos() {
    return firstNanos;
  }

  /** When the last of the batch arrived ({@link System#nanoTime()}); 0 before it did. */
  synchronized long lastNanos() {
    return lastNanos;
  }

  /**
   * The batch's rate at the receiver: the notifications after the first over the time from the
   * first to the last, so that it holds no start-up latency of the sender.
   */
  synchronized double perSecond() {
    if (count < skip + expected || expected < 2 || lastNanos == firstNanos) {
      return 0;
    }
    return (expected - 1) / ((lastNanos - firstNanos) / 1e9);
  }
}
