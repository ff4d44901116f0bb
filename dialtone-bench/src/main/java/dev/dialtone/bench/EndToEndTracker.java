package dev.dialtone.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Pairs each created call with the notification saying it is {@code established}, and records
 * the time between sending the create request and receiving that notification.
 *
 * <p>Either event may come first: the notification can overtake the client's reading of its
 * {@code 201}. Whichever comes second records the latency. Only calls created inside the measured
 * window are recorded. Thread-safe (one lock: a few thousand events a second at most).
 */
final class EndToEndTracker {
  private static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(2);

  private final Histogram latencyNanos = new Histogram(HIGHEST_NANOS, 3);
  /** Calls created, not yet established: the create request's send time; negative if not measured. */
  private final Map<String, Long> sent = new HashMap<>();
  /** Established before their 201 was read: arrival time. */
  private final Map<String, Long> early = new HashMap<>();
  private long measuredPending;

  /** A call was created by a request sent at {@code sentNanos}. */
  synchronized void created(String callId, long sentNanos, boolean measured) {
    Long arrived = early.remove(callId);
    if (arrived != null) {
      if (measured) {
        record(arrived - sentNanos);
      }
      return;
    }
    sent.put(callId, measured ? sentNanos : -1L);
    if (measured) {
      measuredPending++;
    }
  }

  /** The bot was told at {@code arrivedNanos} that {@code callId} is established. */
  synchronized void established(String callId, long arrivedNanos) {
    Long sentNanos = sent.remove(callId);
    if (sentNanos == null) {
      early.put(callId, arrivedNanos);
    } else if (sentNanos >= 0) {
      measuredPending--;
      record(arrivedNanos - sentNanos);
      if (measuredPending == 0) {
        notifyAll();
      }
    }
  }

  private void record(long nanos) {
    latencyNanos.recordValue(Math.max(0, Math.min(nanos, HIGHEST_NANOS)));
  }

  /**
   * Waits up to {@code timeout} for every measured call to be established.
   *
   * @return how many measured calls are still not established
   */
  synchronized long awaitAll(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (measuredPending > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return measuredPending;
  }

  synchronized Histogram latencyNanos() {
    return latencyNanos.copy();
  }
}
