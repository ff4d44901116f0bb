package dev.dialtone.engine.graph;

import static dev.dialtone.engine.graph.Rejections.assertInvalid;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GraphSchemaActionBodyTest {

  private static final String CALL = "microsoft.graph.call";
  private static final String ANSWER =
      """
      {"callbackUri": "https://bot.contoso.com/callback",
       "mediaConfig": {"@odata.type": "#microsoft.graph.appHostedMediaConfig",
                       "blob": "<Media Session Configuration Blob>"},
       "acceptedModalities": ["audio"]}""";
  private static final String REDIRECT =
      """
      {"targets": [{"@odata.type": "#microsoft.graph.invitationParticipantInfo",
                    "identity": {"@odata.type": "#microsoft.graph.identitySet",
                                 "user": {"@odata.type": "#microsoft.graph.identity",
                                          "displayName": "test bot 2",
                                          "id": "8d1e6ab2-63c8-4b06-81ed-4ab4f7a0d4f6"}}}],
       "callbackUri": "https://bot.contoso.com/callback",
       "timeout": 60}""";

  private final GraphSchema schema = GraphSchema.bundled();

  private void assertValid(String json, String action, String binding) {
    JsonNode body = json == null ? null : GraphJson.parse(json);
    assertThatCode(() -> schema.validateActionBody(body, action, binding))
        .doesNotThrowAnyException();
  }

  private AbstractThrowableAssert<?, ? extends Throwable> assertRejected(
      String json, String action, String binding) {
    JsonNode body = GraphJson.parse(json);
    return assertInvalid(() -> schema.validateActionBody(body, action, binding));
  }

  // --- answer ---------------------------------------------------------------------------------

  @Test
  void acceptsTheAnswerBodyOfTheDocs() {
    assertValid(ANSWER, "answer", CALL);
    assertValid(
        """
        {"callbackUri": "https://bot.contoso.com/callback",
         "mediaConfig": {"@odata.type": "#microsoft.graph.serviceHostedMediaConfig"},
         "acceptedModalities": ["audio", "video"],
         "participantCapacity": 200,
         "callOptions": {"@odata.type": "#microsoft.graph.incomingCallOptions",
                         "isContentSharingNotificationEnabled": true}}""",
        "answer",
        CALL);
  }

  @Test
  void answerRequiresCallbackUri() {
    assertRejected(
            "{\"mediaConfig\": {\"@odata.type\": \"#microsoft.graph.serviceHostedMediaConfig\"},"
                + " \"acceptedModalities\": [\"audio\"]}",
            "answer",
            CALL)
        .hasMessage("callbackUri: required parameter of answer is missing (expected Edm.String)");
  }

  @Test
  void answerRequiresMediaConfig() {
    assertRejected(
            "{\"callbackUri\": \"https://bot.contoso.com/callback\","
                + " \"acceptedModalities\": [\"audio\"]}",
            "answer",
            CALL)
        .hasMessage(
            "mediaConfig: required parameter of answer is missing (expected"
                + " microsoft.graph.mediaConfig)");
  }

  @Test
  void answerRejectsANullMediaConfig() {
    assertRejected(
            "{\"callbackUri\": \"https://bot.contoso.com/callback\", \"mediaConfig\": null}",
            "answer",
            CALL)
        .hasMessage(
            "mediaConfig: expected microsoft.graph.mediaConfig, got null;"
                + " microsoft.graph.answer.mediaConfig is not nullable");
  }

  @Test
  void answerLeavesAcceptedModalitiesOptionalAsTheCsdlDeclaresItNullableButChecksItsMembers() {
    // The docs call acceptedModalities required; the v1.0 CSDL does not (no Nullable="false").
    assertValid(
        "{\"callbackUri\": \"https://bot.contoso.com/callback\","
            + " \"mediaConfig\": {\"@odata.type\": \"#microsoft.graph.serviceHostedMediaConfig\"}}",
        "answer",
        CALL);
    assertRejected(
            "{\"callbackUri\": \"https://bot.contoso.com/callback\","
                + " \"mediaConfig\": {\"@odata.type\": \"#microsoft.graph.serviceHostedMediaConfig\"},"
                + " \"acceptedModalities\": [\"hologram\"]}",
            "answer",
            CALL)
        .hasMessageStartingWith(
            "acceptedModalities[0]: 'hologram' is not a member of microsoft.graph.modality");
  }

  @Test
  void answerRejectsAnUnknownParameterListingTheAllowedOnes() {
    assertRejected(ANSWER.replace("\"acceptedModalities\"", "\"modalities\""), "answer", CALL)
        .hasMessage(
            "modalities: not a parameter of answer; the allowed parameters are: callbackUri,"
                + " mediaConfig, acceptedModalities, participantCapacity, callOptions");
  }

  @Test
  void answerSuggestsTheRightCaseOfAParameterName() {
    assertRejected(ANSWER.replace("\"callbackUri\"", "\"CallbackUri\""), "answer", CALL)
        .hasMessageStartingWith(
            "CallbackUri: not a parameter of answer; did you mean 'callbackUri'?");
  }

  @Test
  void answerRejectsOutgoingCallOptions() {
    assertRejected(
            ANSWER.replace(
                "\"acceptedModalities\"",
                "\"callOptions\": {\"@odata.type\": \"#microsoft.graph.outgoingCallOptions\"},"
                    + " \"acceptedModalities\""),
            "answer",
            CALL)
        .hasMessage(
            "callOptions: @odata.type '#microsoft.graph.outgoingCallOptions' is not"
                + " microsoft.graph.incomingCallOptions or a type derived from it");
  }

  @Test
  void acceptsInstanceAnnotationsInAnActionBody() {
    assertValid(ANSWER.replace("{\"callbackUri\"", "{\"@odata.type\": \"#x\", \"callbackUri\""),
        "answer", CALL);
  }

  @ParameterizedTest
  @ValueSource(strings = {"answer", "ANSWER", "Answer", "microsoft.graph.answer", "Graph.Answer"})
  void matchesActionNamesCaseInsensitivelyAndQualified(String action) {
    assertValid(ANSWER, action, CALL);
  }

  @Test
  void rejectsABodyThatIsNotAnObject() {
    assertRejected("[]", "answer", CALL)
        .hasMessage(
            "the request body: expected a JSON object with the parameters of answer, got an array");
  }

  // --- reject ---------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"reason\": \"none\"}",
        "{\"reason\": \"None\"}",
        "{\"reason\": \"Busy\", \"callbackUri\": \"https://bot.contoso.com/callback\"}",
        "{\"reason\": \"forbidden\"}",
        "{\"reason\": null}",
        "{}"
      })
  void acceptsRejectBodies(String body) {
    assertValid(body, "reject", CALL);
  }

  @Test
  void rejectRejectsAnUnknownReason() {
    assertRejected("{\"reason\": \"maybe\"}", "reject", CALL)
        .hasMessage(
            "reason: 'maybe' is not a member of microsoft.graph.rejectReason; expected one of:"
                + " none, busy, forbidden, unknownFutureValue");
  }

  @Test
  void rejectRejectsAParameterOfAnotherAction() {
    assertRejected("{\"reason\": \"busy\", \"timeout\": 5}", "reject", CALL)
        .hasMessage(
            "timeout: not a parameter of reject; the allowed parameters are: reason, callbackUri");
  }

  // --- redirect -------------------------------------------------------------------------------

  @Test
  void acceptsTheRedirectBodyOfTheDocs() {
    assertValid(REDIRECT, "redirect", CALL);
  }

  @Test
  void redirectRequiresTargets() {
    assertRejected("{\"timeout\": 60}", "redirect", CALL)
        .hasMessage(
            "targets: required parameter of redirect is missing (expected"
                + " Collection(microsoft.graph.invitationParticipantInfo))");
  }

  @Test
  void redirectRejectsATimeoutSentAsAString() {
    assertRejected(REDIRECT.replace("\"timeout\": 60", "\"timeout\": \"60\""), "redirect", CALL)
        .hasMessage(
            "timeout: expected Edm.Int32, got a string ('60'); send the number without quotes");
  }

  @Test
  void redirectRejectsATargetWithoutIdentity() {
    assertRejected("{\"targets\": [{\"hidden\": true}]}", "redirect", CALL)
        .hasMessage(
            "targets[0].identity: required property of microsoft.graph.invitationParticipantInfo"
                + " is missing (expected microsoft.graph.identitySet)");
  }

  // --- bodiless actions, overloads, unknown actions ------------------------------------------

  @Test
  void acceptsAnEmptyOrMissingBodyForKeepAlive() {
    assertValid("{}", "keepAlive", CALL);
    assertValid(null, "keepalive", CALL);
    assertThatCode(() -> schema.validateActionBody(MissingNode.getInstance(), "keepAlive", CALL))
        .doesNotThrowAnyException();
    assertThatCode(() -> schema.validateActionBody(NullNode.getInstance(), "keepAlive", CALL))
        .doesNotThrowAnyException();
  }

  @Test
  void keepAliveRejectsAnyParameter() {
    assertRejected("{\"clientContext\": \"c\"}", "keepAlive", CALL)
        .hasMessage(
            "clientContext: not a parameter of keepAlive, which takes no parameters; send an"
                + " empty body");
  }

  @Test
  void requiresTheParametersOfAnActionWhenTheBodyIsMissing() {
    assertInvalid(() -> schema.validateActionBody(null, "playPrompt", CALL))
        .hasMessage(
            "prompts: required parameter of playPrompt is missing (expected"
                + " Collection(microsoft.graph.prompt))");
  }

  @Test
  void choosesTheOverloadBoundToTheGivenType() {
    assertValid("{\"clientContext\": \"c\"}", "mute", CALL);
    assertValid("{\"clientContext\": \"c\"}", "mute", "microsoft.graph.participant");
    assertValid(
        "{\"customPrompt\": {\"@odata.type\": \"#microsoft.graph.mediaPrompt\","
            + " \"mediaInfo\": {\"uri\": \"https://cdn.contoso.com/hold.wav\"}}}",
        "startHoldMusic",
        "microsoft.graph.participant");
    assertRejected("{}", "invite", "Collection(microsoft.graph.participant)")
        .hasMessageStartingWith("participants: required parameter of invite is missing");
  }

  @Test
  void rejectsAnActionThatIsNotBoundToTheType() {
    assertRejected("{}", "startHoldMusic", CALL)
        .hasMessage(
            "'startHoldMusic' is not an action bound to microsoft.graph.call; the actions bound"
                + " to it are: addLargeGalleryView, answer, cancelMediaProcessing,"
                + " changeScreenSharingRole, keepAlive, mute, playPrompt, recordResponse,"
                + " redirect, reject, sendDtmfTones, subscribeToTone, transfer, unmute,"
                + " updateRecordingStatus");
    assertRejected("{}", "invite", "microsoft.graph.participant")
        .hasMessageStartingWith("'invite' is not an action bound to microsoft.graph.participant");
  }

  @Test
  void refusesAnUnknownBindingType() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> schema.validateActionBody(null, "answer", "microsoft.graph.phoneCall"));
  }
}
