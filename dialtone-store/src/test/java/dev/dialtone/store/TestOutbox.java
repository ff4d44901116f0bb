package dev.dialtone.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dialtone.engine.call.Call;
import dev.dialtone.engine.call.CallChange;
import dev.dialtone.engine.call.Delivery;
import dev.dialtone.engine.call.Notification;
import dev.dialtone.engine.call.Timer;
import dev.dialtone.engine.call.TimerKind;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/** Notifications, timers and changes to store in tests. Times are whole milliseconds. */
public final class TestOutbox {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** When the test's notifications are made: they are due from then on. */
  public static final Instant T0 = Instant.parse("2026-03-14T09:30:00Z");

  private TestOutbox() {}

  /** Notification {@code sequence} of the call, made at {@link #T0}, with a fresh id. */
  public static Notification notification(String callId, long sequence) {
    return notification(callId, sequence, T0);
  }

  /** Notification {@code sequence} of the call, made at {@code createdAt}, with a fresh id. */
  public static Notification notification(String callId, long sequence, Instant createdAt) {
    String id = UUID.randomUUID().toString();
    return new Notification(
        id,
        callId,
        sequence,
        TestCalls.APP,
        TestCalls.TENANT,
        URI.create("https://bot.contoso.com/callback?sequence=" + sequence),
        "chain-of-" + callId,
        data(
            """
            {
              "@odata.type": "#microsoft.graph.commsNotifications",
              "value": [
                {
                  "@odata.type": "#microsoft.graph.commsNotification",
                  "changeType": "updated",
                  "resource": "/app/calls/%s",
                  "resourceData": {"@odata.type": "#microsoft.graph.call", "state": "established"}
                }
              ],
              "myApp.sequence": %d,
              "subject": "Zürich ☎ İstanbul — ıi"
            }
            """
                .formatted(callId, sequence)),
        createdAt);
  }

  /** The notification a claim returned, its body parsed, to compare with the one written. */
  public static Notification notification(Delivery.Claimed claimed) {
    return new Notification(
        claimed.id(),
        claimed.callId(),
        claimed.sequence(),
        claimed.applicationId(),
        claimed.tenantId(),
        claimed.target(),
        claimed.chainId(),
        data(claimed.body()),
        claimed.createdAt());
  }

  /** The call's timer of this kind, due at {@code dueAt}, with the conventional id. */
  public static Timer timer(String callId, TimerKind kind, Instant dueAt) {
    return new Timer(
        callId + "/" + kind.name().toLowerCase(Locale.ROOT),
        callId,
        kind,
        dueAt,
        data("{\"party\": \"112f7296\", \"action\": \"answer\", \"dueAt\": \"" + dueAt + "\"}"));
  }

  /** A change of the call that adds notifications and schedules timers. */
  public static CallChange change(Call call, List<Notification> notifications, List<Timer> timers) {
    return new CallChange(Optional.of(call), notifications, timers, List.of(), false);
  }

  /** The JSON object in {@code json}, as a body or a timer's data. */
  public static ObjectNode data(String json) {
    try {
      return (ObjectNode) JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
