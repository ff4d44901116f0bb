package dev.dialtone.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.CallState;
import com.microsoft.graph.models.IdentitySet;
import com.microsoft.graph.models.Identity;
import com.microsoft.graph.models.InvitationParticipantInfo;
import com.microsoft.graph.models.Modality;
import com.microsoft.graph.models.ServiceHostedMediaConfig;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notifications a bot gets at its callbackUri, handled as the official samples handle them:
 * each {@code Authorization} token validated against Dialtone's published OpenID configuration and
 * JWKS with Nimbus JOSE+JWT (a forged one is refused), and {@code resourceData} read into the
 * Graph SDK's {@link Call} model.
 */
class NotificationsTest {
  @TempDir static Path dataDir;
  static Dialtone dialtone;
  static CallbackTokenValidator validator;
  static BotWebhook bot;
  static GraphServiceClient graph;

  @BeforeAll
  static void start() {
    dialtone = Dialtone.start(dataDir);
    validator =
        CallbackTokenValidator.fromOpenIdConfiguration(
            URI.create(dialtone.https() + "/v1/.well-known/OpenIdConfiguration"),
            dialtone.tls(),
            Demo.CALLING_BOT.appId());
    bot = new BotWebhook(validator::admits);
    graph = dialtone.graph(Demo.CALLING_BOT, Demo.CONTOSO);
  }

  @AfterAll
  static void stop() {
    if (bot != null) {
      bot.close();
    }
    if (dialtone != null) {
      dialtone.close();
    }
  }

  static Call callJohn() {
    Identity john = new Identity();
    john.setId(Demo.JOHN);
    john.setDisplayName("John");
    IdentitySet identity = new IdentitySet();
    identity.setUser(john);
    InvitationParticipantInfo target = new InvitationParticipantInfo();
    target.setIdentity(identity);
    Call call = new Call();
    call.setCallbackUri(bot.url());
    call.setTargets(List.of(target));
    call.setRequestedModalities(List.of(Modality.Audio));
    call.setMediaConfig(new ServiceHostedMediaConfig());
    return graph.communications().calls().post(call);
  }

  static List<BotWebhook.Received> awaitNotifications(String callId, int count) {
    await().atMost(Duration.ofSeconds(15)).until(() -> bot.about(callId).size() >= count);
    return bot.about(callId);
  }

  @Test
  void aPeerToPeerCall_establishingThenEstablished_thenTerminatingAndTerminated_readByTheSdk() {
    Call created = callJohn();

    List<BotWebhook.Received> live = awaitNotifications(created.getId(), 2);
    List<JsonNode> notifications = live.stream().map(Notifications::notification).toList();
    List<Call> calls = notifications.stream().map(Notifications::call).toList();

    assertThat(notifications).extracting(n -> n.path("changeType").asText()).containsExactly("updated", "updated");
    assertThat(notifications)
        .extracting(n -> n.path("callbackUri").asText())
        .containsOnly(bot.url());
    assertThat(calls).extracting(Call::getState).containsExactly(CallState.Establishing, CallState.Established);
    assertThat(calls).extracting(Call::getId).containsOnly(created.getId());
    assertThat(live).extracting(BotWebhook.Received::answered).containsOnly(202);

    graph.communications().calls().byCallId(created.getId()).delete();

    List<BotWebhook.Received> all = awaitNotifications(created.getId(), 4);
    List<JsonNode> ending = all.subList(2, 4).stream().map(Notifications::notification).toList();
    List<Call> ended = ending.stream().map(Notifications::call).toList();
    assertThat(ending).extracting(n -> n.path("changeType").asText()).containsExactly("updated", "deleted");
    assertThat(ended).extracting(Call::getState).containsExactly(CallState.Terminating, CallState.Terminated);
    Call terminated = ended.get(1);
    assertThat(terminated.getResultInfo().getCode()).isEqualTo(200);
    assertThat(terminated.getResultInfo().getSubcode()).isEqualTo(5001);
    assertThat(all).extracting(BotWebhook.Received::answered).containsOnly(202);
  }

