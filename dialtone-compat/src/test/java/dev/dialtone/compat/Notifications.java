package dev.dialtone.compat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.Call;
import com.microsoft.kiota.serialization.JsonParseNodeFactory;
import com.microsoft.kiota.serialization.ParseNodeFactoryRegistry;
import java.io.ByteArrayInputStream;

/**
 * How a bot reads a notification with the v1.0 SDK, which has no model for {@code
 * commsNotifications}: the envelope with Jackson, {@code resourceData} with the SDK's own parse
 * nodes into its {@link Call} model.
 */
final class Notifications {
  private Notifications() {}

  private static final ParseNodeFactoryRegistry PARSE_NODES = new ParseNodeFactoryRegistry();

  static {
    JsonParseNodeFactory json = new JsonParseNodeFactory();
    PARSE_NODES.contentTypeAssociatedFactories.put(json.getValidContentType(), json);
  }

  /** The envelope's (only) notification. */
  static JsonNode notification(BotWebhook.Received received) {
    JsonNode value = received.envelope().path("value");
    if (value.size() != 1) {
      throw new AssertionError("expected one notification in " + received.body());
    }
    return value.get(0);
  }

  /** A notification's {@code resourceData}, parsed by the SDK into its {@code Call} model. */
  static Call call(JsonNode notification) {
    byte[] resourceData;
    try {
      resourceData = BotWebhook.JSON.writeValueAsBytes(notification.path("resourceData"));
    } catch (JsonProcessingException e) {
      throw new AssertionError(e);
    }
    return PARSE_NODES
        .getParseNode("application/json", new ByteArrayInputStream(resourceData))
        .getObjectValue(Call::createFromDiscriminatorValue);
  }
}
