package dev.dialtone.server.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dialtone.engine.call.Notification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Instant;
import java.util.UUID;

/** Notifications as the engine writes them, for tests. */
final class Notifications {
  static final String APP_ID = "9ecd52e5-6592-42b7-b562-093f37f13bde";
  static final String TENANT_ID = "b1c5b5a2-6c3e-4c5b-9a49-7e0d3c3f0c11";
  static final String CHAIN_ID = "2e1a0b00-2db4-4022-9570-243709c565ab";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Notifications() {}

  /** An {@code updated} notification about call {@code callId}, number {@code sequence}. */
  static Notification of(String callId, long sequence, URI target, Instant createdAt) {
    return new Notification(
        UUID.randomUUID().toString(),
        callId,
        sequence,
        APP_ID,
        TENANT_ID,
        target,
        CHAIN_ID,
        body(callId, "established"),
        createdAt);
  }

  static ObjectNode body(String callId, String state) {
    try {
      return (ObjectNode)
          JSON.readTree(
              """
              {"@odata.type": "#microsoft.graph.commsNotifications",
               "value": [{
                 "@odata.type": "#microsoft.graph.commsNotification",
                 "changeType": "updated",
                 "resource": "/app/calls/%1$s",
                 "resourceUrl": "/communications/calls/%1$s",
                 "resourceData": {
                   "@odata.type": "#microsoft.graph.call",
                   "state": "%2$s",
                   "callChainId": "%3$s"
                 }
               }]}
              """
                  .formatted(callId, state, CHAIN_ID));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
