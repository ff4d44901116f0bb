package dev.dialtone.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scenario rules and permissions of Create call, each over a real socket. */
class CreateCallRulesTest {
  @TempDir static Path dataDir;
  static DialtoneServer server;
  static TestClient client;
  static String callingBot;

  @BeforeAll
  static void start() {
    server = DialtoneServer.start(ServerConfig.demo(dataDir).withPort(0).withInMemory(true));
    client = new TestClient(server.baseUrl());
    callingBot = client.token(Demo.CALLING_BOT, Demo.CONTOSO);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String userTarget(String id) {
    return "{\"identity\":{\"user\":{\"id\":\"" + id + "\"}}}";
  }

  static String call(String targets, String mediaType, String extra) {
    return "{\"callbackUri\":\"https://bot.example.com/callback\",\"targets\":["
        + targets
        + "],\"requestedModalities\":[\"audio\"],\"mediaConfig\":{\"@odata.type\":\"#microsoft.graph."
        + mediaType
        + "\"}"
        + extra
        + "}";
  }

  static TestClient.Response create(String token, String body) {
    return client.postJson("/v1.0/communications/calls", token, body);
  }

  static void assertError(TestClient.Response response, int status, String code, String messagePart) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    JsonNode error = response.json().path("error");
    assertThat(error.path("code").asText()).isEqualTo(code);
    assertThat(error.path("message").asText()).contains(messagePart);
    assertThat(error.path("innerError").path("request-id").asText()).isEqualTo(response.header("request-id"));
  }

  @Test
  void peerToPeer_asSentByTheJavaSdk_withoutODataTypes_isCreated() {
    TestClient.Response response = create(callingBot, call(userTarget(Demo.JOHN), "serviceHostedMediaConfig", ""));
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    JsonNode source = response.json().path("source").path("identity").path("application");
    assertThat(source.path("id").asText()).isEqualTo(Demo.CALLING_BOT.appId());
    assertThat(source.path("displayName").asText()).isEqualTo("Calling Bot");
    assertThat(response.json().path("targets").get(0).path("@odata.type").asText())
        .isEqualTo("#microsoft.graph.invitationParticipantInfo");
  }

  @Test
  void openTypeProperties_areStoredAndReturned() {
    TestClient.Response response =
        create(callingBot, call(userTarget(Demo.JOHN), "serviceHostedMediaConfig",
            ",\"customThing\":{\"nested\":[1,2]},\"replacesContext\":\"abc\""));
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    String id = response.json().path("id").asText();
    JsonNode read = client.get("/v1.0/communications/calls/" + id, callingBot).json();
    assertThat(read.path("customThing").path("nested").toString()).isEqualTo("[1,2]");
    assertThat(read.path("replacesContext").asText()).isEqualTo("abc");
  }

  @Test
  void createCall_withSixTargets_isRejected() {
    String targets = IntStream.range(0, 6).mapToObj(i -> userTarget(Demo.JOHN + i)).collect(Collectors.joining(","));
    assertError(create(callingBot, call(targets, "serviceHostedMediaConfig", "")),
        400, "invalidRequest", "at most 5 targets, got 6");
  }

  @Test
  void groupCall_withoutGroupPermission_isForbiddenWith7504() {
    String p2pOnly = client.token(Demo.P2P_BOT, Demo.CONTOSO);
    String targets = userTarget(Demo.JOHN) + "," + userTarget("98da8a1a-1b87-452c-a713-65d3f10b5555");
    assertError(create(p2pOnly, call(targets, "serviceHostedMediaConfig", "")),
        403, "7504", "Calls.InitiateGroupCall.All");
  }

  @Test
  void appHostedMedia_withoutAccessMedia_isForbiddenWith7504() {
    String p2pOnly = client.token(Demo.P2P_BOT, Demo.CONTOSO);
    assertError(create(p2pOnly, call(userTarget(Demo.JOHN), "appHostedMediaConfig", "")),
        403, "7504", "Calls.AccessMedia.All");
  }

  @Test
  void appHostedMedia_spelledWithTheShortTypeAlias_stillNeedsAccessMedia() {
    String p2pOnly = client.token(Demo.P2P_BOT, Demo.CONTOSO);
    String body = call(userTarget(Demo.JOHN), "appHostedMediaConfig", "")
        .replace("#microsoft.graph.appHostedMediaConfig", "#graph.appHostedMediaConfig");
    assertError(create(p2pOnly, body), 403, "7504", "Calls.AccessMedia.All");
  }

  @Test
  void sourceNamingAUser_isRejectedWith7507_aBotCallsAsItself() {
    String body = call(userTarget(Demo.JOHN), "serviceHostedMediaConfig",
        ",\"source\":{\"identity\":{\"user\":{\"id\":\"someone-else\",\"displayName\":\"The CEO\"}}}");
    assertError(create(callingBot, body), 403, "7507", "source.identity.user");
  }

