package dev.dialtone.engine.graph;

import static dev.dialtone.engine.graph.Rejections.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.fasterxml.jackson.databind.JsonNode;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GraphSchemaTest {

  private static final String CALL = "microsoft.graph.call";
  private static final String CALLBACK = "\"callbackUri\": \"https://bot.contoso.com/callback\"";
  private static final String SERVICE_MEDIA =
      "\"mediaConfig\": {\"@odata.type\": \"#microsoft.graph.serviceHostedMediaConfig\"}";

  private final GraphSchema schema = GraphSchema.bundled();

  /** A valid call with callbackUri and service-hosted media plus the given members. */
  private static String call(String members) {
    return "{" + CALLBACK + ", " + SERVICE_MEDIA + (members.isEmpty() ? "" : ", " + members) + "}";
  }

  /** A call with one target whose identity is the given JSON. */
  private static String callToIdentity(String identitySet) {
    return call("\"targets\": [{\"identity\": " + identitySet + "}]");
  }

  /** A call whose source identity is the given JSON. */
  private static String callFromIdentity(String identitySet) {
    return call("\"source\": {\"identity\": " + identitySet + "}");
  }

  private void assertValid(String json, String type) {
    JsonNode value = GraphJson.parse(json);
    assertThatCode(() -> schema.validate(value, type)).doesNotThrowAnyException();
  }

  private AbstractThrowableAssert<?, ? extends Throwable> assertRejected(String json, String type) {
    JsonNode value = GraphJson.parse(json);
    return assertInvalid(() -> schema.validate(value, type));
  }

  @Test
  void bundledSchemaIsLoadedOnce() {
    assertThat(GraphSchema.bundled()).isSameAs(schema);
  }

  // --- primitive types -------------------------------------------------------------------------

  @Test
  void rejectsAWrongPrimitiveTypeNamingTheJsonPath() {
    assertRejected(callToIdentity("{\"user\": {\"id\": 42}}"), CALL)
        .hasMessage("targets[0].identity.user.id: expected Edm.String, got a number");
  }

  @Test
  void namesTheIndexOfTheOffendingCollectionItem() {
    String json =
        call(
            """
            "targets": [
              {"identity": {"user": {"id": "a", "displayName": "one"}}},
              {"identity": {"user": {"id": "b", "displayName": true}}}
            ]""");

    assertRejected(json, CALL)
        .hasMessage("targets[1].identity.user.displayName: expected Edm.String, got a boolean");
  }

  @Test
  void rejectsAnInt32OutOfRange() {
    assertRejected(call("\"resultInfo\": {\"code\": 3000000000, \"subcode\": 0}"), CALL)
        .hasMessage(
            "resultInfo.code: expected Edm.Int32, got 3000000000, which is out of range"
                + " (-2147483648 to 2147483647)");
  }

  @Test
  void acceptsInt32AtItsBounds() {
    assertValid(call("\"resultInfo\": {\"code\": 2147483647, \"subcode\": -2147483648}"), CALL);
  }

  @Test
  void rejectsAFractionForAnInt32() {
    assertRejected(call("\"resultInfo\": {\"code\": 200, \"subcode\": 1.5}"), CALL)
        .hasMessage("resultInfo.subcode: expected Edm.Int32, got 1.5, which is not a whole number");
  }

  @Test
  void rejectsANumericStringForAnInt32() {
    assertRejected(call("\"resultInfo\": {\"code\": \"200\", \"subcode\": 0}"), CALL)
        .hasMessage(
            "resultInfo.code: expected Edm.Int32, got a string ('200'); send the number without"
                + " quotes");
  }

  @ParameterizedTest(name = "{0} {1} valid={2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          Edm.String         | "x"                                         | true
          Edm.String         | 1                                           | false
          Edm.Boolean        | true                                        | true
          Edm.Boolean        | "true"                                      | false
          Edm.Int32          | -7                                          | true
          Edm.Int32          | 5.0                                         | true
          Edm.Int32          | 2147483648                                  | false
          Edm.Int64          | 9223372036854775807                         | true
          Edm.Int64          | 9223372036854775808                         | false
          Edm.Int64          | "12"                                        | false
          Edm.Double         | 1.5                                         | true
          Edm.Double         | 1                                           | true
          Edm.Double         | "NaN"                                       | false
          Edm.Double         | "1.5"                                       | false
          Edm.Decimal        | 12.25                                       | true
          Edm.Guid           | "2e1a0b00-2db4-4022-9570-243709c565ab"      | true
          Edm.Guid           | "2E1A0B00-2DB4-4022-9570-243709C565AB"      | true
          Edm.Guid           | "2e1a0b002db440229570243709c565ab"          | false
          Edm.Guid           | "2e1a0b00-2db4-4022-9570-243709c565ag"      | false
          Edm.DateTimeOffset | "2024-05-01T09:30:00Z"                      | true
          Edm.DateTimeOffset | "2024-05-01T09:30:00.1234567+05:30"         | true
          Edm.DateTimeOffset | "2024-05-01T09:30:00"                       | false
          Edm.DateTimeOffset | "yesterday"                                 | false
          Edm.Duration       | "PT1M30S"                                   | true
          Edm.Duration       | "P1DT2H"                                    | true
          Edm.Duration       | "90"                                        | false
          Edm.Binary         | "aGVsbG8="                                  | true
          Edm.Binary         | "aGVsbG8"                                   | true
          Edm.Binary         | "not base64!"                               | false
          Edm.Date           | "2024-05-01"                                | true
          Edm.Date           | "2024-13-01"                                | false
          Edm.TimeOfDay      | "09:30:00"                                  | true
          Edm.TimeOfDay      | "25:00"                                     | false
          """)
  void checksPrimitiveValues(String type, String json, boolean valid) {
    if (valid) {
      assertValid(json, type);
    } else {
      assertRejected(json, type).hasMessageStartingWith("the request body: expected " + type);
    }
  }

  @Test
  void namesTheExpectedFormatOfAMalformedString() {
    assertRejected(
            """
            {"callChainId": "2e1a0b00-2db4-4022-9570-243709c565ab",
             "deviceName": "d", "deviceDescription": "d", "mediaQualityList": [],
             "mediaLegId": "2e1a0b00-2db4-4022-9570-243709c565ab",
             "participantId": "not-a-guid"}""",
            "microsoft.graph.teleconferenceDeviceQuality")
        .hasMessage(
            "participantId: expected Edm.Guid (a GUID string such as"
                + " '2e1a0b00-2db4-4022-9570-243709c565ab'), got 'not-a-guid'");
  }

  // --- structured types, @odata.type --------------------------------------------------------

  @Test
  void rejectsARootThatIsNotAnObject() {
    assertRejected("[]", CALL)
        .hasMessage("the request body: expected an object (microsoft.graph.call), got an array");
  }

  @Test
  void rejectsAnAbstractTypeWithoutODataTypeListingItsConcreteSubtypes() {
    assertRejected("{" + CALLBACK + ", \"mediaConfig\": {}}", CALL)
        .hasMessage(
            "mediaConfig: @odata.type is required because microsoft.graph.mediaConfig is"
                + " abstract; use #microsoft.graph.appHostedMediaConfig or"
                + " #microsoft.graph.serviceHostedMediaConfig");
  }

  @Test
  void listsEveryConcreteSubtypeOfAnAbstractMeetingInfo() {
    assertRejected(call("\"meetingInfo\": {\"organizer\": {}}"), CALL)
        .hasMessage(
            "meetingInfo: @odata.type is required because microsoft.graph.meetingInfo is"
                + " abstract; use #microsoft.graph.joinMeetingIdMeetingInfo,"
                + " #microsoft.graph.organizerMeetingInfo or #microsoft.graph.tokenMeetingInfo");
  }

  @Test
  void rejectsAnODataTypeThatIsNotTheDeclaredTypeOrDerivedFromIt() {
    assertRejected(
            "{" + CALLBACK + ", \"mediaConfig\": {\"@odata.type\": \"#microsoft.graph.chatInfo\"}}",
            CALL)
        .hasMessage(
            "mediaConfig: @odata.type '#microsoft.graph.chatInfo' is not"
                + " microsoft.graph.mediaConfig or a type derived from it");
  }

  @Test
  void rejectsAnODataTypeNamingABaseOfTheDeclaredType() {
    assertRejected(
            callToIdentity("{\"@odata.type\": \"#microsoft.graph.identity\", \"user\": {}}"), CALL)
        .hasMessage(
            "targets[0].identity: @odata.type '#microsoft.graph.identity' is not"
                + " microsoft.graph.identitySet or a type derived from it");
  }

  @Test
  void rejectsAnODataTypeNamingNoKnownType() {
    assertRejected(
            "{"
                + CALLBACK
                + ", \"mediaConfig\": {\"@odata.type\": \"#microsoft.graph.cloudMediaConfig\"}}",
            CALL)
        .hasMessage(
            "mediaConfig: @odata.type '#microsoft.graph.cloudMediaConfig' is not"
                + " microsoft.graph.mediaConfig or a type derived from it (no such type)");
  }

  @Test
  void rejectsAnODataTypeNamingAnAbstractType() {
    assertRejected(
            "{" + CALLBACK + ", \"mediaConfig\": {\"@odata.type\": \"#microsoft.graph.mediaConfig\"}}",
            CALL)
        .hasMessage(
            "mediaConfig: @odata.type '#microsoft.graph.mediaConfig' names an abstract type; use"
                + " #microsoft.graph.appHostedMediaConfig or"
                + " #microsoft.graph.serviceHostedMediaConfig");
  }

  @Test
  void rejectsAnODataTypeThatIsNotAString() {
    assertRejected("{" + CALLBACK + ", \"mediaConfig\": {\"@odata.type\": 7}}", CALL)
        .hasMessage(
            "mediaConfig: @odata.type must be a string such as"
                + " '#microsoft.graph.appHostedMediaConfig', got a number");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "#microsoft.graph.serviceHostedMediaConfig",
        "microsoft.graph.serviceHostedMediaConfig",
        "#graph.serviceHostedMediaConfig",
        "#Microsoft.Graph.ServiceHostedMediaConfig",
        "#MICROSOFT.GRAPH.SERVICEHOSTEDMEDIACONFIG"
      })
  void acceptsEverySpellingOfODataTypeInAnyCase(String odataType) {
    assertValid(
        "{\"@odata.type\": \"#Microsoft.Graph.Call\", "
            + CALLBACK
            + ", \"mediaConfig\": {\"@odata.type\": \""
            + odataType
            + "\"}}",
        CALL);
  }

  @Test
  void checksThePropertiesOfTheDerivedTypeTheValueDeclares() {
    String identity =
        """
        {"user": {"@odata.type": "#microsoft.graph.communicationsUserIdentity",
                  "id": "u", "tenantId": 5}}""";

    assertRejected(callToIdentity(identity), CALL)
        .hasMessage("targets[0].identity.user.tenantId: expected Edm.String, got a number");
  }

  @Test
  void rejectsAStringWhereAnObjectIsExpected() {
    assertRejected(callFromIdentity("{\"applicationInstance\": \"3d913abb\"}"), CALL)
        .hasMessage(
            "source.identity.applicationInstance: expected an object (microsoft.graph.identity),"
                + " got a string");
  }

  @Test
  void pointsOutAJsonEncodedObjectSentAsAString() {
    assertRejected(
            callFromIdentity("{\"applicationInstance\": \"{\\\"id\\\": \\\"3d913abb\\\"}\"}"), CALL)
        .hasMessage(
            "source.identity.applicationInstance: expected an object (microsoft.graph.identity),"
                + " got a string; send the object itself, not a JSON-encoded string");
  }

  @Test
  void checksCommunicationsIdentitySetMembersOnAPlainIdentitySet() {
    assertValid(
        callToIdentity(
            """
            {"@odata.type": "#microsoft.graph.identitySet",
             "phone": {"@odata.type": "#microsoft.graph.identity", "id": "+12345678901"},
             "guest": {"id": "g", "displayName": "Guest"},
             "endpointType": "voicemail"}"""),
        CALL);
    assertRejected(callToIdentity("{\"phone\": {\"id\": 12345678901}}"), CALL)
        .hasMessage("targets[0].identity.phone.id: expected Edm.String, got a number");
    assertRejected(callToIdentity("{\"phone\": {\"id\": \"+1\"}, \"endpointType\": \"fax\"}"), CALL)
        .hasMessageStartingWith(
            "targets[0].identity.endpointType: 'fax' is not a member of"
                + " microsoft.graph.endpointType");
  }

  @Test
  void acceptsUndeclaredPropertiesWithoutCheckingThem() {
    assertValid(
        """
        {"callbackUri": "https://bot.contoso.com/callback",
         "mediaConfig": {"@odata.type": "#microsoft.graph.serviceHostedMediaConfig",
                         "removeFromDefaultAudioGroup": "no"},
         "ringingTimeoutInSeconds": "soon",
         "answeredBy": "someone",
         "chatInfo": {"threadId": "19:meeting_x@thread.v2", "messageId": "0", "extra": {}},
         "targets": [{"identity": {"user": {"id": "u", "tenantId": 5}}, "languageId": 1}]}""",
        CALL);
  }

  @Test
  void acceptsInstanceAnnotations() {
    assertValid(
        call(
            """
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#app/calls/$entity",
            "@odata.etag": 5,
            "requestedModalities@odata.type": "#Collection(microsoft.graph.modality)",
            "requestedModalities": ["audio"]"""),
        CALL);
  }

  // --- null and required -------------------------------------------------------------------

  @Test
  void rejectsAMissingRequiredProperty() {
    assertRejected("{" + SERVICE_MEDIA + "}", CALL)
        .hasMessage(
            "callbackUri: required property of microsoft.graph.call is missing (expected"
                + " Edm.String)");
  }

  @Test
  void rejectsAMissingRequiredPropertyOfAComplexType() {
    assertRejected(call("\"targets\": [{\"participantId\": \"p\"}]"), CALL)
        .hasMessage(
            "targets[0].identity: required property of microsoft.graph.invitationParticipantInfo"
                + " is missing (expected microsoft.graph.identitySet)");
    assertRejected(
            "{"
                + CALLBACK
                + ", \"mediaConfig\": {\"@odata.type\": \"#microsoft.graph.serviceHostedMediaConfig\","
                + " \"preFetchMedia\": [{\"resourceId\": \"r\"}]}}",
            CALL)
        .hasMessage(
            "mediaConfig.preFetchMedia[0].uri: required property of microsoft.graph.mediaInfo is"
                + " missing (expected Edm.String)");
  }

  @Test
  void requiresNonNullablePropertiesOfEntitiesButNotTheirKey() {
    assertValid("{\"status\": \"running\"}", "microsoft.graph.commsOperation");
    assertRejected("{\"id\": \"op\"}", "microsoft.graph.commsOperation")
        .hasMessage(
            "status: required property of microsoft.graph.commsOperation is missing (expected"
                + " microsoft.graph.operationStatus)");
  }

  @Test
  void rejectsNullOnANonNullableProperty() {
    assertRejected("{\"callbackUri\": null, " + SERVICE_MEDIA + "}", CALL)
        .hasMessage(
            "callbackUri: expected Edm.String, got null; microsoft.graph.call.callbackUri is not"
                + " nullable");
  }

  @Test
  void acceptsNullOnANullableProperty() {
    assertValid(
        call("\"subject\": null, \"chatInfo\": null, \"source\": {\"identity\": {}, \"region\": null}"),
        CALL);
  }

  // --- collections ----------------------------------------------------------------------------

  @Test
  void rejectsANonArrayForACollection() {
    assertRejected(call("\"requestedModalities\": \"audio\""), CALL)
        .hasMessage(
            "requestedModalities: expected an array (Collection(microsoft.graph.modality)), got a"
                + " string");
  }

  @Test
  void rejectsNullInACollectionOfAStructuredType() {
    assertRejected(call("\"targets\": [null]"), CALL)
        .hasMessage(
            "targets[0]: null is not allowed in Collection(microsoft.graph.invitationParticipantInfo)");
  }

  @Test
  void validatesACollectionAtTheRoot() {
    assertValid(
        "[{\"identity\": {\"user\": {\"id\": \"u\"}}}]",
        "Collection(microsoft.graph.invitationParticipantInfo)");
    assertRejected("[{}]", "Collection(microsoft.graph.invitationParticipantInfo)")
        .hasMessageStartingWith("[0].identity: required property");
  }

  // --- enums ----------------------------------------------------------------------------------

  @Test
  void rejectsAnUnknownEnumMemberListingTheMembers() {
    assertRejected(call("\"requestedModalities\": [\"audio\", \"hologram\"]"), CALL)
        .hasMessage(
            "requestedModalities[1]: 'hologram' is not a member of microsoft.graph.modality;"
                + " expected one of: audio, video, videoBasedScreenSharing, data,"
                + " unknownFutureValue");
  }

  @ParameterizedTest
  @ValueSource(strings = {"audio", "AUDIO", "Audio", "videoBasedScreenSharing", "VIDEOBASEDSCREENSHARING"})
  void matchesEnumMembersCaseInsensitively(String modality) {
    assertValid(call("\"requestedModalities\": [\"" + modality + "\"]"), CALL);
  }

  @ParameterizedTest
  @ValueSource(strings = {"running", "Running", "NOTSTARTED", "notStarted", "completed", "FAILED"})
  void matchesPascalCaseOperationStatusMembersInAnyCase(String status) {
    assertValid("{\"status\": \"" + status + "\"}", "microsoft.graph.commsOperation");
  }

  @Test
  void matchesEnumMembersCaseInsensitivelyWhateverTheDefaultLocale() {
    // The tests run with a Turkish default locale, where "I".toLowerCase() is a dotless i.
    assertValid(call("\"direction\": \"INCOMING\", \"state\": \"ESTABLISHING\""), CALL);
  }

  @Test
  void rejectsANumberForAnEnum() {
    assertRejected(call("\"direction\": 1"), CALL)
        .hasMessage(
            "direction: expected microsoft.graph.callDirection (a string naming a member), got a"
                + " number");
  }

  @Test
  void acceptsACommaSeparatedListForAFlagsEnum() {
    assertValid(
        "{\"videoDisabled\": \"watermarkProtection,unknownFutureValue\","
            + " \"contentSharingDisabled\": \"WatermarkProtection\"}",
        "microsoft.graph.onlineMeetingRestricted");
  }

  @Test
  void rejectsAnUnknownMemberInAFlagsEnumList() {
    assertRejected(
            "{\"videoDisabled\": \"watermarkProtection,blurred\"}",
            "microsoft.graph.onlineMeetingRestricted")
        .hasMessage(
            "videoDisabled: 'blurred' is not a member of"
                + " microsoft.graph.onlineMeetingVideoDisabledReason; expected one of:"
                + " watermarkProtection, unknownFutureValue (a flags enum: give one or more"
                + " members separated by commas)");
  }

  @Test
  void rejectsACommaSeparatedListForANonFlagsEnum() {
    assertRejected(call("\"requestedModalities\": [\"audio,video\"]"), CALL)
        .hasMessageEndingWith(
            "(microsoft.graph.modality is not a flags enum: give exactly one member)");
  }

  // --- types outside the subset, names -------------------------------------------------------

  @Test
  void toleratesReferencesToTypesOutsideTheSubsetUntilAValueNeedsThem() {
    assertValid("{\"calls\": [], \"adhocCalls\": []}", "microsoft.graph.cloudCommunications");
    assertRejected("{\"adhocCalls\": [{}]}", "microsoft.graph.cloudCommunications")
        .hasMessage(
            "adhocCalls[0]: values of type microsoft.graph.adhocCall are not supported: the type"
                + " is not part of this server's schema");
  }

  @Test
  void refusesToValidateAgainstAnUnknownTypeName() {
    JsonNode value = GraphJson.parse("{}");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> schema.validate(value, "microsoft.graph.adhocCall"))
        .withMessageContaining("microsoft.graph.adhocCall");
  }

  @Test
  void resolvesTheTypeAValueDeclaresOrTheDeclaredType() {
    JsonNode appHosted = GraphJson.parse("{\"@odata.type\": \"#graph.APPHOSTEDMEDIACONFIG\"}");
    JsonNode untyped = GraphJson.parse("{}");

    assertThat(schema.resolveType(appHosted, "microsoft.graph.mediaConfig"))
        .isEqualTo("microsoft.graph.appHostedMediaConfig");
    assertThat(schema.resolveType(untyped, "microsoft.graph.identitySet"))
        .isEqualTo("microsoft.graph.identitySet");
    assertThat(schema.resolveType(untyped, "microsoft.graph.mediaConfig"))
        .isEqualTo("microsoft.graph.mediaConfig");
    assertInvalid(() -> schema.resolveType(appHosted, "microsoft.graph.meetingInfo"))
        .hasMessage(
            "the request body: @odata.type '#graph.APPHOSTEDMEDIACONFIG' is not"
                + " microsoft.graph.meetingInfo or a type derived from it");
  }

  @Test
  void knowsWhichTypesDeriveFromWhich() {
    assertThat(
            schema.isAssignable(
                "microsoft.graph.serviceHostedMediaConfig", "microsoft.graph.mediaConfig"))
        .isTrue();
    assertThat(
            schema.isAssignable(
                "microsoft.graph.mediaConfig", "microsoft.graph.serviceHostedMediaConfig"))
        .isFalse();
    assertThat(schema.isAssignable("microsoft.graph.call", "microsoft.graph.entity")).isTrue();
    assertThat(schema.isAssignable("microsoft.graph.identitySet", "microsoft.graph.identitySet"))
        .isTrue();
    assertThat(
            schema.isAssignable(
                "#Microsoft.Graph.CommunicationsIdentitySet", "graph.identitySet"))
        .isTrue();
    assertThat(schema.isAssignable("microsoft.graph.chatInfo", "microsoft.graph.mediaConfig"))
        .isFalse();
    assertThat(schema.isAssignable("microsoft.graph.modality", "microsoft.graph.modality"))
        .isTrue();
    assertThat(schema.isAssignable("microsoft.graph.adhocCall", "microsoft.graph.entity"))
        .isFalse();
  }
}
