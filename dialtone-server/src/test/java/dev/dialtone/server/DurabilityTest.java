package dev.dialtone.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 201 is durable: calls created under load survive a {@code kill -9} of the server process on
 * the embedded store, and every call the server said it created is there after a restart.
 */
class DurabilityTest {
  @TempDir Path dataDir;

  @Test
  void everyAcknowledgedCall_survivesKill9AndRestart() throws Exception {
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    ServerProcess first = ServerProcess.start(dataDir);
    TestClient client = new TestClient(first.baseUrl());
    String token = client.token(Demo.CALLING_BOT, Demo.CONTOSO);
    AtomicBoolean running = new AtomicBoolean(true);
    int writers = 16;
    CountDownLatch enoughCreated = new CountDownLatch(500);
    CountDownLatch done = new CountDownLatch(writers);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < writers; i++) {
        pool.submit(() -> {
          try {
            while (running.get()) {
              TestClient.Response response;
              try {
                response = client.postJson("/v1.0/communications/calls", token, GraphEdgeTest.P2P);
              } catch (RuntimeException connectionLost) {
                return;
              }
              if (response.status() == 201) {
                acknowledged.add(response.json().path("id").asText());
                enoughCreated.countDown();
              }
            }
          } finally {
            done.countDown();
          }
        });
      }
      assertThat(enoughCreated.await(2, java.util.concurrent.TimeUnit.MINUTES))
          .as("500 calls created before the kill").isTrue();
      first.kill(); // while requests are in flight
      running.set(false);
      done.await();
    }
    assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(500);

    try (ServerProcess second = ServerProcess.start(dataDir)) {
      TestClient after = new TestClient(second.baseUrl());
      String newToken = after.token(Demo.CALLING_BOT, Demo.CONTOSO);
      List<String> missing = acknowledged.stream()
          .filter(id -> after.get("/v1.0/communications/calls/" + id, newToken).status() != 200)
          .toList();
      assertThat(missing).as("acknowledged calls lost by kill -9").isEmpty();
    }
  }

  @Test
  void pendingNotifications_andRingingCalls_surviveKill9_andArriveInOrder() throws Exception {
    int calls = 20;
    List<String> ids = new java.util.ArrayList<>();
    try (CallbackReceiver bot = new CallbackReceiver()) {
      bot.failNext(Integer.MAX_VALUE); // the bot is down: everything stays pending
      ServerProcess first = ServerProcess.start(dataDir);
      TestClient client = new TestClient(first.baseUrl());
      String token = client.token(Demo.CALLING_BOT, Demo.CONTOSO);
      // John answers after 5 s: his answers are pending timers when the server dies.
      String john = "{\"id\":\"" + Demo.JOHN + "\",\"tenant-id\":\"" + Demo.CONTOSO
          + "\",\"display-name\":\"John\",\"behaviour\":{\"after\":\"5s\"}}";
      assertThat(client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(first.baseUrl() + "/dialtone/directory/users/" + Demo.JOHN))
          .header("Authorization", "Bearer " + ServerConfig.DEMO_ADMIN_KEY).header("Content-Type", "application/json")
          .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(john))).status()).isEqualTo(200);
      for (int i = 0; i < calls; i++) {
        TestClient.Response response =
            client.postJson("/v1.0/communications/calls", token, CallLifecycleTest.p2pTo(bot.url(), Demo.JOHN));
        assertThat(response.status()).isEqualTo(201);
        ids.add(response.json().path("id").asText());
      }
      first.kill();
      bot.failNext(0); // the bot is back

      try (ServerProcess second = ServerProcess.start(dataDir)) {
        assertThat(second.baseUrl()).isNotBlank();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
            .until(() -> ids.stream().allMatch(id -> bot.about(id).size() >= 2));
        for (String id : ids) {
          List<String> states = bot.about(id).stream()
              .map(n -> n.path("resourceData").path("state").asText()).toList();
          assertThat(states).as("notifications of call " + id).containsExactly("establishing", "established");
        }
      }
    }
  }
}
