package dev.dialtone.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dialtone.engine.call.Call;
import dev.dialtone.engine.call.CallState;
import java.time.Instant;
import java.util.UUID;

/** Calls to store in tests: a realistic Graph representation with open-type extras. */
public final class TestCalls {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The tenant and app of the seed's "Calling Bot". */
  public static final String TENANT = "aa67bd4c-8475-432d-bd41-39f255720e0a";

  public static final String APP = "2891555a-92ff-42e6-80fa-6e1300c6b5c6";

  /** A whole millisecond: the store keeps timestamps to the millisecond. */
  public static final Instant CREATED = Instant.parse("2026-03-14T09:26:53.589Z");

  private TestCalls() {}

  /** A new call (version 1, establishing) with a fresh id. */
  public static Call newCall() {
    return newCall(UUID.randomUUID().toString());
  }

  /** A new call (version 1, establishing) with this id. */
  public static Call newCall(String id) {
    return new Call(
        id, TENANT, APP, CallState.ESTABLISHING, CREATED, CREATED, 1, resource(id, "establishing"));
  }

  /** The next version of {@code call}, in {@code state}, changed a second later. */
  public static Call next(Call call, CallState state) {
    ObjectNode resource = call.resourceCopy();
    resource.put("state", state.wireName());
    Instant updated = call.updatedAt().plusSeconds(1);
    return new Call(
        call.id(),
        call.tenantId(),
        call.applicationId(),
        state,
        call.createdAt(),
        updated,
        call.version() + 1,
        resource);
  }

  /** The same call in another tenant. */
  public static Call inTenant(Call call, String tenantId) {
    return new Call(
        call.id(),
        tenantId,
        call.applicationId(),
        call.state(),
        call.createdAt(),
        call.updatedAt(),
        call.version(),
        call.resource());
  }

  /**
   * The representation of a peer-to-peer call as Graph returns it, plus properties it does not
   * model.
   */
  public static ObjectNode resource(String id, String state) {
    String text =
        """
        {
          "@odata.type": "#microsoft.graph.call",
          "id": "%s",
          "state": "%s",
          "direction": "outgoing",
          "callbackUri": "https://bot.contoso.com/callback",
          "subject": "Zürich ☎ İstanbul — ıi",
          "requestedModalities": ["audio"],
          "mediaConfig": {
            "@odata.type": "#microsoft.graph.serviceHostedMediaConfig",
            "preFetchMedia": []
          },
          "source": {
            "@odata.type": "#microsoft.graph.participantInfo",
            "identity": {
              "@odata.type": "#microsoft.graph.identitySet",
              "application": {
                "@odata.type": "#microsoft.graph.identity",
                "displayName": "Calling Bot",
                "id": "2891555a-92ff-42e6-80fa-6e1300c6b5c6"
              }
            },
            "languageId": null,
            "region": null
          },
          "targets": [
            {
              "@odata.type": "#microsoft.graph.invitationParticipantInfo",
              "identity": {
                "@odata.type": "#microsoft.graph.identitySet",
                "user": {
                  "@odata.type": "#microsoft.graph.identity",
                  "displayName": "John",
                  "id": "112f7296-5fa4-42ca-bae8-6a692b15d4b8"
                }
              }
            }
          ],
          "tenantId": "aa67bd4c-8475-432d-bd41-39f255720e0a",
          "myApp.correlation": {"attempt": 3, "ratio": 0.25, "big": 12345678901234567, "tags": ["a", true, null]}
        }
        """
            .formatted(id, state);
    try {
      return (ObjectNode) JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
