package dev.dialtone.server;

import dev.dialtone.engine.call.TimerWorker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the timer worker on a thread of its own, every {@code interval} of real time. Polling keeps
 * one mechanism for the timers this node made, the timers of other nodes sharing the database,
 * and the leases of dead nodes coming due; the query is an index range scan, cheap when nothing is
 * due.
 */
final class TimerLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TimerLoop.class);

  private final TimerWorker worker;
  private final Duration interval;
  private final Thread thread;
  private volatile boolean running = true;

  TimerLoop(TimerWorker worker, Duration interval) {
    this.worker = worker;
    this.interval = interval;
    this.thread = Thread.ofPlatform().daemon().name("dialtone-timers").unstarted(this::run);
  }

  TimerLoop start() {
    thread.start();
    return this;
  }

  private void run() {
    while (running) {
      try {
        worker.runDue();
      } catch (RuntimeException e) {
        // The store may be briefly unavailable; the timers stay due and are fired on a later turn.
        LOG.warn("firing due timers failed; they will be tried again", e);
      }
      LockSupport.parkNanos(interval.toNanos());
    }
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
