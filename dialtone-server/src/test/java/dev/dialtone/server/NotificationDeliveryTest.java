package dev.dialtone.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notifications are signed the way bots check them, retried until the bot takes them, and
 * delivered in order per call.
 */
class NotificationDeliveryTest {
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

  static String create() {
    return create(bot);
  }

  static String create(CallbackReceiver receiver) {
    TestClient.Response response = client.postJson("/v1.0/communications/calls", token(), CallLifecycleTest.p2pTo(receiver.url(), Demo.JOHN));
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    return response.json().path("id").asText();
  }

  /** Validates a notification token as the official samples do: issuer, audience, signature, tid. */
  static JWTClaimsSet validate(String authorization) throws Exception {
    JsonNode config = client.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/.well-known/OpenIdConfiguration")).GET()).json();
    String jwks = client.send(HttpRequest.newBuilder(URI.create(config.path("jwks_uri").asText())).GET()).body();
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, new ImmutableJWKSet<>(JWKSet.parse(jwks))));
    processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
        Demo.CALLING_BOT.appId(),
        new JWTClaimsSet.Builder().issuer(config.path("issuer").asText()).build(),
        Set.of("tid", "iat", "exp")));
    return processor.process(authorization.substring("Bearer ".length()), null);
  }

  @Test
  void everyNotification_carriesATokenThatValidatesAgainstThePublishedConfiguration() throws Exception {
    String id = create();
    await().atMost(Duration.ofSeconds(20)).until(() -> !bot.about(id).isEmpty());
    CallbackReceiver.Received received = bot.received().stream()
        .filter(r -> r.notification().path("resourceUrl").asText().endsWith(id)).findFirst().orElseThrow();
    JWTClaimsSet claims = validate(received.header("Authorization"));
    assertThat(claims.getStringClaim("tid")).isEqualTo(Demo.CONTOSO);
    assertThat(claims.getIssuer()).isEqualTo("https://api.botframework.com");
    String forged = received.header("Authorization").substring(0, received.header("Authorization").length() - 4) + "AAAA";
    assertThatThrownBy(() -> validate(forged)).isInstanceOf(Exception.class);
  }

  @Test
  void everyNotificationOfACall_carriesTheCallsChainId_whateverItsBodyHolds() {
    try (CallbackReceiver own = new CallbackReceiver()) {
      TestClient.Response created =
          client.postJson("/v1.0/communications/calls", token(), CallLifecycleTest.p2pTo(own.url(), Demo.JOHN));
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      String id = created.json().path("id").asText();
      String chain = created.json().path("callChainId").asText();
      clock.advance(Duration.ofSeconds(1)); // John answers
      await().atMost(Duration.ofSeconds(20)).until(() -> own.about(id).size() >= 2);
      TestClient.Response pressed =
          client.admin("POST", "/dialtone/calls/" + id + "/parties/user:" + Demo.JOHN + "/tones", "{\"tones\":\"1\"}");
      assertThat(pressed.status()).as(pressed.body()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(20)).until(() -> own.about(id).size() >= 3);

      List<CallbackReceiver.Received> received = own.received();
      // The state notifications hold the callChainId, the tone's does not; the header is the same.
      assertThat(received).extracting(r -> r.notification().path("resourceData").has("callChainId"))
          .containsExactly(true, true, false);
      assertThat(received).extracting(r -> r.header("X-Microsoft-Skype-Chain-ID")).containsOnly(chain);
    }
  }

  @Test
  void pausedDelivery_queuesTheNotificationsUntilResumed_thenDeliversThemInOrder() {
    try (CallbackReceiver held = new CallbackReceiver()) {
      assertThat(delivery("PUT", "{\"paused\": true}").path("paused").asBoolean()).isTrue();
      String id = create(held);
      clock.advance(Duration.ofSeconds(1)); // John answers

      await().atMost(Duration.ofSeconds(20)).until(() -> delivery("GET", null).path("pending").asLong() >= 2);
      assertThat(held.about(id)).isEmpty();

      assertThat(delivery("PUT", "{\"paused\": false}").path("paused").asBoolean()).isFalse();
      await().atMost(Duration.ofSeconds(20)).until(() -> held.about(id).size() >= 2);
      assertThat(held.about(id))
          .extracting(n -> n.path("resourceData").path("state").asText())
          .containsExactly("establishing", "established");
      await().atMost(Duration.ofSeconds(20)).until(() -> delivery("GET", null).path("pending").asLong() == 0);
    }
  }

  private static JsonNode delivery(String method, String body) {
    return client.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/dialtone/delivery"))
        .header("Authorization", "Bearer " + ServerConfig.DEMO_ADMIN_KEY)
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)))
        .json();
  }

  @Test
  void redeliversNotificationWhenReceiverAnswers503_threeTimes() {
    try (CallbackReceiver flaky = new CallbackReceiver()) {
      flaky.failNext(3);
      String id = create(flaky);
      // Move time on while waiting, so the retries (1 s, 2 s, 4 s apart) come due.
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
        clock.advance(Duration.ofMillis(500));
        return flaky.about(id).size() >= 2;
      });
      assertDeliveredAfterThree503s(flaky.about(id), id);
    }
  }

  private static void assertDeliveredAfterThree503s(List<JsonNode> notifications, String id) {
    assertThat(notifications.get(0).path("resourceData").path("state").asText()).isEqualTo("establishing");
    assertThat(notifications.get(1).path("resourceData").path("state").asText()).isEqualTo("established");
    JsonNode log = client.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/dialtone/calls/" + id + "/notifications"))
        .header("Authorization", "Bearer " + ServerConfig.DEMO_ADMIN_KEY).GET()).json();
    JsonNode attempts = log.get(0).path("attempts");
    assertThat(attempts.size()).isEqualTo(4);
    assertThat(attempts.get(0).path("status").asInt()).isEqualTo(503);
    assertThat(attempts.get(3).path("status").asInt()).isEqualTo(202);
  }
}
