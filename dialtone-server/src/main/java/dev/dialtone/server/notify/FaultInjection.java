package dev.dialtone.server.notify;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults a bot's tests can ask for, per application or per call, changed at run time (the admin API
 * exposes them): notifications that arrive late, never arrive, arrive twice, or fail as if the bot
 * had answered {@code 503}.
 *
 * <p>A call's faults take the place of its application's, not add to them. When several faults are
 * set, one delivery gets at most one of them, in this order: fail-next-N while N lasts, then drop,
 * then duplicate; the delay comes first whichever it is.
 *
 * <p>Reordering is not offered: the outbox lets the dispatcher have only one notification of a call
 * at a time (the head of its line), and holds the next one back until the head is delivered or
 * given up. Delivering a later one first would need the outbox to hand out what is not a head of
 * line, which is the very guarantee a bot relies on. (A bot can still see an old notification after
 * a newer one of the same kind in real life only across calls, which needs no fault.)
 *
 * <p>Thread-safe. Off by default, and then it costs one volatile read per delivery.
 */
public final class FaultInjection {
  /**
   * The longest delay that can be injected. The dispatcher's lease must outlast a delayed attempt,
   * or another node could deliver the same notification meanwhile, so it is bounded.
   */
  public static final Duration MAX_DELAY = Duration.ofSeconds(10);

  /**
   * The faults set for an application or a call.
   *
   * @param delay how long to wait before each delivery; zero for none; at most {@link #MAX_DELAY}
   * @param drop record each delivery as failed with {@code dropped by fault injection} without
   *     sending it, and retry on schedule: the bot never sees it
   * @param duplicate POST each notification twice, with the same id both times
   * @param failNext how many of the next deliveries are answered as if the bot had returned {@code
   *     503}, without sending them; counts down as they happen
   */
  public record Faults(Duration delay, boolean drop, boolean duplicate, int failNext) {
    public Faults {
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative() || delay.compareTo(MAX_DELAY) > 0) {
        throw new IllegalArgumentException(
            "injected delay must be between 0 and "
                + MAX_DELAY.toMillis()
                + " ms, got "
                + delay.toMillis()
                + " ms");
      }
      if (failNext < 0) {
        throw new IllegalArgumentException("failNext must be 0 or more, got " + failNext);
      }
    }

    /** No faults. */
    public static Faults none() {
      return new Faults(Duration.ZERO, false, false, 0);
    }

    public Faults withDelay(Duration value) {
      return new Faults(value, drop, duplicate, failNext);
    }

    public Faults withDrop(boolean value) {
      return new Faults(delay, value, duplicate, failNext);
    }

    public Faults withDuplicate(boolean value) {
      return new Faults(delay, drop, value, failNext);
    }

    public Faults withFailNext(int value) {
      return new Faults(delay, drop, duplicate, value);
    }

    boolean isNone() {
      return delay.isZero() && !drop && !duplicate && failNext == 0;
    }
  }

  /** What to do with one delivery. */
  enum Action {
    SEND,
    DUPLICATE,
    DROP,
    FAIL_503
  }

  /** The plan for one delivery; {@code failuresLeft} is how many injected 503s remain after it. */
  record Plan(Duration delay, Action action, int failuresLeft) {
    static final Plan NORMAL = new Plan(Duration.ZERO, Action.SEND, 0);
  }

  /** The faults as set, and how many injected failures remain. */
  private record Entry(Faults faults, AtomicInteger failuresLeft) {
    Faults current() {
      return faults.withFailNext(failuresLeft.get());
    }

    boolean exhausted() {
      return failuresLeft.get() == 0 && faults.withFailNext(0).isNone();
    }
  }

  private final ConcurrentHashMap<String, Entry> byApplication = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Entry> byCall = new ConcurrentHashMap<>();
  private volatile boolean active;

  /** Sets the faults for every notification to this application; {@link Faults#none()} clears. */
  public void setForApplication(String applicationId, Faults faults) {
    set(byApplication, applicationId, faults);
  }

  /** Sets the faults for every notification about this call; {@link Faults#none()} clears. */
  public void setForCall(String callId, Faults faults) {
    set(byCall, callId, faults);
  }

  /** The faults set for this application, with {@code failNext} as it stands now. */
  public Optional<Faults> forApplication(String applicationId) {
    return Optional.ofNullable(byApplication.get(applicationId)).map(Entry::current);
  }

  /** The faults set for this call, with {@code failNext} as it stands now. */
  public Optional<Faults> forCall(String callId) {
    return Optional.ofNullable(byCall.get(callId)).map(Entry::current);
  }

  /** Clears every fault. */
  public synchronized void clear() {
    byApplication.clear();
    byCall.clear();
    active = false;
  }

  private synchronized void set(ConcurrentHashMap<String, Entry> map, String key, Faults faults) {
    Objects.requireNonNull(key, "id");
    Objects.requireNonNull(faults, "faults");
    if (faults.isNone()) {
      map.remove(key);
    } else {
      map.put(key, new Entry(faults, new AtomicInteger(faults.failNext())));
    }
    active = !byApplication.isEmpty() || !byCall.isEmpty();
  }

  /**
   * Decides what happens to one delivery of a notification of call {@code callId} to application
   * {@code applicationId}, counting down fail-next-N.
   */
  Plan plan(String callId, String applicationId) {
    if (!active) {
      return Plan.NORMAL;
    }
    ConcurrentHashMap<String, Entry> map = byCall;
    String key = callId;
    Entry entry = byCall.get(key);
    if (entry == null) {
      map = byApplication;
      key = applicationId;
      entry = byApplication.get(key);
    }
    if (entry == null) {
      return Plan.NORMAL;
    }
    Faults faults = entry.faults();
    int before = entry.failuresLeft().getAndUpdate(left -> left > 0 ? left - 1 : 0);
    if (before > 0) {
      if (entry.exhausted()) {
        removeIfExhausted(map, key, entry);
      }
      return new Plan(faults.delay(), Action.FAIL_503, before - 1);
    }
    Action action =
        faults.drop() ? Action.DROP : faults.duplicate() ? Action.DUPLICATE : Action.SEND;
    return new Plan(faults.delay(), action, 0);
  }

  private synchronized void removeIfExhausted(
      ConcurrentHashMap<String, Entry> map, String key, Entry entry) {
    // Only the entry that ran out: a newer one set meanwhile stays.
    map.remove(key, entry);
    active = !byApplication.isEmpty() || !byCall.isEmpty();
  }
}
