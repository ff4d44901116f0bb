package dev.dialtone.engine.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;

/**
 * Puts a call's representation in the shape Graph returns it: {@code @odata.type} on each typed
 * value, the properties the Create call page shows as {@code null} or {@code []}, and the derived
 * identity-set type the SDKs need.
 *
 * <p>Identity sets that hold {@code phone}, {@code applicationInstance} or another member only
 * {@code communicationsIdentitySet} declares are typed {@code #microsoft.graph.communicationsIdentitySet},
 * even where the request said {@code #microsoft.graph.identitySet} as the page's examples do:
 * without the derived type the official Java SDK reads them as plain identity sets and drops
 * those members.
 */
final class CallShape {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  static final String CALL = "#microsoft.graph.call";
  static final String PARTICIPANT_INFO = "#microsoft.graph.participantInfo";
  static final String INVITATION_PARTICIPANT_INFO = "#microsoft.graph.invitationParticipantInfo";
  static final String IDENTITY_SET = "#microsoft.graph.identitySet";
  static final String COMMUNICATIONS_IDENTITY_SET = "#microsoft.graph.communicationsIdentitySet";
  static final String IDENTITY = "#microsoft.graph.identity";
  static final String CHAT_INFO = "#microsoft.graph.chatInfo";

  private static final Set<String> COMMUNICATIONS_MEMBERS =
      Set.of(
          "applicationInstance",
          "assertedIdentity",
          "azureCommunicationServicesUser",
          "encrypted",
          "endpointType",
          "guest",
          "onPremises",
          "phone");
  private static final List<String> PARTICIPANT_INFO_NULLS =
      List.of("countryCode", "endpointType", "region", "languageId");
  private static final List<String> INVITATION_NULLS =
      List.of("endpointType", "region", "replacesCallId", "languageId");

  /** The call-level properties the page shows as null when nothing sets them. */
  static final List<String> CALL_NULLS =
      List.of(
          "subject",
          "terminationReason",
          "ringingTimeoutInSeconds",
          "mediaState",
          "resultInfo",
          "answeredBy",
          "transcription",
          "meetingCapability",
          "toneInfo");

  private CallShape() {}

  static ObjectNode participantInfo(JsonNode source) {
    return participant(source, PARTICIPANT_INFO, PARTICIPANT_INFO_NULLS);
  }

  static ObjectNode invitationParticipantInfo(JsonNode target) {
    return participant(target, INVITATION_PARTICIPANT_INFO, INVITATION_NULLS);
  }

  private static ObjectNode participant(JsonNode value, String type, List<String> nulls) {
    ObjectNode shaped = typed(value, type);
    if (shaped.get("identity") instanceof ObjectNode identity) {
      shaped.set("identity", identitySet(identity));
    }
    nulls.forEach(name -> putNullIfAbsent(shaped, name));
    return shaped;
  }

  static ObjectNode identitySet(JsonNode set) {
    boolean communications = false;
    var names = set.fieldNames();
    while (names.hasNext()) {
      if (COMMUNICATIONS_MEMBERS.contains(names.next())) {
        communications = true;
      }
    }
    String declared = set.path("@odata.type").asText("");
    String type =
        communications && !declared.equalsIgnoreCase(COMMUNICATIONS_IDENTITY_SET)
            ? COMMUNICATIONS_IDENTITY_SET
            : declared.isEmpty() ? IDENTITY_SET : declared;
    ObjectNode shaped = JSON.objectNode();
    shaped.put("@odata.type", type);
    set.properties()
        .forEach(
            entry -> {
              if (entry.getKey().equals("@odata.type")) {
                return;
              }
              JsonNode value = entry.getValue();
              if (value instanceof ObjectNode identity && !entry.getKey().startsWith("@")) {
                shaped.set(entry.getKey(), typed(identity, IDENTITY));
              } else {
                shaped.set(entry.getKey(), value.deepCopy());
              }
            });
    return shaped;
  }

  static ObjectNode chatInfo(JsonNode chatInfo) {
    ObjectNode shaped = typed(chatInfo, CHAT_INFO);
    putNullIfAbsent(shaped, "replyChainMessageId");
    return shaped;
  }

  /** A copy of {@code value} with {@code @odata.type} first, set to {@code type} if absent. */
  static ObjectNode typed(JsonNode value, String type) {
    ObjectNode shaped = JSON.objectNode();
    shaped.put("@odata.type", value.path("@odata.type").asText(type));
    value
        .properties()
        .forEach(
            entry -> {
              if (!entry.getKey().equals("@odata.type")) {
                shaped.set(entry.getKey(), entry.getValue().deepCopy());
              }
            });
    return shaped;
  }

  static void putNullIfAbsent(ObjectNode node, String name) {
    if (!node.has(name)) {
      node.putNull(name);
    }
  }
}
