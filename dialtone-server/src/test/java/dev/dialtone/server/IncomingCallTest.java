package dev.dialtone.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A simulated user calls the bot; the bot answers, rejects, redirects, or lets it ring out. */
class IncomingCallTest {
  @TempDir static Path dataDir;
  static final MutableClock clock = MutableClock.startingNow();
  static DialtoneServer server;
  static CallbackReceiver bot;
  static TestClient client;

  @BeforeAll
  static void start() {
    server = DialtoneServer.start(ServerConfig.demo(dataDir).withPort(0).withInMemory(true).withClock(clock));
    bot = new CallbackReceiver();
    client = new TestClient(server.baseUrl());
    String app = "{\"app-id\":\"" + Demo.CALLING_BOT.appId() + "\",\"tenant-id\":\"" + Demo.CONTOSO
        + "\",\"display-name\":\"Calling Bot\",\"secrets\":[\"" + Demo.CALLING_BOT.secret() + "\"],"
        + "\"permissions\":[\"Calls.Initiate.All\",\"Calls.AccessMedia.All\",\"Calls.JoinGroupCall.All\"],"
        + "\"calling-webhook\":\"" + bot.url() + "\"}";
    assertThat(client.admin("PUT", "/dialtone/directory/applications/" + Demo.CALLING_BOT.appId(), app).status()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    bot.close();
    server.close();
  }

  static String johnCallsTheBot() {
    TestClient.Response response = client.admin("POST", "/dialtone/incoming-calls",
        "{\"from\":\"user:" + Demo.JOHN + "\",\"to\":\"application:" + Demo.CALLING_BOT.appId() + "\"}");
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    return response.json().path("id").asText();
  }

  static List<JsonNode> awaitNotifications(String id, int count) {
    await().atMost(Duration.ofSeconds(20)).until(() -> bot.about(id).size() >= count);
    return bot.about(id);
  }

  static String answer() {
    return "{\"callbackUri\":\"" + bot.url() + "\",\"acceptedModalities\":[\"audio\"],"
        + "\"mediaConfig\":{\"@odata.type\":\"#microsoft.graph.serviceHostedMediaConfig\"}}";
  }

  static String token() {
    return client.token(Demo.CALLING_BOT, Demo.CONTOSO);
  }

  @Test
  void incomingCall_reachesTheWebhook_andAnsweringEstablishesIt() {
    String id = johnCallsTheBot();
    JsonNode created = awaitNotifications(id, 1).get(0);
    assertThat(created.path("changeType").asText()).isEqualTo("created");
    JsonNode call = created.path("resourceData");
    assertThat(call.path("state").asText()).isEqualTo("incoming");
    assertThat(call.path("direction").asText()).isEqualTo("incoming");
    assertThat(call.path("source").path("identity").path("user").path("id").asText()).isEqualTo(Demo.JOHN);
    assertThat(call.path("targets").get(0).path("identity").path("application").path("id").asText())
        .isEqualTo(Demo.CALLING_BOT.appId());
    assertThat(call.has("@dialtone.parties")).isFalse();

    TestClient.Response answered = client.postJson("/v1.0/communications/calls/" + id + "/microsoft.graph.answer", token(), answer());
    assertThat(answered.status()).as(answered.body()).isEqualTo(202);
    assertThat(answered.body()).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    List<JsonNode> all = awaitNotifications(id, 3);
    assertThat(all.subList(1, 3)).extracting(n -> n.path("resourceData").path("state").asText())
        .containsExactly("establishing", "established");

    TestClient.Response again = client.postJson("/v1.0/communications/calls/" + id + "/answer", token(), answer());
    assertThat(again.status()).isEqualTo(409);
  }

  @Test
  void rejectingAnIncomingCall_endsIt() {
    String id = johnCallsTheBot();
    awaitNotifications(id, 1);
    TestClient.Response rejected = client.postJson("/v1.0/communications/calls/" + id + "/reject", token(), "{\"reason\":\"busy\"}");
    assertThat(rejected.status()).as(rejected.body()).isEqualTo(202);
    JsonNode ended = awaitNotifications(id, 2).get(1);
    assertThat(ended.path("changeType").asText()).isEqualTo("deleted");
    assertThat(ended.path("resourceData").path("resultInfo").path("code").asInt()).isEqualTo(486);
  }

  @Test
  void redirectingAnIncomingCall_endsItForTheBot() {
    String id = johnCallsTheBot();
    awaitNotifications(id, 1);
    String redirect = "{\"targets\":[{\"identity\":{\"user\":{\"id\":\"98da8a1a-1b87-452c-a713-65d3f10b5555\"}}}],\"timeout\":30}";
    TestClient.Response redirected = client.postJson("/v1.0/communications/calls/" + id + "/redirect", token(), redirect);
    assertThat(redirected.status()).as(redirected.body()).isEqualTo(202);
    List<JsonNode> all = awaitNotifications(id, 3);
    assertThat(all.subList(1, 3)).extracting(n -> n.path("changeType").asText() + ":" + n.path("resourceData").path("state").asText())
        .containsExactly("updated:redirecting", "deleted:terminated");
  }

  @Test
  void unansweredFor15Seconds_theCallEndsWith408_1106() {
    String id = johnCallsTheBot();
    awaitNotifications(id, 1);
    clock.advance(Duration.ofSeconds(16));
    JsonNode ended = awaitNotifications(id, 2).get(1);
    assertThat(ended.path("resourceData").path("resultInfo").path("code").asInt()).isEqualTo(408);
    assertThat(ended.path("resourceData").path("resultInfo").path("subcode").asInt()).isEqualTo(1106);
  }

  @Test
  void answerWithoutItsRequiredParameters_isRejectedByTheSchema() {
    String id = johnCallsTheBot();
    awaitNotifications(id, 1);
    TestClient.Response response = client.postJson("/v1.0/communications/calls/" + id + "/answer", token(), "{\"acceptedModalities\":[\"audio\"]}");
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().path("error").path("message").asText()).contains("callbackUri");
  }

  @Test
  void theCli_placesAnIncomingCallAndDrivesItsParty() {
    int placed = new picocli.CommandLine(new Main()).execute(
        "incoming-call", "--url", server.baseUrl(), "user:" + Demo.JOHN, "application:" + Demo.CALLING_BOT.appId());
    assertThat(placed).isZero();
    await().atMost(Duration.ofSeconds(20)).until(() -> bot.received().stream().anyMatch(r ->
        r.notification().path("changeType").asText().equals("created")
            && r.notification().path("resourceData").path("source").path("identity").path("user").path("id").asText().equals(Demo.JOHN)
            && bot.about(r.notification().path("resourceData").path("id").asText()).size() == 1));
    String id = bot.received().stream()
        .map(r -> r.notification())
        .filter(n -> n.path("changeType").asText().equals("created") && bot.about(n.path("resourceData").path("id").asText()).size() == 1)
        .reduce((first, second) -> second).orElseThrow()
        .path("resourceData").path("id").asText();
    int hungUp = new picocli.CommandLine(new Main()).execute(
        "simulate", "--url", server.baseUrl(), id, "user:" + Demo.JOHN, "hang-up");
    assertThat(hungUp).isZero();
    JsonNode ended = awaitNotifications(id, 2).get(1);
    assertThat(ended.path("changeType").asText()).isEqualTo("deleted");
    assertThat(new picocli.CommandLine(new Main()).execute("simulate", "--url", server.baseUrl(), id, "user:" + Demo.JOHN, "answer"))
        .isEqualTo(1);
  }
}
