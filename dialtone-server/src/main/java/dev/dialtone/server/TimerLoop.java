package dev.dialtone.server;

import dev.dialtone.engine.call.TimerQueue;
import dev.dialtone.engine.call.TimerWorker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the timer worker on a thread of its own: fires what is due, then sleeps until the next timer
 * is due, for at most {@code maxPoll} of real time.
 *
 * <p>Waking: the engine tells the loop of every timer this node schedules ({@link #scheduled});
 * one due before the loop would wake anyway wakes it at once (a callee that answers at once is
 * fired as soon as the create committed). After each round the loop asks the store for the
 * earliest unleased timer ({@link TimerQueue#nextDue()}), so it also sleeps just until timers it
 * was not told of, such as those a previous run left. The bound on the sleep covers what the loop
 * cannot be told of: timers other nodes sharing the database made, leases of dead nodes running
 * out, and a clock that jumps (tests move a fake clock). After a failed round it sleeps the whole
 * bound, so a store that is down is not hammered.
 *
 * <p>Times: due times are in the server's clock, which runs {@code rate} times as fast as real
 * time (1 but for a scaled demo clock); the loop sleeps in real time.
 */
final class TimerLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TimerLoop.class);

  private final TimerQueue queue;
  private final Clock clock;
  private final double rate;
  private final Duration maxPoll;
  private final Thread thread;
  /** The earliest due time signalled since the round began; {@link Instant#MAX} if none. */
  private final AtomicReference<Instant> signalled = new AtomicReference<>(Instant.MAX);
  /** When the loop means to wake, in the clock's time; {@link Instant#MIN} while it works. */
  private volatile Instant sleepingUntil = Instant.MIN;
  private volatile TimerWorker worker;
  private volatile boolean running = true;

  /**
   * @param queue where the next due time is read
   * @param rate how many seconds of {@code clock} pass in a second of real time
   * @param maxPoll the longest the loop sleeps, in real time
   */
  TimerLoop(TimerQueue queue, Clock clock, double rate, Duration maxPoll) {
    this.queue = Objects.requireNonNull(queue, "queue");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (!(rate > 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("the clock's rate must be a positive number, got " + rate);
    }
    this.rate = rate;
    this.maxPoll = Objects.requireNonNull(maxPoll, "maxPoll");
    if (maxPoll.isNegative() || maxPoll.isZero()) {
      throw new IllegalArgumentException("maxPoll must be positive, got " + maxPoll);
    }
    this.thread = Thread.ofPlatform().daemon().name("dialtone-timers").unstarted(this::run);
  }

  /** Starts firing timers with {@code timerWorker}. */
  TimerLoop start(TimerWorker timerWorker) {
    this.worker = Objects.requireNonNull(timerWorker, "timerWorker");
    thread.start();
    return this;
  }

  /**
   * A timer due at {@code dueAt} was committed on this node: the loop wakes for it in time. Cheap
   * and never blocks; any thread may call it.
   */
  void scheduled(Instant dueAt) {
    Instant earliest = signalled.accumulateAndGet(dueAt, TimerLoop::earlier);
    // The loop publishes when it means to wake before it reads the signals again, so either it
    // sees this one, or this sees that time and unparks it.
    if (earliest.isBefore(sleepingUntil)) {
      LockSupport.unpark(thread);
    }
  }

  private void run() {
    while (running) {
      sleepingUntil = Instant.MIN;
      signalled.set(Instant.MAX);
      Optional<Instant> next;
      try {
        worker.runDue();
        next = queue.nextDue();
      } catch (RuntimeException e) {
        // The store may be briefly unavailable; the timers stay due and are fired on a later turn.
        LOG.warn("firing due timers failed; they will be tried again", e);
        LockSupport.parkNanos(this, maxPoll.toNanos());
        continue;
      }
      sleep(next);
    }
  }

  /** Sleeps until {@code next}, or an earlier signalled timer, for at most {@code maxPoll}. */
  private void sleep(Optional<Instant> next) {
    long pollEnds = System.nanoTime() + maxPoll.toNanos();
    while (running) {
      long pollLeft = pollEnds - System.nanoTime();
      if (pollLeft <= 0) {
        return;
      }
      Instant now = clock.instant();
      Instant until = now.plusNanos((long) (pollLeft * rate));
      if (next.isPresent()) {
        until = earlier(until, next.get());
      }
      sleepingUntil = until;
      until = earlier(until, signalled.get());
      long nanos = (long) (Duration.between(now, until).toNanos() / rate);
      if (nanos <= 0) {
        return;
      }
      LockSupport.parkNanos(this, Math.min(nanos, pollLeft));
    }
  }
  private static Instant earlier(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  @Override
  public void close() {
    running = false;
    LockSupport.unpark(thread);
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
