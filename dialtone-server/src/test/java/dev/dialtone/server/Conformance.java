package dev.dialtone.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dialtone.engine.EngineException;
import dev.dialtone.engine.graph.GraphSchema;

/**
 * Checks what Dialtone emits against the official v1.0 CSDL, strictly: every property declared or
 * on an open type, every value of its declared type, every enum value a member, every required
 * property present. The test client checks every call it is sent, and the test webhook every
 * notification it receives, so the whole suite is the conformance test.
 */
final class Conformance {
  private static final GraphSchema SCHEMA = GraphSchema.bundled();

  private Conformance() {}

  /** A call as the Graph edge returns it (its {@code @odata.context} aside). */
  static void call(JsonNode body) {
    ObjectNode copy = body.deepCopy();
    copy.remove("@odata.context");
    check(copy, "microsoft.graph.call", "call");
  }

  /** A {@code commsNotifications} envelope, with each notification's resourceData. */
  static void notifications(JsonNode envelope) {
    check(envelope, "microsoft.graph.commsNotifications", "notification");
    for (JsonNode notification : envelope.path("value")) {
      JsonNode data = notification.path("resourceData");
      if (notification.path("resourceUrl").asText().endsWith("/participants")) {
        for (JsonNode participant : data) {
          check(participant, "microsoft.graph.participant", "roster notification");
        }
      } else {
        // resourceData is a partial call, as on the Create call page: its one required property,
        // callbackUri, travels on the notification itself.
        ObjectNode call = data.deepCopy();
        call.set("callbackUri", notification.path("callbackUri"));
        check(call, "microsoft.graph.call", "call notification");
      }
    }
  }

  private static void check(JsonNode value, String type, String what) {
    try {
      SCHEMA.checkConformance(value, type);
    } catch (EngineException e) {
      throw new AssertionError("a " + what + " Dialtone sent does not conform to the CSDL: " + e.getMessage() + "\n" + value.toPrettyString(), e);
    }
  }
}
