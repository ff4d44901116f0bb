package dev.dialtone.engine.call;

import dev.dialtone.engine.EngineException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Fires due timers: claims them from the store, turns each into the call's next change, and
 * commits it with the timer's own cancellation. A worker that dies mid-way leaves its claims to
 * expire, and another worker (or the same one after a restart) fires them again; a timer whose
 * change was already committed is gone by then, so a transition is never applied twice.
 *
 * <p>A claimed batch is fired concurrently, one virtual thread per call, so that the changes of
 * different calls reach the store together and share its group commits, instead of each waiting
 * for the commit of the one before. The timers of one call fire one after the other, in due order,
 * each from a fresh read of the call, exactly as they would one at a time.
 *
 * <p>The worker does not sleep or schedule itself: whoever runs it calls {@link #runDue} when
 * time has moved (the server's timer loop; tests advance a fake clock and call it).
 */
public final class TimerWorker {
  static final Duration LEASE = Duration.ofSeconds(30);
  private static final int BATCH = 256;

  private final CallStore store;
  private final Clock clock;
  private final String owner;
  private final AfterCommit afterCommit;

  /**
   * @param owner this worker's name in timer leases (the node id)
   * @param afterCommit told of each fired timer's change once it is committed (wakes the
   *     notification dispatcher as soon as the change's notifications exist, and the timer loop for
   *     the timers it schedules); called from several threads
   */
  public TimerWorker(CallStore store, Clock clock, String owner, AfterCommit afterCommit) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.owner = Objects.requireNonNull(owner, "owner");
    this.afterCommit = Objects.requireNonNull(afterCommit, "afterCommit");
  }

  /**
   * Fires every timer due now, batch after batch, and returns once each has fired or failed. A
   * timer whose change fails stays claimed until its lease runs out and is fired again then; the
   * others go on (a later timer of the same call too: it is fired from a fresh read).
   *
   * @return how many timers fired
   * @throws EngineException the first failure, with the others suppressed, after every due timer
   *     was tried
   */
  public int runDue() {
    int fired = 0;
    List<EngineException> failures = new ArrayList<>();
    while (true) {
      List<Timer> due = store.claimTimers(owner, clock.instant(), LEASE, BATCH);
      Map<String, List<Timer>> byCall = new LinkedHashMap<>();
      for (Timer timer : due) {
        byCall.computeIfAbsent(timer.callId(), id -> new ArrayList<>()).add(timer);
      }
      for (Fired result : fireAll(byCall.values())) {
        fired += result.count();
        failures.addAll(result.failures());
      }
      if (due.size() < BATCH) {
        if (!failures.isEmpty()) {
          EngineException first = failures.getFirst();
          failures.subList(1, failures.size()).forEach(first::addSuppressed);
          throw first;
        }
        return fired;
      }
    }
  }

  /** How the timers of one call went. */
  private record Fired(int count, List<EngineException> failures) {}

  private List<Fired> fireAll(Collection<List<Timer>> calls) {
    if (calls.size() <= 1) {
      // Nothing to overlap: no thread to start.
      return calls.stream().map(this::fireInOrder).toList();
    }
    List<Future<Fired>> running = new ArrayList<>(calls.size());
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (List<Timer> timers : calls) {
        running.add(threads.submit(() -> fireInOrder(timers)));
      }
    }
    // Closing the executor waited for every thread.
    List<Fired> results = new ArrayList<>(running.size());
    for (Future<Fired> result : running) {
      results.add(resultOf(result));
    }
    return results;
  }

  private Fired fireInOrder(List<Timer> timers) {
    int count = 0;
    List<EngineException> failures = new ArrayList<>();
    for (Timer timer : timers) {
      try {
        CallChange change = fire(timer);
        count++;
        afterCommit.committed(change);
      } catch (EngineException e) {
        failures.add(e);
      }
    }
    return new Fired(count, failures);
  }

  private static Fired resultOf(Future<Fired> result) {
    try {
      return result.resultNow();
    } catch (IllegalStateException notSuccessful) {
      // fireInOrder catches what a timer's failure can be; anything else is a bug: rethrown.
      Throwable cause = result.exceptionNow();
      if (cause instanceof RuntimeException e) {
        throw e;
      }
      if (cause instanceof Error e) {
        throw e;
      }
      throw new IllegalStateException("firing a timer failed: " + cause, cause);
    }
  }

  private CallChange fire(Timer timer) {
    return CallChanges.applyWithRetry(
        store,
        timer.callId(),
        call ->
            call.map(c -> Lifecycle.fire(c, timer, clock.instant()))
                .orElseGet(() -> CallChange.cancelling(List.of(timer.id()))));
  }
}
