package dev.dialtone.store;

import dev.dialtone.engine.EngineException;
import dev.dialtone.engine.Failure;
import dev.dialtone.engine.call.CallChange;
import dev.dialtone.engine.call.Delivery;
import dev.dialtone.engine.call.Notification;
import dev.dialtone.engine.call.Timer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * What a caller hands to the {@link GroupCommitter}: everything that writes, claims included. JSON
 * text is made by the caller, on its own thread, so the committer only binds and executes.
 */
sealed interface Write {

  /** What this write is, for messages: {@code "the change to call 42"}. */
  String subject();

  /**
   * A {@link CallChange}: the call (inserted at version 1, else updated from version - 1), its
   * notifications and its timers. Refused as a whole if the call write is.
   *
   * @param callJson the call's resource as JSON, present exactly when the change has a call
   * @param notificationBodies the bodies of {@code change.notifications()} as JSON, in their order
   * @param timerData the data of {@code change.scheduledTimers()} as JSON, in their order
   */
  record Change(
      CallChange change,
      Optional<String> callJson,
      List<String> notificationBodies,
      List<String> timerData)
      implements Write {

    public Change {
      notificationBodies = List.copyOf(notificationBodies);
      timerData = List.copyOf(timerData);
      if (callJson.isPresent() != change.call().isPresent()
          || notificationBodies.size() != change.notifications().size()
          || timerData.size() != change.scheduledTimers().size()) {
        throw new IllegalArgumentException("the JSON texts do not match the change's parts");
      }
    }

    /**
     * The change with its JSON texts.
     *
     * @throws IllegalArgumentException if a resource, body or data cannot be written as JSON
     */
    static Change of(CallChange change) {
      return new Change(
          change,
          change.call().map(CallRows::json),
          change.notifications().stream()
              .map(n -> Json.write(n.body(), "notification " + n.id(), "body"))
              .toList(),
          change.scheduledTimers().stream()
              .map(t -> Json.write(t.data(), "timer " + t.id(), "data"))
              .toList());
    }

    @Override
    public String subject() {
      return change
          .call()
          .map(call -> "the change to call " + call.id())
          .orElseGet(() -> "the change to timers " + timerIds());
    }

    private String timerIds() {
      List<String> ids =
          Stream.concat(
                  change.scheduledTimers().stream().map(Timer::id),
                  change.cancelledTimers().stream())
              .toList();
      return String.join(", ", ids);
    }
  }

  /**
   * An attempt to deliver a notification by the holder of its lease, and what follows from it. The
   * committer sets {@code recorded} when the lease was still {@code owner}'s and the attempt is
   * written; read it once the write is committed.
   */
  record RecordAttempt(
      String owner, Delivery.Attempt attempt, Delivery.Outcome outcome, AtomicBoolean recorded)
      implements Write {

    RecordAttempt(String owner, Delivery.Attempt attempt, Delivery.Outcome outcome) {
      this(owner, attempt, outcome, new AtomicBoolean());
    }

    @Override
    public String subject() {
      return "attempt " + attempt.number() + " of notification " + attempt.notificationId();
    }
  }

  /**
   * Leases due heads of line to {@code owner}. The committer puts what it leased in {@code
   * claimed}, without the bodies; read it once the write is committed.
   */
  record ClaimNotifications(
      String owner,
      Instant now,
      Instant leaseUntil,
      int limit,
      AtomicReference<List<NotificationRows.Leased>> claimed)
      implements Write {

    public ClaimNotifications(String owner, Instant now, Instant leaseUntil, int limit) {
      this(owner, now, leaseUntil, limit, new AtomicReference<>(List.of()));
    }

    @Override
    public String subject() {
      return "the lease of due notifications to '" + owner + "'";
    }
  }

  /**
   * Leases due timers to {@code owner}. The committer puts what it leased in {@code claimed}; read
   * it once the write is committed.
   */
  record ClaimTimers(
      String owner,
      Instant now,
      Instant leaseUntil,
      int limit,
      AtomicReference<List<Timer>> claimed)
      implements Write {

    public ClaimTimers(String owner, Instant now, Instant leaseUntil, int limit) {
      this(owner, now, leaseUntil, limit, new AtomicReference<>(List.of()));
    }

    @Override
    public String subject() {
      return "the lease of due timers to '" + owner + "'";
    }
  }

  /**
   * Why one write was not stored. The caller turns it into an {@link EngineException} on its own
   * thread, so the exception's stack shows the caller rather than the committer.
   *
   * @param cause what the database said, if it said something
   */
  record Refusal(Failure failure, String code, String message, Optional<Throwable> cause) {

    static Refusal conflict(String message) {
      return new Refusal(Failure.CONFLICT, "conflict", message, Optional.empty());
    }

    static Refusal unavailable(String message, Throwable cause) {
      return new Refusal(Failure.UNAVAILABLE, "serviceNotAvailable", message, Optional.of(cause));
    }

    EngineException toException() {
      return cause
          .map(c -> new EngineException(failure, code, message, c))
          .orElseGet(() -> new EngineException(failure, code, message));
    }
  }
}
