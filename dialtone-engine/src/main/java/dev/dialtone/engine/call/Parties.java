package dev.dialtone.engine.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The other side of a call: who is rung, who answered, who left. Kept in the stored call under the
 * instance annotation {@code @dialtone.parties}, which the edge strips before anything is sent:
 * Dialtone's own bookkeeping, stored atomically with the call it describes.
 */
final class Parties {
  static final String KEY = "@dialtone.parties";
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** Where a party stands. */
  enum Status {
    RINGING,
    IN_CALL,
    DECLINED,
    BUSY,
    UNREACHABLE,
    LEFT;

    String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    static Status of(String wire) {
      return valueOf(wire.toUpperCase(java.util.Locale.ROOT));
    }
  }

  private Parties() {}

  /** A new party entry. {@code key} is {@code user:{id}}, {@code phone:{number}}, … */
  static ObjectNode party(String key, JsonNode identitySet, Status status) {
    ObjectNode party = JSON.objectNode();
    party.put("key", key);
    party.set("identity", identitySet.deepCopy());
    party.put("status", status.wire());
    party.put("participantId", UUID.randomUUID().toString());
    return party;
  }

  static ArrayNode all(ObjectNode resource) {
    JsonNode parties = resource.get(KEY);
    if (parties instanceof ArrayNode array) {
      return array;
    }
    return resource.putArray(KEY);
  }

  static Optional<ObjectNode> find(ObjectNode resource, String key) {
    for (JsonNode party : all(resource)) {
      if (party.path("key").asText().equals(key)) {
        return Optional.of((ObjectNode) party);
      }
    }
    return Optional.empty();
  }

  static Status status(JsonNode party) {
    return Status.of(party.path("status").asText());
  }

  static long count(ObjectNode resource, Status status) {
    long n = 0;
    for (JsonNode party : all(resource)) {
      if (status(party) == status) {
        n++;
      }
    }
    return n;
  }

  /** The Graph participants now in the call: every party in it, and the bot. */
  static List<ObjectNode> roster(ObjectNode resource) {
    List<ObjectNode> roster = new ArrayList<>();
    for (JsonNode party : all(resource)) {
      if (status(party) == Status.IN_CALL) {
        roster.add(participant(party.get("identity"), party.path("participantId").asText(), true));
      }
    }
    roster.add(
        participant(
            resource.path("source").path("identity"),
            resource.path("myParticipantId").asText(),
            false));
    return roster;
  }

  private static ObjectNode participant(JsonNode identitySet, String id, boolean person) {
    ObjectNode participant = JSON.objectNode();
    participant.put("@odata.type", "#microsoft.graph.participant");
    ObjectNode info = participant.putObject("info");
    info.put("@odata.type", "#microsoft.graph.participantInfo");
    info.set("identity", identitySet.deepCopy());
    if (person) {
      info.put("languageId", "en-US");
    }
    ArrayNode streams = participant.putArray("mediaStreams");
    ObjectNode audio = streams.addObject();
    audio.put("@odata.type", "#microsoft.graph.mediaStream");
    audio.put("mediaType", "audio");
    audio.put("sourceId", person ? "1" : "10");
    audio.put("direction", "sendReceive");
    audio.put("serverMuted", false);
    participant.put("isMuted", false);
    participant.put("isInLobby", false);
    participant.put("id", id);
    return participant;
  }
}
