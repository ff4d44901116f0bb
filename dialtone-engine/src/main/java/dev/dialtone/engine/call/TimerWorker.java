package dev.dialtone.engine.call;

import java.time.Clock;
import java.time.Duration;
import dev.dialtone.engine.EngineException;
import java.util.List;
import java.util.Objects;

/**
 * Fires due timers: claims them from the store, turns each into the call's next change, and
 * commits it with the timer's own cancellation. A worker that dies mid-way leaves its claims to
 * expire, and another worker (or the same one after a restart) fires them again; a timer whose
 * change was already committed is gone by then, so a transition is never applied twice.
 *
 * <p>The worker does not sleep or schedule itself: whoever runs it calls {@link #runDue} when
 * time has moved (the server polls; tests advance a fake clock and call it).
 */
public final class TimerWorker {
  static final Duration LEASE = Duration.ofSeconds(30);
  private static final int BATCH = 256;

  private final CallStore store;
  private final Clock clock;
  private final String owner;
  private final Runnable afterCommit;

  /**
   * @param owner this worker's name in timer leases (the node id)
   * @param afterCommit run after each timer's change was committed (wakes the notification
   *     dispatcher as soon as the change's notifications exist)
   */
  public TimerWorker(CallStore store, Clock clock, String owner, Runnable afterCommit) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.owner = Objects.requireNonNull(owner, "owner");
    this.afterCommit = Objects.requireNonNull(afterCommit, "afterCommit");
  }

  /**
   * Fires every timer due now, batch after batch. A timer whose change fails stays claimed until
   * its lease runs out and is fired again then; the others go on.
   *
   * @return how many timers fired
   * @throws EngineException the first failure, with the others suppressed, after every due timer
   *     was tried
   */
  public int runDue() {
    int fired = 0;
    EngineException failure = null;
    while (true) {
      List<Timer> due = store.claimTimers(owner, clock.instant(), LEASE, BATCH);
      for (Timer timer : due) {
        try {
          fire(timer);
          fired++;
          afterCommit.run();
        } catch (EngineException e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
      if (due.size() < BATCH) {
        if (failure != null) {
          throw failure;
        }
        return fired;
      }
    }
  }

  private void fire(Timer timer) {
    CallChanges.applyWithRetry(
        store,
        timer.callId(),
        call ->
            call.map(c -> Lifecycle.fire(c, timer, clock.instant()))
                .orElseGet(() -> CallChange.cancelling(List.of(timer.id()))));
  }
}
