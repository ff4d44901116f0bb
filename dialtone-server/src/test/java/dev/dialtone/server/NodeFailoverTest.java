package dev.dialtone.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dialtone.store.StoreConfig;
import dev.dialtone.store.TestPostgres;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three Dialtone processes on one PostgreSQL, as behind a load balancer: calls are created on every
 * node; one node is killed hard mid-call and another drained; the last node finishes every call,
 * and the bot gets every notification, in order per call, each distinct one once after dropping
 * duplicates by notification id.
 */
class NodeFailoverTest {
  private static final String ADELE = "3f1e9c1a-5b2d-4c8e-9f0a-7d6b5c4a3b21";
  private static final int CALLS = 30;

  @TempDir Path dataDirs;
  private final List<ServerProcess> nodes = new ArrayList<>();
  private TestPostgres postgres;
  private CallbackReceiver bot;

  @AfterEach
  void stop() {
    nodes.forEach(ServerProcess::close);
    if (bot != null) {
      bot.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void nodeKilledMidCall_andNodeDrained_survivorFinishesEveryCallAndNothingIsLostOrReordered() {
    postgres = TestPostgres.start();
    StoreConfig database = postgres.newDatabase();
    for (int n = 1; n <= 3; n++) {
      nodes.add(ServerProcess.start(dataDirs.resolve("node-" + n),
          "--store-url", database.jdbcUrl(), "--store-user", database.user(), "--node-id", "node-" + n));
    }
    bot = new CallbackReceiver();
    // A slow bot, so that deliveries are in flight when a node dies.
    bot.answerAfter(Duration.ofMillis(100));

    // One admin change, made on one node, reaches the others through the database.
    TestClient.Response put = client(0).admin("PUT", "/dialtone/directory/users/" + ADELE,
        "{\"id\":\"" + ADELE + "\",\"tenant-id\":\"" + Demo.CONTOSO + "\",\"display-name\":\"Adele\","
            + "\"behaviour\":{\"after\":\"500ms\",\"hang-up-after\":\"3s\",\"tones\":\"12\"}}");
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    for (int n = 1; n < 3; n++) {
      int node = n;
      await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
          assertThat(client(node).admin("GET", "/dialtone/directory", null).body()).contains("\"hang-up-after\":\"3000ms\""));
    }

    // A token one node issued is good on all of them.
    String token = client(0).token(Demo.CALLING_BOT, Demo.CONTOSO);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < CALLS; i++) {
      TestClient.Response created = client(i % 3).postJson("/v1.0/communications/calls", token,
          CallLifecycleTest.p2pTo(bot.url(), ADELE));
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      ids.add(created.json().path("id").asText());
    }

    // Mid-call: the first calls are answered, tones pressed, nothing hung up yet.
    await().atMost(Duration.ofSeconds(30)).until(() -> bot.about(ids.get(0)).size() >= 2);
    nodes.get(0).kill();
    TestClient.Response drained = client(1).admin("POST", "/dialtone/drain", "{}");
    assertThat(drained.status()).as(drained.body()).isEqualTo(200);
    TestClient.Response health = client(1).get("/health", null);
    assertThat(health.status()).isEqualTo(503);
    assertThat(health.json().path("status").asText()).isEqualTo("DRAINING");
    assertThat(client(2).get("/health", null).status()).isEqualTo(200);

    // The last node finishes every call (a dead node's leases run out first: 30 s).
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      for (String id : ids) {
        assertThat(client(2).admin("GET", "/dialtone/calls/" + id, null).json().path("state").asText())
            .as("call %s", id).isEqualTo("terminated");
        assertThat(delivered(id)).as("notifications of call %s", id).allMatch(state -> state.equals("delivered"));
      }
    });

    for (String id : ids) {
      List<String> stored = notificationIds(id);
      List<String> received = distinctInArrivalOrder(id);
      // Every notification arrived, first copies in sequence order: none lost, none reordered.
      assertThat(received).as("call %s", id).containsExactlyElementsOf(stored);
    }
    // Each transition once (tones aside): a transition applied twice would be a second notification
    // with an id of its own, which dropping duplicates does not remove.
    Map<String, List<String>> transitions = new LinkedHashMap<>();
    for (String id : ids) {
      transitions.put(id, distinctStates(id));
    }
    assertThat(transitions).allSatisfy((id, states) -> assertThat(states).as("call %s", id)
        .containsSubsequence("establishing", "established", "terminated")
        .doesNotHaveDuplicates());
  }

  /** The ids of the call's notifications, in sequence order, as the store holds them. */
  private List<String> notificationIds(String callId) {
    List<String> ids = new ArrayList<>();
    client(2).admin("GET", "/dialtone/calls/" + callId + "/notifications", null).json()
        .forEach(n -> ids.add(n.path("id").asText()));
    return ids;
  }

  private List<String> delivered(String callId) {
    List<String> states = new ArrayList<>();
    client(2).admin("GET", "/dialtone/calls/" + callId + "/notifications", null).json()
        .forEach(n -> states.add(n.path("state").asText()));
    return states;
  }

  /** The notification ids the bot got about a call, duplicates dropped, in arrival order. */
  private List<String> distinctInArrivalOrder(String callId) {
    Set<String> ids = new LinkedHashSet<>();
    for (CallbackReceiver.Received received : bot.received()) {
      if (received.notification().path("resourceUrl").asText().startsWith("/communications/calls/" + callId)) {
        ids.add(received.header("X-Microsoft-Skype-Message-ID"));
      }
    }
    return List.copyOf(ids);
  }

  /** The call states the bot was told of, tones aside, after dropping duplicate notifications. */
  private List<String> distinctStates(String callId) {
    Set<String> seen = new LinkedHashSet<>();
    List<String> states = new ArrayList<>();
    for (CallbackReceiver.Received received : bot.received()) {
      JsonNode notification = received.notification();
      if (notification.path("resourceUrl").asText().equals("/communications/calls/" + callId)
          && seen.add(received.header("X-Microsoft-Skype-Message-ID"))
          && !notification.path("resourceData").has("toneInfo")) {
        String state = notification.path("resourceData").path("state").asText();
        if (!state.isEmpty()) {
          states.add(state);
        }
      }
    }
    return states;
  }

  private TestClient client(int node) {
    return new TestClient(nodes.get(node).baseUrl());
  }

}
