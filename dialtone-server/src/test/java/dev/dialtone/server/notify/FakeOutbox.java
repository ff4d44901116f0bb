package dev.dialtone.server.notify;

import dev.dialtone.engine.call.Delivery;
import dev.dialtone.engine.call.Notification;
import dev.dialtone.engine.call.Outbox;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outbox's contract kept in memory, as simply as it can be: per call only the lowest-sequence
 * pending notification (the head of the line) is claimable, once due and not leased.
 */
final class FakeOutbox implements Outbox {
  private static final class Entry {
    final Notification notification;
    Delivery.State state = Delivery.State.PENDING;
    Instant nextAttemptAt;
    Instant leasedUntil = Instant.MIN;
    String owner;
    final List<Delivery.Attempt> attempts = new ArrayList<>();
    final List<Delivery.Outcome> outcomes = new ArrayList<>();

    Entry(Notification notification) {
      this.notification = notification;
      this.nextAttemptAt = notification.createdAt();
    }
  }

  private final Map<String, Entry> byId = new LinkedHashMap<>();
  private int claims;

  synchronized void add(Notification notification) {
    byId.put(notification.id(), new Entry(notification));
  }

  @Override
  public synchronized List<Delivery.Claimed> claimNotifications(
      String owner, Instant now, Duration lease, int limit) {
    claims++;
    Map<String, Entry> heads = new LinkedHashMap<>();
    for (Entry entry : byId.values()) {
      if (entry.state == Delivery.State.PENDING) {
        heads.merge(
            entry.notification.callId(),
            entry,
            (a, b) -> a.notification.sequence() <= b.notification.sequence() ? a : b);
      }
    }
    List<Delivery.Claimed> claimed = new ArrayList<>();
    for (Entry head : heads.values()) {
      if (claimed.size() == limit) {
        break;
      }
      if (!head.nextAttemptAt.isAfter(now) && !head.leasedUntil.isAfter(now)) {
        head.owner = owner;
        head.leasedUntil = now.plus(lease);
        Notification n = head.notification;
        claimed.add(
            new Delivery.Claimed(
                n.id(),
                n.callId(),
                n.sequence(),
                n.applicationId(),
                n.tenantId(),
                n.target(),
                n.chainId(),
                n.createdAt(),
                n.body().toString(),
                head.attempts.size()));
      }
    }
    return claimed;
  }

  @Override
  public synchronized boolean recordAttempt(
      String owner, Delivery.Attempt attempt, Delivery.Outcome outcome) {
    Entry entry = byId.get(attempt.notificationId());
    if (entry.state != Delivery.State.PENDING || !owner.equals(entry.owner)) {
      return false;
    }
    entry.attempts.add(attempt);
    entry.outcomes.add(outcome);
    entry.leasedUntil = Instant.MIN;
    entry.owner = null;
    switch (outcome) {
      case Delivery.Outcome.Delivered d -> entry.state = Delivery.State.DELIVERED;
      case Delivery.Outcome.GaveUp g -> entry.state = Delivery.State.GAVE_UP;
      case Delivery.Outcome.RetryAt retry -> entry.nextAttemptAt = retry.when();
    }
    return true;
  }

  @Override
  public synchronized List<Delivery.Record> deliveries(String callId) {
    return byId.values().stream()
        .filter(entry -> entry.notification.callId().equals(callId))
        .sorted(Comparator.comparingLong(entry -> entry.notification.sequence()))
        .map(FakeOutbox::record)
        .toList();
  }

  @Override
  public synchronized long pendingCount() {
    return byId.values().stream().filter(entry -> entry.state == Delivery.State.PENDING).count();
  }

  /** How many times notifications were claimed, found or not. */
  synchronized int claims() {
    return claims;
  }

  /** The record of one notification. */
  synchronized Delivery.Record record(String notificationId) {
    return record(byId.get(notificationId));
  }

  /** What followed each attempt of one notification, in order. */
  synchronized List<Delivery.Outcome> outcomes(String notificationId) {
    return List.copyOf(byId.get(notificationId).outcomes);
  }

  private static Delivery.Record record(Entry entry) {
    return new Delivery.Record(
        entry.notification,
        entry.state,
        entry.state == Delivery.State.PENDING ? Optional.of(entry.nextAttemptAt) : Optional.empty(),
        entry.attempts);
  }
}
