package dev.dialtone.engine.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * Builds the {@code commsNotifications} a change causes, in the shapes of the Create call page:
 * call state changes as {@code updated} (or {@code deleted} for {@code terminated}) on {@code
 * /communications/calls/{id}} with the partial call, roster changes as {@code updated} on {@code
 * /communications/calls/{id}/participants} with the participant array. Each carries the legacy
 * {@code resource} ({@code /app/calls/…}) that real traffic still has.
 */
final class CallNotifications {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  /** Sequences are {@code version * STRIDE + index}: increasing per call across changes. */
  static final long STRIDE = 100;

  private final Call call;
  private final Instant now;
  private int index;

  CallNotifications(Call call, Instant now) {
    this.call = call;
    this.now = now;
  }

  /** A state notification with the call's current state (and result, once terminated). */
  Notification state() {
    ObjectNode resource = call.resource();
    ObjectNode data = JSON.objectNode();
    data.put("@odata.type", "#microsoft.graph.call");
    data.put("state", call.state().wireName());
    data.set("direction", resource.path("direction").deepCopy());
    copyIfPresent(resource, data, "callChainId");
    copyIfPresent(resource, data, "chatInfo");
    copyIfPresent(resource, data, "meetingInfo");
    if (call.state().isTerminal()) {
      copyIfPresent(resource, data, "resultInfo");
    }
    data.put("id", call.id());
    return notification(
        call.state().isTerminal() ? "deleted" : "updated", "/calls/" + call.id(), data);
  }

  /** The {@code created} notification of an incoming call: the whole call, as GET would show it. */
  Notification created() {
    ObjectNode data = call.resourceCopy();
    data.properties().removeIf(entry -> entry.getKey().startsWith("@dialtone."));
    return notification("created", "/calls/" + call.id(), data);
  }

  /** A state notification for an intermediate state the call passes through in this change. */
  Notification passingState(CallState state) {
    ObjectNode data = JSON.objectNode();
    data.put("@odata.type", "#microsoft.graph.call");
    data.put("state", state.wireName());
    data.set("direction", call.resource().path("direction").deepCopy());
    data.put("id", call.id());
    return notification("updated", "/calls/" + call.id(), data);
  }

  /** A tone the other side pressed: an {@code updated} call with {@code toneInfo}. */
  Notification tone(long sequenceId, String tone) {
    ObjectNode data = JSON.objectNode();
    data.put("@odata.type", "#microsoft.graph.call");
    data.put("state", call.state().wireName());
    ObjectNode toneInfo = data.putObject("toneInfo");
    toneInfo.put("@odata.type", "#microsoft.graph.toneInfo");
    toneInfo.put("sequenceId", sequenceId);
    toneInfo.put("tone", tone);
    data.put("id", call.id());
    return notification("updated", "/calls/" + call.id(), data);
  }

  /** A roster notification: every participant now in the call. */
  Notification roster(List<ObjectNode> participants) {
    ArrayNode data = JSON.arrayNode();
    participants.forEach(p -> data.add(p.deepCopy()));
    return notification("updated", "/calls/" + call.id() + "/participants", data);
  }

  private Notification notification(String changeType, String path, JsonNode resourceData) {
    String callbackUri = call.resource().path("callbackUri").asText();
    ObjectNode item = JSON.objectNode();
    item.put("@odata.type", "#microsoft.graph.commsNotification");
    item.put("changeType", changeType);
    item.put("resource", "/app" + path);
    item.put("resourceUrl", "/communications" + path);
    item.put("callbackUri", callbackUri);
    item.set("resourceData", resourceData);
    ObjectNode body = JSON.objectNode();
    body.put("@odata.type", "#microsoft.graph.commsNotifications");
    body.putArray("value").add(item);
    long sequence = call.version() * STRIDE + index++;
    return new Notification(
        Ids.timeOrdered(now),
        call.id(),
        sequence,
        call.applicationId(),
        call.tenantId(),
        URI.create(callbackUri),
        call.resource().path("callChainId").asText(call.id()),
        body,
        now);
  }

  private static void copyIfPresent(ObjectNode from, ObjectNode to, String name) {
    JsonNode value = from.get(name);
    if (value != null && !value.isNull()) {
      to.set(name, value.deepCopy());
    }
  }
}
