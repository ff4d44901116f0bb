package dev.dialtone.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readiness, liveness, and draining a node before a rolling restart. */
class DrainTest {
  @TempDir Path dataDir;
  private final MutableClock clock = MutableClock.startingNow();
  private DialtoneServer server;
  private CallbackReceiver bot;
  private TestClient client;

  @BeforeEach
  void start() {
    server = DialtoneServer.start(ServerConfig.demo(dataDir).withPort(0).withInMemory(true).withClock(clock));
    bot = new CallbackReceiver();
    client = new TestClient(server.baseUrl());
  }

  @AfterEach
  void stop() {
    bot.close();
    server.close();
  }

  private TestClient.Response drain(String key) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/dialtone/drain"))
        .POST(HttpRequest.BodyPublishers.noBody());
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return client.send(request);
  }

  @Test
  void health_reportsTheNodeUpAndLive() {
    TestClient.Response ready = client.get("/health", null);
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().path("status").asText()).isEqualTo("UP");
    assertThat(ready.json().path("node").asText()).isEqualTo(server.config().nodeId());
    assertThat(ready.json().path("checks").path("store").asText()).isEqualTo("UP");
    assertThat(client.get("/health/live", null).status()).isEqualTo(200);
  }

  @Test
  void drain_needsTheAdminKey() {
    assertThat(drain(null).status()).isEqualTo(401);
    assertThat(client.get("/health", null).status()).isEqualTo(200);
  }

  @Test
  void drainedNode_isNotReady_stopsClaimingWork_andStillServesRequests() {
    String token = client.token(Demo.CALLING_BOT, Demo.CONTOSO);
    TestClient.Response created = client.postJson("/v1.0/communications/calls", token,
        CallLifecycleTest.p2pTo(bot.url(), Demo.JOHN));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().path("id").asText();
    await().atMost(Duration.ofSeconds(20)).until(() -> bot.about(id).size() == 1);

    TestClient.Response drained = drain(ServerConfig.DEMO_ADMIN_KEY);
    assertThat(drained.status()).as(drained.body()).isEqualTo(200);
    assertThat(drained.json().path("status").asText()).isEqualTo("DRAINED");
    assertThat(drain(ServerConfig.DEMO_ADMIN_KEY).status()).as("idempotent").isEqualTo(200);

    TestClient.Response ready = client.get("/health", null);
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.json().path("status").asText()).isEqualTo("DRAINING");
    assertThat(client.get("/health/live", null).status()).isEqualTo(200);

    // John answers a second after ringing: the timer is due, and no one here fires it.
    clock.advance(Duration.ofSeconds(2));
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> bot.about(id).size() == 1);
    TestClient.Response call = client.get("/v1.0/communications/calls/" + id, token);
    assertThat(call.status()).isEqualTo(200);
    assertThat(call.json().path("state").asText()).isEqualTo("establishing");
  }
}
