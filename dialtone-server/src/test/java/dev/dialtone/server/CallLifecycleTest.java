package dev.dialtone.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dialtone.engine.call.Delivery;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls live after they are created: the simulated other side answers, declines, is busy or never
 * picks up; timers expire as the (fake) clock moves; the bot gets each state change at its
 * callbackUri, in order, over a real socket.
 */
class CallLifecycleTest {
  @TempDir static Path dataDir;
  static final MutableClock clock = MutableClock.startingNow();
  static DialtoneServer server;
  static CallbackReceiver bot;
  static TestClient client;

  /** A fresh token: tests move the clock past a token's lifetime. */
  static String token() {
    return client.token(Demo.CALLING_BOT, Demo.CONTOSO);
  }

  @BeforeAll
  static void start() {
    server = DialtoneServer.start(ServerConfig.demo(dataDir).withPort(0).withInMemory(true).withClock(clock));
    bot = new CallbackReceiver();
    client = new TestClient(server.baseUrl());
  }

  @AfterAll
  static void stop() {
    bot.close();
    server.close();
  }

  static String p2p(String userId) {
    return p2pTo(bot.url(), userId);
  }

  static String p2pTo(String callbackUri, String userId) {
    return "{\"callbackUri\":\"" + callbackUri + "\",\"targets\":[{\"identity\":{\"user\":{\"id\":\"" + userId
        + "\"}}}],\"requestedModalities\":[\"audio\"],"
        + "\"mediaConfig\":{\"@odata.type\":\"#microsoft.graph.serviceHostedMediaConfig\"}}";
  }

  static String create(String body) {
    TestClient.Response response = client.postJson("/v1.0/communications/calls", token(), body);
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    return response.json().path("id").asText();
  }

