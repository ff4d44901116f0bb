package dev.dialtone.engine.call;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one state change writes, committed atomically: the call (inserted when its version
 * is 1, else replacing version - 1), the notifications it causes, the timers it schedules, and the
 * timers it cancels. A change without a call only touches timers (a timer that fired on a call that
 * had already ended).
 *
 * @param call the new state of the call, if it changed
 * @param notifications appended to the outbox
 * @param scheduledTimers added, or replacing timers with the same id
 * @param cancelledTimers ids of timers to delete (unknown ids are ignored)
 * @param cancelAllTimers delete every timer of the call (it has ended) before adding {@code
 *     scheduledTimers}
 */
public record CallChange(
    Optional<Call> call,
    List<Notification> notifications,
    List<Timer> scheduledTimers,
    List<String> cancelledTimers,
    boolean cancelAllTimers) {

  public CallChange {
    Objects.requireNonNull(call, "call");
    notifications = List.copyOf(notifications);
    scheduledTimers = List.copyOf(scheduledTimers);
    cancelledTimers = List.copyOf(cancelledTimers);
    if (cancelAllTimers && call.isEmpty()) {
      throw new IllegalArgumentException("cancelAllTimers needs the call whose timers it cancels");
    }
  }

  /** Just the call. */
  public static CallChange of(Call call) {
    return new CallChange(Optional.of(call), List.of(), List.of(), List.of(), false);
  }

  /** Only cancels timers. */
  public static CallChange cancelling(List<String> timerIds) {
    return new CallChange(Optional.empty(), List.of(), List.of(), timerIds, false);
  }
}
