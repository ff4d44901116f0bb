package dev.dialtone.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import static org.awaitility.Awaitility.await;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each of the eight example requests of the Create call page, sent as written (trailing commas
 * included; only callbackUri pointed at a local receiver) over a real socket, gets a 201 whose body
 * has the page's response shape.
 */
class SeedExamplesTest {
  private static final JsonMapper PAGE_JSON =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_TRAILING_COMMA).build();
  private static final String GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  /** The examples for which the page shows a response. */
  private static final Set<Integer> WITH_RESPONSE = Set.of(1, 2, 5, 7, 8);
  /** Values the service generates: present, but not equal to the page's. */
  private static final Set<String> GENERATED = Set.of("id", "callChainId", "myParticipantId");

  @TempDir static Path dataDir;
  static final MutableClock clock = MutableClock.startingNow();
  static DialtoneServer server;
  static CallbackReceiver receiver;
  static TestClient client;

  @BeforeAll
  static void start() {
    server = DialtoneServer.start(ServerConfig.demo(dataDir).withPort(0).withInMemory(true).withClock(clock));
    receiver = new CallbackReceiver();
    client = new TestClient(server.baseUrl());
  }

  @AfterAll
  static void stop() {
    receiver.close();
    server.close();
  }

  /** Which identity sends each example: the one its source names, in the tenant it names. */
  private static final Map<Integer, Object[]> SENDER =
      Map.of(
          1, new Object[] {Demo.CALLING_BOT, Demo.CONTOSO},
          2, new Object[] {Demo.CALLING_BOT, Demo.CONTOSO},
          3, new Object[] {Demo.TEST_BOT, Demo.CONTOSO},
          4, new Object[] {Demo.TEST_BOT, Demo.CONTOSO},
          5, new Object[] {Demo.CALLING_BOT, Demo.FABRIKAM},
          6, new Object[] {Demo.CALLING_BOT, Demo.FABRIKAM},
          7, new Object[] {Demo.CALLING_BOT, Demo.CONTOSO},
          8, new Object[] {Demo.CALLING_BOT, Demo.CONTOSO});

  @ParameterizedTest(name = "example {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
  void seedExample_sentAsWritten_isCreatedWithThePagesShape(int example) throws IOException {
    String request =
        resource("example-" + example + "-request.json")
            .replace("https://bot.contoso.com/callback", receiver.url());
    Object[] sender = SENDER.get(example);
    String token = client.token((Demo.App) sender[0], (String) sender[1]);

    TestClient.Response response = client.postJson("/v1.0/communications/calls", token, request);

    assertThat(response.status()).as(response.body()).isEqualTo(201);
    JsonNode body = response.json();
    assertThat(body.path("state").asText()).isEqualTo("establishing");
    assertThat(body.path("direction").asText()).isEqualTo("outgoing");
    assertThat(body.path("id").asText()).matches(GUID);
    assertThat(response.header("Location"))
        .isEqualTo(server.baseUrl() + "/v1.0/communications/calls/" + body.path("id").asText());
    assertThat(body.path("@odata.context").asText())
        .isEqualTo(server.baseUrl() + "/v1.0/$metadata#app/calls/$entity");
    assertThat(body.path("tenantId").asText()).isEqualTo(sender[1]);
    assertThat(response.header("request-id")).matches(GUID);

    JsonNode sent = PAGE_JSON.readTree(request);
    List<String> differences = new ArrayList<>();
    // Everything the request said comes back (open types included), except what the service owns.
    contains(withoutServerOwned(sent), body, "", differences);
    if (WITH_RESPONSE.contains(example)) {
      InputStream page = getClass().getResourceAsStream("/seed/example-" + example + "-response.json");
      JsonNode expected = PAGE_JSON.readTree(new String(page.readAllBytes(), StandardCharsets.UTF_8)
          .replace("https://bot.contoso.com/callback", receiver.url()));
      contains(pageNormalised(expected, example), body, "", differences);
    }
    assertThat(differences).as(body.toPrettyString()).isEmpty();

    TestClient.Response read = client.get("/v1.0/communications/calls/" + body.path("id").asText(), token);
    assertThat(read.status()).isEqualTo(200);
    ObjectNode readBody = (ObjectNode) read.json();
    assertThat(readBody.remove("@odata.context").asText())
        .isEqualTo(server.baseUrl() + "/v1.0/$metadata#communications/calls/$entity");
    ObjectNode created = ((ObjectNode) body).deepCopy();
    created.remove("@odata.context");
    assertThat(readBody).isEqualTo(created);

    assertNotificationsAsOnThePage(example, body.path("id").asText());
  }

  /**
   * The bot's notifications, in order: {@code establishing}, then (the other side answering after
   * a second, or the meeting letting the bot in) {@code established}; group calls and meetings add
   * roster updates. Where the page shows the notifications (examples 1 and 5), ours have their shape.
   */
  private static void assertNotificationsAsOnThePage(int example, String id) throws IOException {
    await().atMost(java.time.Duration.ofSeconds(20)).until(() -> receiver.about(id).size() >= 1);
    clock.advance(java.time.Duration.ofSeconds(1));
    int expected = switch (example) {
      case 3, 4 -> 4; // establishing, established, a roster for each of the two users answering
      case 5, 6 -> 3; // establishing, established, the meeting's roster
      default -> 2;
    };
    await().atMost(java.time.Duration.ofSeconds(20)).until(() -> receiver.about(id).size() >= expected);
    List<JsonNode> notifications = receiver.about(id);
    assertThat(notifications).hasSize(expected);
    List<String> states = notifications.stream()
        .filter(n -> !n.path("resourceUrl").asText().endsWith("/participants"))
        .map(n -> n.path("resourceData").path("state").asText())
        .toList();
    assertThat(states).containsExactly("establishing", "established");
    long rosters = notifications.stream().filter(n -> n.path("resourceUrl").asText().endsWith("/participants")).count();
    assertThat(rosters).isEqualTo(expected - 2);
    if (example == 1 || example == 5) {
      List<String> differences = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        String name = i == 0 ? "establishing" : "established";
        JsonNode page = PAGE_JSON.readTree(resource("example-" + example + "-notification-" + name + ".json")
            .replace("https://bot.contoso.com/callback", receiver.url())
            .replaceAll("2[ef]1a[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", id))
            .path("value").get(0);
        contains(page, notifications.get(i), "/" + name, differences);
      }
      assertThat(differences).as(notifications.toString()).isEmpty();
    }
    if (example == 5) {
      JsonNode roster = notifications.get(2);
      JsonNode page = PAGE_JSON.readTree(resource("example-5-notification-roster.json")).path("value").get(0);
      assertThat(roster.path("changeType").asText()).isEqualTo(page.path("changeType").asText());
      assertThat(roster.path("resourceUrl").asText()).isEqualTo("/communications/calls/" + id + "/participants");
      for (JsonNode participant : roster.path("resourceData")) {
        assertThat(participant.path("@odata.type").asText()).isEqualTo("#microsoft.graph.participant");
        assertThat(participant.path("info").path("identity").isObject()).isTrue();
        assertThat(participant.path("mediaStreams").get(0).path("mediaType").asText()).isEqualTo("audio");
        assertThat(participant.has("isMuted") && participant.has("isInLobby") && participant.has("id")).isTrue();
      }
      assertThat(roster.path("resourceData").findValuesAsText("displayName")).contains("John", "Calling Bot");
    }
  }

  /**
   * The page's response with the differences the page itself causes removed: it was written for
   * graph.microsoft.com, it shows media the request never sent (examples 1 and 7: "the response
   * object shown here might be shortened"), and it types identity sets holding applicationInstance
   * or phone as plain identitySet, where Dialtone returns the derived communicationsIdentitySet the
   * SDKs need to read those members.
   */
  private static JsonNode pageNormalised(JsonNode page, int example) {
    ObjectNode copy = page.deepCopy();
    copy.remove("@odata.context");
    if (example == 1 || example == 7) {
      ((ObjectNode) copy.path("mediaConfig")).remove("preFetchMedia");
    }
    retypeCommunicationsIdentitySets(copy);
    return copy;
  }

  private static void retypeCommunicationsIdentitySets(JsonNode node) {
    if (node instanceof ObjectNode object) {
      if (object.has("applicationInstance") || object.has("phone")) {
        object.put("@odata.type", "#microsoft.graph.communicationsIdentitySet");
      }
      object.properties().forEach(e -> retypeCommunicationsIdentitySets(e.getValue()));
    } else if (node.isArray()) {
      node.forEach(SeedExamplesTest::retypeCommunicationsIdentitySets);
    }
  }

  /**
   * The request as it is echoed: without what the service owns, and without what the schema has no
   * place for (example 3 sends removeFromDefaultAudioGroup inside serviceHostedMediaConfig, which
   * is not an open type: accepted, but not returned).
   */
  private static JsonNode withoutServerOwned(JsonNode request) {
    ObjectNode copy = dev.dialtone.engine.graph.GraphSchema.bundled()
        .withoutUndeclared((ObjectNode) request, "microsoft.graph.call");
    copy.remove("direction");
    retypeCommunicationsIdentitySets(copy);
    return copy;
  }

  /** Records where {@code actual} lacks or differs from something {@code expected} has. */
  private static void contains(JsonNode expected, JsonNode actual, String path, List<String> differences) {
    if (expected.isObject()) {
      if (!actual.isObject()) {
        differences.add(path + ": expected an object, got " + actual);
        return;
      }
      Iterator<Map.Entry<String, JsonNode>> fields = expected.properties().iterator();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        String name = field.getKey();
        String at = path + "/" + name;
        if (!actual.has(name)) {
          differences.add(at + ": missing");
        } else if (path.isEmpty() && GENERATED.contains(name)) {
          if (!actual.get(name).asText().matches(GUID)) {
            differences.add(at + ": expected a generated GUID, got " + actual.get(name));
          }
        } else {
          contains(field.getValue(), actual.get(name), at, differences);
        }
      }
    } else if (expected.isArray()) {
      if (!actual.isArray() || actual.size() != expected.size()) {
        differences.add(path + ": expected " + expected + ", got " + actual);
        return;
      }
      for (int i = 0; i < expected.size(); i++) {
        contains(expected.get(i), actual.get(i), path + "[" + i + "]", differences);
      }
    } else if (!expected.equals(actual)) {
      differences.add(path + ": expected " + expected + ", got " + actual);
    }
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = SeedExamplesTest.class.getResourceAsStream("/seed/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