  /**
   * Waits until the bot has received {@code count} notifications about the call and Dialtone has
   * recorded them delivered. Only then may a test move the clock past a notification's lease: a
   * delivery whose attempt is still being recorded would be claimed again and sent twice (delivery
   * is at least once), which a real clock, 30 s later, never sees.
   */
  static List<JsonNode> awaitNotifications(String callId, int count) {
    await().atMost(Duration.ofSeconds(20)).until(() -> bot.about(callId).size() >= count);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                server.store().deliveries(callId).stream()
                        .filter(record -> record.state() == Delivery.State.DELIVERED)
                        .count()
                    >= count);
    return bot.about(callId);
  }

  static List<String> states(List<JsonNode> notifications) {
    return notifications.stream()
        .filter(n -> !n.path("resourceUrl").asText().endsWith("/participants"))
        .map(n -> n.path("changeType").asText() + ":" + n.path("resourceData").path("state").asText())
        .toList();
  }

  static void setBehaviour(String userId, String displayName, String behaviour) {
    String user = "{\"id\":\"" + userId + "\",\"tenant-id\":\"" + Demo.CONTOSO + "\",\"display-name\":\""
        + displayName + "\",\"behaviour\":" + behaviour + "}";
    TestClient.Response response = client.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/dialtone/directory/users/" + userId))
        .header("Authorization", "Bearer " + ServerConfig.DEMO_ADMIN_KEY).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(user)));
    assertThat(response.status()).as(response.body()).isEqualTo(200);
  }

  @Test
  void peerToPeer_isEstablishingThenEstablishedWhenTheUserAnswers() {
    String id = create(p2p(Demo.JOHN));
    List<JsonNode> first = awaitNotifications(id, 1);
    assertThat(states(first)).containsExactly("updated:establishing");
    assertThat(first.get(0).path("resourceUrl").asText()).isEqualTo("/communications/calls/" + id);
    assertThat(first.get(0).path("resource").asText()).isEqualTo("/app/calls/" + id);

    clock.advance(Duration.ofSeconds(1));
    List<JsonNode> all = awaitNotifications(id, 2);
    assertThat(states(all)).containsExactly("updated:establishing", "updated:established");
    assertThat(all.get(1).path("resourceData").path("direction").asText()).isEqualTo("outgoing");
    assertThat(client.get("/v1.0/communications/calls/" + id, token()).json().path("state").asText())
        .isEqualTo("established");
  }

  @Test
  void hangingUp_sendsTerminatingThenTerminatedWithItsResult() {
    String id = create(p2p(Demo.JOHN));
    clock.advance(Duration.ofSeconds(1));
    awaitNotifications(id, 2);
    assertThat(client.delete("/v1.0/communications/calls/" + id, token()).status()).isEqualTo(204);
    List<JsonNode> all = awaitNotifications(id, 4);
    assertThat(states(all)).containsExactly(
        "updated:establishing", "updated:established", "updated:terminating", "deleted:terminated");
    JsonNode result = all.get(3).path("resourceData").path("resultInfo");
    assertThat(result.path("code").asInt()).isEqualTo(200);
    assertThat(result.path("subcode").asInt()).isEqualTo(5001);
  }

  @Test
  void decliningUser_endsTheCallWithoutEstablishing() {
    String userId = "3f1e9c1a-5b2d-4c8e-9f0a-7d6b5c4a3b21";
    setBehaviour(userId, "Adele", "{\"response\":\"decline\",\"after\":\"2s\"}");
    String id = create(p2p(userId));
    awaitNotifications(id, 1);
    clock.advance(Duration.ofSeconds(2));
    List<JsonNode> all = awaitNotifications(id, 2);
    assertThat(states(all)).containsExactly("updated:establishing", "deleted:terminated");
    assertThat(all.get(1).path("resourceData").path("resultInfo").path("code").asInt()).isEqualTo(603);
  }

  @Test
  void userWhoNeverAnswers_endsAtTheRingingTimeoutWith408() {
    String userId = "3f1e9c1a-5b2d-4c8e-9f0a-7d6b5c4a3b22";
    setBehaviour(userId, "Megan", "{\"response\":\"no-answer\"}");
    String id = create(p2p(userId));
    awaitNotifications(id, 1);
    clock.advance(Duration.ofSeconds(61));
    List<JsonNode> all = awaitNotifications(id, 2);
    assertThat(states(all)).containsExactly("updated:establishing", "deleted:terminated");
    JsonNode result = all.get(1).path("resourceData").path("resultInfo");
    assertThat(result.path("code").asInt()).isEqualTo(408);
    assertThat(result.path("subcode").asInt()).isEqualTo(8544);
  }

  @Test
  void simulatorApi_makesAPartyAnswerNow() {
    String userId = "3f1e9c1a-5b2d-4c8e-9f0a-7d6b5c4a3b24";
    setBehaviour(userId, "Nestor", "{\"response\":\"no-answer\"}");
    String id = create(p2p(userId));
    awaitNotifications(id, 1);
    TestClient.Response answered = client.send(HttpRequest.newBuilder(
            URI.create(server.baseUrl() + "/dialtone/calls/" + id + "/parties/user:" + userId + "/answer"))
        .header("Authorization", "Bearer " + ServerConfig.DEMO_ADMIN_KEY).POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(answered.status()).as(answered.body()).isEqualTo(200);
    assertThat(states(awaitNotifications(id, 2))).containsExactly("updated:establishing", "updated:established");
    TestClient.Response again = client.send(HttpRequest.newBuilder(
            URI.create(server.baseUrl() + "/dialtone/calls/" + id + "/parties/user:" + userId + "/answer"))
        .header("Authorization", "Bearer " + ServerConfig.DEMO_ADMIN_KEY).POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(again.status()).isEqualTo(409);
  }

  @Test
  void userWhoHangsUp_endsThePeerToPeerCall() {
    String userId = "3f1e9c1a-5b2d-4c8e-9f0a-7d6b5c4a3b23";
    setBehaviour(userId, "Lee", "{\"response\":\"answer\",\"after\":\"1s\",\"hang-up-after\":\"30s\"}");
    String id = create(p2p(userId));
    clock.advance(Duration.ofSeconds(1));
    awaitNotifications(id, 2);
    clock.advance(Duration.ofSeconds(30));
    List<JsonNode> all = awaitNotifications(id, 3);
    assertThat(states(all)).containsExactly("updated:establishing", "updated:established", "deleted:terminated");
    assertThat(all.get(2).path("resourceData").path("resultInfo").path("subcode").asInt()).isEqualTo(4521);
  }

  @Test
  void keepAlive_answers200_andWithoutOneTheCallEndsAfter45MinutesWith8537() {
    String id = create(p2p(Demo.JOHN));
    clock.advance(Duration.ofSeconds(1));
    awaitNotifications(id, 2);
    clock.advance(Duration.ofMinutes(30));
    TestClient.Response keepAlive = client.postJson("/v1.0/communications/calls/" + id + "/keepAlive", token(), "");
    assertThat(keepAlive.status()).isEqualTo(200);
    clock.advance(Duration.ofMinutes(30)); // 60 min since start, 30 since the keepAlive: still alive
    // The timer loop runs every 10 ms: half a second of staying alive means the old expiry is gone.
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
        .until(() -> client.get("/v1.0/communications/calls/" + id, token()).status() == 200);
    clock.advance(Duration.ofMinutes(16));
    List<JsonNode> all = awaitNotifications(id, 3);
    JsonNode result = all.get(2).path("resourceData").path("resultInfo");
    assertThat(result.path("code").asInt()).isEqualTo(408);
    assertThat(result.path("subcode").asInt()).isEqualTo(8537);
    assertThat(client.postJson("/v1.0/communications/calls/" + id + "/microsoft.graph.keepAlive", token(), "").status())
        .isEqualTo(404);
  }

  @Test
  void groupCall_ringsEachTarget_andTheRosterFollowsWhoAnswered() {
    String body = "{\"callbackUri\":\"" + bot.url() + "\",\"targets\":["
        + "{\"identity\":{\"user\":{\"id\":\"98da8a1a-1b87-452c-a713-65d3f10b5555\"}}},"
        + "{\"identity\":{\"user\":{\"id\":\"bf5aae9a-d11d-47a8-93b1-782504c95555\"}}}],"
        + "\"requestedModalities\":[\"audio\"],\"mediaConfig\":{\"@odata.type\":\"#microsoft.graph.serviceHostedMediaConfig\"}}";
    String id = create(body);
    awaitNotifications(id, 1);
    clock.advance(Duration.ofSeconds(1));
    List<JsonNode> all = awaitNotifications(id, 4);
    assertThat(states(all)).containsExactly("updated:establishing", "updated:established");
    JsonNode lastRoster = all.get(all.size() - 1);
    assertThat(lastRoster.path("resourceUrl").asText()).isEqualTo("/communications/calls/" + id + "/participants");
    assertThat(lastRoster.path("resourceData").size()).isEqualTo(3); // user1, user2, the bot
    assertThat(lastRoster.path("resourceData").findValuesAsText("id")).contains(
        "98da8a1a-1b87-452c-a713-65d3f10b5555", "bf5aae9a-d11d-47a8-93b1-782504c95555", Demo.CALLING_BOT.appId());
  }

  @Test
  void meetingJoin_isEstablishedWithTheRosterOfWhoIsInTheMeeting() {
    String fabrikam = client.token(Demo.CALLING_BOT, Demo.FABRIKAM);
    String body = "{\"callbackUri\":\"" + bot.url() + "\",\"requestedModalities\":[\"audio\"],"
        + "\"mediaConfig\":{\"@odata.type\":\"#microsoft.graph.serviceHostedMediaConfig\"},"
        + "\"chatInfo\":{\"threadId\":\"19:meeting_Win6Ydo4wsMijFjZS00ZGVjLTk5MGUtOTRjNWY2NmNkYTFm@thread.v2\",\"messageId\":\"0\"},"
        + "\"meetingInfo\":{\"@odata.type\":\"#microsoft.graph.organizerMeetingInfo\","
        + "\"organizer\":{\"user\":{\"id\":\"5810cede-f3cc-42eb-b2c1-e9bd5d53ec96\"}}}}";
    TestClient.Response response = client.postJson("/v1.0/communications/calls", fabrikam, body);
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    String id = response.json().path("id").asText();
    awaitNotifications(id, 1);
    clock.advance(Duration.ofSeconds(1));
    List<JsonNode> all = awaitNotifications(id, 3);
    assertThat(states(all)).containsExactly("updated:establishing", "updated:established");
    assertThat(all.get(0).path("resourceData").path("chatInfo").path("threadId").asText()).startsWith("19:meeting_");
    assertThat(all.get(1).path("resourceData").path("meetingInfo").path("@odata.type").asText())
        .isEqualTo("#microsoft.graph.organizerMeetingInfo");
    JsonNode roster = all.get(2);
    assertThat(roster.path("resourceUrl").asText()).isEqualTo("/communications/calls/" + id + "/participants");
    assertThat(roster.path("resourceData").findValuesAsText("displayName")).contains("Bob", "John", "Calling Bot");
  }

  @Test
  void notifications_areReadableWithTheirAttemptsThroughTheAdminApi() {
    String id = create(p2p(Demo.JOHN));
    awaitNotifications(id, 1);
    HttpRequest.Builder log = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/dialtone/calls/" + id + "/notifications"))
        .header("Authorization", "Bearer " + ServerConfig.DEMO_ADMIN_KEY).GET();
    await().atMost(Duration.ofSeconds(10))
        .until(() -> client.send(log).json().get(0).path("state").asText().equals("delivered"));
    JsonNode first = client.send(log).json().get(0);
    assertThat(first.path("attempts").get(0).path("status").asInt()).isEqualTo(202);
    String messageId = bot.received().stream()
        .filter(r -> r.notification().path("resourceUrl").asText().equals("/communications/calls/" + id))
        .findFirst().orElseThrow().header("X-Microsoft-Skype-Message-ID");
    assertThat(first.path("id").asText()).isEqualTo(messageId);
  }

  @Test
  void aPartyPressingKeys_sendsToneInfoUpdatesInOrder() {
    String userId = "98da8a1a-1b87-452c-a713-65d3f10b5555";
    setBehaviour(userId, "user1", "{\"response\":\"answer\",\"after\":\"1s\",\"tones\":\"1#\"}");
    String id = create(p2p(userId));
    clock.advance(Duration.ofSeconds(1));
    awaitNotifications(id, 2);
    clock.advance(Duration.ofSeconds(1));
    List<JsonNode> all = awaitNotifications(id, 4);
    assertThat(all.subList(2, 4)).extracting(n -> n.path("resourceData").path("toneInfo").path("tone").asText())
        .containsExactly("tone1", "pound");
    assertThat(all.get(3).path("resourceData").path("toneInfo").path("sequenceId").asLong())
        .isGreaterThan(all.get(2).path("resourceData").path("toneInfo").path("sequenceId").asLong());
    TestClient.Response pressed = client.admin("POST", "/dialtone/calls/" + id + "/parties/user:" + userId + "/tones", "{\"tones\":\"*\"}");
    assertThat(pressed.status()).as(pressed.body()).isEqualTo(200);
    assertThat(awaitNotifications(id, 5).get(4).path("resourceData").path("toneInfo").path("tone").asText()).isEqualTo("star");
  }

  @Test
  void someoneJoiningOrLeavingTheMeeting_updatesTheRoster() {
    String fabrikam = client.token(Demo.CALLING_BOT, Demo.FABRIKAM);
    String body = "{\"callbackUri\":\"" + bot.url() + "\",\"requestedModalities\":[\"audio\"],"
        + "\"mediaConfig\":{\"@odata.type\":\"#microsoft.graph.serviceHostedMediaConfig\"},"
        + "\"meetingInfo\":{\"@odata.type\":\"#microsoft.graph.joinMeetingIdMeetingInfo\",\"joinMeetingId\":\"1234567890\",\"passcode\":null}}";
    TestClient.Response response = client.postJson("/v1.0/communications/calls", fabrikam, body);
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    String id = response.json().path("id").asText();
    clock.advance(Duration.ofSeconds(1));
    awaitNotifications(id, 3);
    assertThat(client.admin("POST", "/dialtone/calls/" + id + "/parties/user:98da8a1a-1b87-452c-a713-65d3f10b5555/join", null).status())
        .isEqualTo(200);
    JsonNode joined = awaitNotifications(id, 4).get(3);
    assertThat(joined.path("resourceData").findValuesAsText("displayName")).contains("user1", "Bob", "John");
    assertThat(client.admin("POST", "/dialtone/calls/" + id + "/parties/user:" + Demo.JOHN + "/hang-up", null).status())
        .isEqualTo(200);
    JsonNode left = awaitNotifications(id, 5).get(4);
    assertThat(left.path("resourceData").findValuesAsText("displayName")).contains("user1", "Bob").doesNotContain("John");
  }

  @Test
  void faultInjection_failNext_isRetriedUntilTheBotGetsIt() {
    String id = create(p2p(Demo.JOHN));
    awaitNotifications(id, 1);
    assertThat(client.admin("PUT", "/dialtone/faults/calls/" + id, "{\"fail-next\":2}").status()).isEqualTo(200);
    clock.advance(Duration.ofSeconds(1));
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
      clock.advance(Duration.ofMillis(500));
      return bot.about(id).size() >= 2;
    });
    JsonNode log = client.admin("GET", "/dialtone/calls/" + id + "/notifications", null).json();
    assertThat(log.get(1).path("attempts").size()).isEqualTo(3);
    assertThat(client.admin("DELETE", "/dialtone/faults", null).status()).isEqualTo(204);
  }
}