  @Test
  void everyNotificationToken_isValidForThisBot_againstThePublishedOpenIdConfiguration() throws Exception {
    Call created = callJohn();
    List<BotWebhook.Received> received = awaitNotifications(created.getId(), 2);
    graph.communications().calls().byCallId(created.getId()).delete();

    assertThat(validator.issuer()).isEqualTo("https://api.botframework.com");
    assertThat(validator.jwksUri().toString()).startsWith(dialtone.https() + "/");
    for (BotWebhook.Received notification : received) {
      JWTClaimsSet claims = validator.validate(notification.bearerToken());

      assertThat(claims.getIssuer()).isEqualTo("https://api.botframework.com");
      assertThat(claims.getAudience()).containsExactly(Demo.CALLING_BOT.appId());
      assertThat(claims.getStringClaim("tid")).isEqualTo(Demo.CONTOSO);
      assertThat(SignedJWT.parse(notification.bearerToken()).getHeader().getAlgorithm())
          .isEqualTo(JWSAlgorithm.RS256);
      assertThat(notification.answered()).isEqualTo(202);
    }
  }

  @Test
  void forgedTokens_areRefused_andTheBotAnswers401() throws Exception {
    Call created = callJohn();
    BotWebhook.Received genuine = awaitNotifications(created.getId(), 1).get(0);
    graph.communications().calls().byCallId(created.getId()).delete();
    SignedJWT real = SignedJWT.parse(genuine.bearerToken());
    JWTClaimsSet claims = real.getJWTClaimsSet();

    // The same claims and key id, signed by a key that is not Dialtone's.
    RSAKey impostor = new RSAKeyGenerator(2048).keyID(real.getHeader().getKeyID()).generate();
    SignedJWT forged =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(real.getHeader().getKeyID())
                .type(JOSEObjectType.JWT)
                .build(),
            claims);
    forged.sign(new RSASSASigner(impostor));
    // Dialtone's signature over other claims: another bot's audience.
    JWTClaimsSet otherBot = new JWTClaimsSet.Builder(claims).audience(Demo.TEST_BOT.appId()).build();
    String tampered =
        real.getParsedParts()[0]
            + "."
            + Base64URL.encode(otherBot.toString().getBytes(StandardCharsets.UTF_8))
            + "."
            + real.getSignature();
    // No signature at all.
    String unsigned = new PlainJWT(claims).serialize();

    for (var forgery :
        List.of(
            new Forgery(forged.serialize(), "Invalid signature"),
            new Forgery(tampered, "Invalid signature"),
            new Forgery(unsigned, "plain"))) {
      assertThatThrownBy(() -> validator.validate(forgery.token()))
          .isInstanceOf(BadJOSEException.class)
          .hasMessageContaining(forgery.reason());
      assertThat(post(genuine.body(), "Bearer " + forgery.token())).isEqualTo(401);
    }
    assertThat(post(genuine.body(), null)).isEqualTo(401);
    // A genuine token for another bot is not this bot's.
    CallbackTokenValidator testBot =
        CallbackTokenValidator.fromOpenIdConfiguration(
            URI.create(dialtone.https() + "/v1/.well-known/OpenIdConfiguration"),
            dialtone.tls(),
            Demo.TEST_BOT.appId());
    assertThatThrownBy(() -> testBot.validate(genuine.bearerToken()))
        .isInstanceOf(BadJOSEException.class)
        .hasMessageContaining("aud claim rejected");
    // And the genuine one, replayed as is, is still admitted.
    assertThat(post(genuine.body(), genuine.header("Authorization"))).isEqualTo(202);
  }

  private record Forgery(String token, String reason) {}

  /** A POST to the bot's webhook as someone other than Dialtone might send it. */
  private static int post(String body, String authorization) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(bot.url()))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
  }
}