  @Test
  void missingMediaConfig_isRejected() {
    String body = call(userTarget(Demo.JOHN), "serviceHostedMediaConfig", "")
        .replace(",\"mediaConfig\":{\"@odata.type\":\"#microsoft.graph.serviceHostedMediaConfig\"}", "");
    assertError(create(callingBot, body), 400, "invalidRequest", "mediaConfig");
  }

  @Test
  void rejectedRequests_storeNothing() {
    long before = server.store().count();
    create(callingBot, call(userTarget(Demo.JOHN) + "," + userTarget(Demo.JOHN), "serviceHostedMediaConfig", ""));
    create(client.token(Demo.P2P_BOT, Demo.CONTOSO), call(userTarget(Demo.JOHN), "appHostedMediaConfig", ""));
    create(callingBot, "{not json");
    assertThat(server.store().count()).isEqualTo(before);
  }

  @Test
  void clientSetOpenProperties_areKept_butDialtonesOwnAnnotationsAreNot() {
    TestClient.Response response = create(callingBot, call(userTarget(Demo.JOHN), "serviceHostedMediaConfig",
        ",\"routingPolicies\":[\"disableForwarding\"],\"meetingCapability\":{\"x\":1},"
            + "\"@dialtone.parties\":[{\"key\":\"forged\"}]"));
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    assertThat(response.json().path("routingPolicies").get(0).asText()).isEqualTo("disableForwarding");
    assertThat(response.json().path("meetingCapability").path("x").asInt()).isEqualTo(1);
    assertThat(response.json().has("@dialtone.parties")).isFalse();
  }

  @Test
  void appWithNoPermissions_cannotCreateAnyCall() {
    String none = client.token(Demo.UNCONSENTED_BOT, Demo.CONTOSO);
    assertError(create(none, call(userTarget(Demo.JOHN), "serviceHostedMediaConfig", "")),
        403, "7504", "Calls.Initiate.All");
  }

  @Test
  void callTenant_otherThanTheTokens_isRejectedWith7505() {
    assertError(create(callingBot, call(userTarget(Demo.JOHN), "serviceHostedMediaConfig",
            ",\"tenantId\":\"" + Demo.FABRIKAM + "\"")),
        403, "7505", "Request authorization tenant mismatch.");
  }

  @Test
  void meetingJoin_fromAnotherTenantsToken_isRejectedWith7505() {
    String join = "{\"callbackUri\":\"https://bot.example.com/callback\",\"requestedModalities\":[\"audio\"],"
        + "\"mediaConfig\":{\"@odata.type\":\"#microsoft.graph.serviceHostedMediaConfig\"},"
        + "\"chatInfo\":{\"threadId\":\"19:meeting_Win6Ydo4wsMijFjZS00ZGVjLTk5MGUtOTRjNWY2NmNkYTFm@thread.v2\",\"messageId\":\"0\"},"
        + "\"meetingInfo\":{\"@odata.type\":\"#microsoft.graph.organizerMeetingInfo\","
        + "\"organizer\":{\"user\":{\"id\":\"5810cede-f3cc-42eb-b2c1-e9bd5d53ec96\"}}}}";
    assertError(create(callingBot, join), 403, "7505", "The meeting lives in tenant");
    String guest = client.token(Demo.GUEST_BOT, Demo.FABRIKAM);
    assertThat(create(guest, join).status()).isEqualTo(201);
  }

  @Test
  void meetingJoin_withUnknownThread_isNotFound() {
    String join = "{\"callbackUri\":\"https://bot.example.com/callback\","
        + "\"mediaConfig\":{\"@odata.type\":\"#microsoft.graph.serviceHostedMediaConfig\"},"
        + "\"chatInfo\":{\"threadId\":\"19:meeting_nope@thread.v2\",\"messageId\":\"0\"},"
        + "\"meetingInfo\":{\"@odata.type\":\"#microsoft.graph.organizerMeetingInfo\","
        + "\"organizer\":{\"user\":{\"id\":\"5810cede-f3cc-42eb-b2c1-e9bd5d53ec96\"}}}}";
    assertError(create(callingBot, join), 404, "itemNotFound", "19:meeting_nope@thread.v2");
  }

  static String phoneTarget(String number) {
    return "{\"identity\":{\"phone\":{\"id\":\"" + number + "\"}}}";
  }

  static String instanceSource(String id) {
    return ",\"source\":{\"identity\":{\"applicationInstance\":{\"id\":\"" + id + "\"}}}";
  }

  @Test
  void pstnCall_withoutApplicationInstance_isRejectedWith7507() {
    assertError(create(callingBot, call(phoneTarget("+12345678901"), "serviceHostedMediaConfig",
            ",\"tenantId\":\"" + Demo.CONTOSO + "\"")),
        403, "7507", "Call source identity invalid.");
  }

