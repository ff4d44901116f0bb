package dev.dialtone.engine.call;

import java.util.Optional;

/**
 * Where calls live. Implementations are thread-safe.
 *
 * <p>Durability contract: when {@link #apply} (or {@link #insert}, {@link #update}) returns, the
 * change is committed and survives a crash of the process (and, in the stores' default settings,
 * of the machine).
 * Implementations may group the commits of concurrent callers into one transaction, but each call
 * returns only after its own change is durable. Delivery bookkeeping (claims and attempts, {@link
 * Outbox}, {@link TimerQueue}) need only survive a crash of the process: losing the latest of it to
 * a crash of the machine costs a lease, or a notification sent again.
 */
public interface CallStore extends Outbox, TimerQueue, AutoCloseable {

  /**
   * Commits a change atomically: the call (inserted at version 1, else replacing version - 1), its
   * notifications, its timers. Either all of it is durable when this returns, or none of it is.
   *
   * @throws dev.dialtone.engine.EngineException with {@code CONFLICT} if the call's id exists
   *     (version 1) or its stored version is not {@code version - 1}, or {@code UNAVAILABLE} if the
   *     store cannot be reached
   */
  void apply(CallChange change);

  /**
   * Stores a new call ({@code call.version() == 1}).
   *
   * @throws dev.dialtone.engine.EngineException with {@code CONFLICT} if the id exists, or {@code
   *     UNAVAILABLE} if the store cannot be reached
   */
  default void insert(Call call) {
    apply(CallChange.of(call));
  }

  /** The call with this id, terminated or not. */
  Optional<Call> find(String id);

  /**
   * Replaces a call whose stored version is {@code call.version() - 1}.
   *
   * @throws dev.dialtone.engine.EngineException with {@code CONFLICT} if the stored version is not
   *     {@code call.version() - 1} (someone else changed it first) or the call does not exist
   */
  default void update(Call call) {
    apply(CallChange.of(call));
  }

  /** How many calls are stored, in every state. */
  long count();

  @Override
  void close();
}
