package dev.dialtone.engine.call;

/**
 * Told of each change the engine committed, once it is durable, on the thread that committed it:
 * lets whoever runs the engine wake what works on the change's rows (the notification dispatcher
 * for its notifications, the timer loop for a timer due soon) instead of waiting for a poll.
 * Implementations are quick, thread-safe and do not throw.
 */
@FunctionalInterface
public interface AfterCommit {

  /** Does nothing: for tools and tests that drive delivery and timers themselves. */
  AfterCommit NOTHING = change -> {};

  /** {@code change} was committed. */
  void committed(CallChange change);
}
