package dev.dialtone.engine.call;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The delivery records of the outbox: attempts, outcomes, and a notification's history. */
public final class Delivery {
  private Delivery() {}

  /**
   * One attempt to POST a notification.
   *
   * @param notificationId the notification
   * @param number 1 for the first attempt
   * @param at when the attempt started
   * @param status the HTTP status the bot answered, if it answered
   * @param latency how long the attempt took
   * @param error what went wrong when there was no answer or a non-2xx one
   */
  public record Attempt(
      String notificationId,
      int number,
      Instant at,
      Optional<Integer> status,
      Duration latency,
      Optional<String> error) {
    public Attempt {
      Objects.requireNonNull(notificationId, "notificationId");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(latency, "latency");
      Objects.requireNonNull(error, "error");
    }
  }

  /**
   * A notification a claim leased, as delivery needs it: the {@link Notification}'s fields but its
   * body, which stays the JSON text the outbox holds (what is POSTed, never parsed or written out
   * again), and the attempts so far.
   *
   * @param attempts how many attempts at it are recorded so far; the next one is number {@code
   *     attempts + 1}
   */
  public record Claimed(
      String id,
      String callId,
      long sequence,
      String applicationId,
      String tenantId,
      URI target,
      String chainId,
      Instant createdAt,
      String body,
      int attempts) {
    public Claimed {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(callId, "callId");
      Objects.requireNonNull(applicationId, "applicationId");
      Objects.requireNonNull(tenantId, "tenantId");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(chainId, "chainId");
      Objects.requireNonNull(createdAt, "createdAt");
      Objects.requireNonNull(body, "body");
      if (attempts < 0) {
        throw new IllegalArgumentException("attempts must not be negative, got " + attempts);
      }
    }

    /** The number the next attempt gets: 1 for the first. */
    public int nextAttemptNumber() {
      return attempts + 1;
    }
  }

  /** Where a notification stands. */
  public enum State {
    /** Not delivered yet; will be tried (again) at {@code nextAttemptAt}. */
    PENDING,
    /** The bot answered 2xx. */
    DELIVERED,
    /** Retries ran past the horizon; the next notification of the call goes ahead. */
    GAVE_UP
  }

  /** What to do after an attempt. */
  public sealed interface Outcome {
    record Delivered() implements Outcome {}

    record RetryAt(Instant when) implements Outcome {
      public RetryAt {
        Objects.requireNonNull(when, "when");
      }
    }

    record GaveUp() implements Outcome {}
  }

  /**
   * A notification and everything that happened to it, for {@code /dialtone/calls/{id}/notifications}.
   */
  public record Record(
      Notification notification,
      State state,
      Optional<Instant> nextAttemptAt,
      List<Attempt> attempts) {
    public Record {
      Objects.requireNonNull(notification, "notification");
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
      attempts = List.copyOf(attempts);
    }
  }
}