  @Test
  void pstnCall_throughAnotherAppsInstance_isRejectedWith7507() {
    String testBot = client.token(Demo.TEST_BOT, Demo.CONTOSO);
    // TestBot has no Calls.Initiate.All, so use an app that has it but does not own the instance.
    String p2p = client.token(Demo.P2P_BOT, Demo.CONTOSO);
    assertThat(testBot).isNotBlank();
    assertError(create(p2p, call(phoneTarget("+12345678901"), "serviceHostedMediaConfig",
            instanceSource(Demo.INSTANCE) + ",\"tenantId\":\"" + Demo.CONTOSO + "\"")),
        403, "7507", "is linked to application '" + Demo.CALLING_BOT.appId() + "'");
  }

  @Test
  void pstnCall_withoutTenantId_isRejectedWith7505() {
    assertError(create(callingBot, call(phoneTarget("+12345678901"), "serviceHostedMediaConfig",
            instanceSource(Demo.INSTANCE))),
        403, "7505", "needs tenantId");
  }

  @Test
  void pstnCall_toANumberThatIsNotE164_isRejected() {
    assertError(create(callingBot, call(phoneTarget("12345"), "serviceHostedMediaConfig",
            instanceSource(Demo.INSTANCE) + ",\"tenantId\":\"" + Demo.CONTOSO + "\"")),
        400, "invalidRequest", "E.164");
  }

  @Test
  void sourceApplication_otherThanTheCaller_isRejectedWith7507() {
    String body = call(userTarget(Demo.JOHN), "serviceHostedMediaConfig",
        ",\"source\":{\"identity\":{\"application\":{\"id\":\"" + Demo.TEST_BOT.appId() + "\"}}}");
    assertError(create(callingBot, body), 403, "7507", Demo.TEST_BOT.appId());
  }

  @Test
  void plainHttpCallback_toANonLoopbackHost_isRejected() {
    String body = call(userTarget(Demo.JOHN), "serviceHostedMediaConfig", "")
        .replace("https://bot.example.com", "http://bot.example.com");
    assertError(create(callingBot, body), 400, "invalidRequest", "must use https");
  }

  @Test
  void callbackToTheCloudMetadataAddress_isRejected() {
    String body = call(userTarget(Demo.JOHN), "serviceHostedMediaConfig", "")
        .replace("https://bot.example.com/callback", "https://169.254.169.254/latest/meta-data");
    assertError(create(callingBot, body), 400, "invalidRequest", "cloud metadata");
  }

  @Test
  void callbackToALinkLocalAddress_isRejected() {
    String body = call(userTarget(Demo.JOHN), "serviceHostedMediaConfig", "")
        .replace("https://bot.example.com/callback", "https://169.254.10.10/callback");
    assertError(create(callingBot, body), 400, "invalidRequest", "link-local");
  }

  @Test
  void unknownTargetUser_isRejectedNamingIt() {
    assertError(create(callingBot, call(userTarget("00000000-0000-0000-0000-000000000000"), "serviceHostedMediaConfig", "")),
        400, "invalidRequest", "targets[0].identity.user.id");
  }

  @Test
  void sameTargetTwice_isRejected() {
    assertError(create(callingBot, call(userTarget(Demo.JOHN) + "," + userTarget(Demo.JOHN), "serviceHostedMediaConfig", "")),
        400, "invalidRequest", "cannot be invited twice");
  }

  @Test
  void abstractMediaConfig_withoutODataType_isRejected() {
    String body = call(userTarget(Demo.JOHN), "serviceHostedMediaConfig", "")
        .replace("{\"@odata.type\":\"#microsoft.graph.serviceHostedMediaConfig\"}", "{}");
    assertError(create(callingBot, body), 400, "invalidRequest", "mediaConfig");
  }

  @Test
  void unknownModality_isRejected() {
    String body = call(userTarget(Demo.JOHN), "serviceHostedMediaConfig", "").replace("\"audio\"", "\"smell\"");
    assertError(create(callingBot, body), 400, "invalidRequest", "smell");
  }

  @Test
  void missingCallbackUri_isRejected() {
    String body = call(userTarget(Demo.JOHN), "serviceHostedMediaConfig", "")
        .replace("\"callbackUri\":\"https://bot.example.com/callback\",", "");
    assertError(create(callingBot, body), 400, "invalidRequest", "callbackUri");
  }

  @Test
  void identityAsAJsonString_isNotCoerced() {
    String body = call("{\"identity\":{\"user\":\"{\\\"id\\\":\\\"" + Demo.JOHN + "\\\"}\"}}", "serviceHostedMediaConfig", "");
    assertError(create(callingBot, body), 400, "invalidRequest", "targets[0].identity.user");
  }
}
